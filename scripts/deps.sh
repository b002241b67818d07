#!/usr/bin/env bash
# Checks for the Debian packages q8rt needs and installs the missing ones (as root), or prints the exact
# apt-get command and fails. Idempotent: does nothing when everything is present.
# Usage: scripts/deps.sh [extra-package...]
# Optional sets passed as arguments by make targets: `make fuzz` adds clang libclang-rt-14-dev llvm
# (libFuzzer and the clang sanitizer runtimes).
set -euo pipefail

packages=(build-essential pkg-config libcpuinfo-dev libpthreadpool-dev libprotobuf-c-dev protobuf-c-compiler
          libjpeg-dev libpng-dev libexif-dev zlib1g-dev python3-pil
          libjpeg-turbo-progs ca-certificates curl python3-numpy python3-flatbuffers flatbuffers-compiler "$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "install them with:  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
echo "scripts/deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd >/dev/null

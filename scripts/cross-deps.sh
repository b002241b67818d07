#!/usr/bin/env bash
# Fetches Debian's target-architecture builds of the libraries q8rt links (cpuinfo, pthreadpool, libjpeg-turbo,
# protobuf-c, zlib, libpng, libexif) and unpacks them into build/deps-<arch>/, without touching the system's dpkg state:
# a private apt configuration (its own lists and cache) runs `update` and `download`, then `dpkg-deb -x`.
# (Installing :arm64/:armhf packages with multiarch would pull in a second libc6, which makes threaded programs
# hang under qemu-user.) Idempotent: does nothing when build/deps-<arch>/.complete lists the same packages.
# The optional set `xnnpack` (used only by `make bench-insn`) adds Debian's XNNPACK (libxnnpack0, libxnnpack-dev)
# for the target to the same directory, after the base set; its marker is build/deps-<arch>/.complete-xnnpack.
# Usage: scripts/cross-deps.sh arm64|armhf [xnnpack]
set -euo pipefail
arch=${1:?usage: scripts/cross-deps.sh arm64|armhf [xnnpack]}
set_name=${2:-base}
case "$arch" in arm64|armhf) ;; *) echo "cross-deps.sh: unknown architecture $arch" >&2; exit 1;; esac
case "$set_name" in base|xnnpack) ;; *) echo "cross-deps.sh: unknown package set $set_name (base or xnnpack)" >&2; exit 1;; esac
cd "$(dirname "$0")/.."
dest="build/deps-$arch"
if [ "$set_name" = xnnpack ]; then
  scripts/cross-deps.sh "$arch" base >/dev/null
  marker="$dest/.complete-xnnpack"
  packages=(libxnnpack0 libxnnpack-dev)
else
  marker="$dest/.complete"
  packages=(libcpuinfo0 libcpuinfo-dev libpthreadpool0 libpthreadpool-dev libjpeg62-turbo libjpeg62-turbo-dev
            libprotobuf-c1 libprotobuf-c-dev zlib1g zlib1g-dev libpng16-16 libpng-dev libexif12 libexif-dev)
fi
# The marker holds the package list it was made for: a changed list fetches again.
[ -f "$marker" ] && [ "$(cat "$marker")" = "${packages[*]}" ] && exit 0

apt_dir="$(pwd)/$dest/apt"
debs_dir="$apt_dir/debs-$set_name"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$debs_dir"
: > "$apt_dir/status"
opts=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch" -o "Dir::State::Lists=$apt_dir/lists"
      -o "Dir::State::status=$apt_dir/status" -o "Dir::Cache=$apt_dir/cache" -o "Debug::NoLocking=1"
      -o "APT::Sandbox::User=root")
echo "cross-deps.sh: fetching ${packages[*]} for $arch" >&2
apt-get "${opts[@]}" -qq update || echo "cross-deps.sh: apt-get update reported errors (a mirror mid-sync?); trying the download with the lists it got" >&2
(cd "$debs_dir" && apt-get "${opts[@]}" -qq download "${packages[@]/%/:$arch}") || {
  echo "cross-deps.sh: could not download ${packages[*]} for $arch from Debian (see apt's message above)" >&2
  exit 1
}
for deb in "$debs_dir"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
# The -dev packages' .so symlinks are absolute or relative to /usr/lib/<triplet>; make them point inside $dest.
triplet=$(ls "$dest/usr/lib" | grep -- -linux-)
for link in "$dest/usr/lib/$triplet"/*.so; do
  target=$(readlink "$link" || true)
  case "$target" in
    "$(pwd)/$dest"/*) ;;                               # already inside $dest (a second package set ran this loop)
    /*) ln -sf "$(pwd)/$dest$target" "$link" ;;
  esac
done
echo "${packages[*]}" > "$marker"
echo "$dest"

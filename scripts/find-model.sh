#!/usr/bin/env bash
# Finds the Caffe2 quantized MobileNetV2 files and prints the directory holding them, checked against the
# SHA256 sums. Search order: $Q8RT_CAFFE2_DIR, weights/caffe2/, ../shared/models/caffe2-mobilenet-v2-quant/,
# else download from the official URLs into weights/caffe2/ (verified before use).
set -euo pipefail
cd "$(dirname "$0")/.."

sums="scripts/caffe2-mobilenet-v2-quant.sha256"
base_url="https://s3.amazonaws.com/download.caffe2.ai/models/mobilenet_v2_1.0_224_quant"

verify() { # dir -> 0 if both files match the sums
  local dir=$1
  [ -f "$dir/init_net.pb" ] && [ -f "$dir/predict_net.pb" ] || return 1
  (cd "$dir" && sha256sum --quiet -c "$OLDPWD/$sums" >/dev/null 2>&1)
}

for dir in "${Q8RT_CAFFE2_DIR:-}" weights/caffe2 ../shared/models/caffe2-mobilenet-v2-quant; do
  [ -n "$dir" ] || continue
  if [ -d "$dir" ]; then
    if verify "$dir"; then echo "$dir"; exit 0; fi
    if [ -f "$dir/init_net.pb" ] || [ -f "$dir/predict_net.pb" ]; then
      echo "find-model.sh: $dir: files do not match the SHA256 sums in $sums; ignoring" >&2
    fi
  fi
done

echo "find-model.sh: no local copy; downloading from $base_url" >&2
mkdir -p weights/caffe2
tmp=$(mktemp -d weights/caffe2/.download.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for f in init_net.pb predict_net.pb; do
  if ! curl -fsSL --retry 2 -o "$tmp/$f" "$base_url/$f"; then
    echo "find-model.sh: download of $base_url/$f failed; set Q8RT_CAFFE2_DIR to a folder with the files" >&2
    exit 1
  fi
done
if ! verify "$tmp"; then
  echo "find-model.sh: downloaded files do not match $sums" >&2
  exit 1
fi
mv "$tmp/init_net.pb" "$tmp/predict_net.pb" weights/caffe2/
echo weights/caffe2

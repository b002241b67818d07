#!/usr/bin/env bash
# `q8rt classify` on a 12-megapixel (4000x3000) JPEG: median wall time and peak RSS over RUNS runs for each
# q8rt binary given, alternating the binaries run by run (so that they see the same machine state).
# Usage: bench/big-photo.sh MODEL.q8rt RUNS Q8RT_BINARY...
# e.g.   bench/big-photo.sh weights/mobilenet_v2_quant.q8rt 21 /path/to/older/q8rt build/bin/q8rt
# The photo is an ImageNet photo (Q8RT_PHOTOS_DIR) upscaled with Pillow and saved at quality 90.
set -euo pipefail
model=$1 runs=$2; shift 2
photos=${Q8RT_PHOTOS_DIR:-../shared/data/imagenet-train-photos}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 -c "
from PIL import Image
Image.open('$photos/images/n02091032_Italian_greyhound.JPEG').convert('RGB').resize((4000, 3000), Image.BICUBIC) \
    .save('$tmp/photo-4000x3000.jpg', quality=90)"
for ((r = 0; r < runs; r++)); do
  for ((b = 1; b <= $#; b++)); do
    /usr/bin/time -f "%e %M" -o "$tmp/t" "${!b}" classify "$model" "$tmp/photo-4000x3000.jpg" --top 1 >/dev/null 2>&1
    cat "$tmp/t" >> "$tmp/bin$b"
  done
done
printf '%-40s %14s %14s\n' "q8rt binary (4000x3000 JPEG, $runs runs)" "median wall s" "peak RSS KiB"
for ((b = 1; b <= $#; b++)); do
  printf '%-40s %14s %14s\n' "${!b}" "$(cut -d' ' -f1 "$tmp/bin$b" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(cut -d' ' -f2 "$tmp/bin$b" | sort -n | tail -n 1)"
done

#!/usr/bin/env bash
# End-to-end tests on full-resolution photos (../shared/data/imagenet-train-photos): decoding, DCT scaling,
# Pillow-style resize and crop, EXIF orientation, PNG, extreme sizes, against the reference top-5 in
# reference.txt (Pillow preprocessing + the Caffe2/QNNPACK int8 arithmetic).
# Usage: test/e2e/test_photos.sh BUILD_DIR   (make check passes it; needs `make weights` first)
# Environment: Q8RT_BLOB, Q8RT_PHOTOS_DIR (exported by the Makefile); Q8RT_RUNNER and Q8RT_CROSS in cross builds.
set -uo pipefail
build=${1:-build}
# shellcheck disable=SC2086
q8rt() { ${Q8RT_RUNNER:-} "$build/bin/q8rt" "$@"; }
blob=${Q8RT_BLOB:-weights/mobilenet_v2_quant.q8rt}
photos=${Q8RT_PHOTOS_DIR:-../shared/data/imagenet-train-photos}
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
check() { local what=$1; shift; if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi; }
if [ ! -f "$photos/reference.txt" ]; then
  echo "test_photos: $photos/reference.txt not found (set Q8RT_PHOTOS_DIR)" >&2
  echo "test_photos: 0 passed, 1 failed"; exit 1
fi

# ranks JSON: for each image of a classify --json output, "FILE K1 K2 ... | P1 P2 ..." (base name, top classes,
# probabilities as printed).
ranks() {
  "$py" -c '
import json, os, sys
for r in json.load(open(sys.argv[1])):
    if "top" in r:
        print(os.path.basename(r["image"]), *[e["class"] for e in r["top"]], "|", *[e["probability"] for e in r["top"]])
' "$1"
}

# 1. Every photo against the reference: top-1 agreement >= 97 %, top-1 accuracy within 1 point of 85.33 %.
list=$(cut -d' ' -f1 "$photos/reference.txt")
if [ -n "${Q8RT_CROSS:-}" ]; then list=$(echo "$list" | awk 'NR % 11 == 1'); fi # qemu: every 11th photo
args=(); for f in $list; do args+=("$photos/images/$f"); done
q8rt classify "$blob" "${args[@]}" --top 5 --json > "$tmp/all.json" 2> "$tmp/all.err"
check "classify the photos (exit 0): $(head -c 300 "$tmp/all.err")" test $? -eq 0
ranks "$tmp/all.json" > "$tmp/ranks.txt"
read -r n agree top1 top5 < <("$py" - "$photos" "$tmp/ranks.txt" <<'EOF'
import sys
photos, ranks = sys.argv[1], sys.argv[2]
ref = {l.split()[0]: int(l.split()[1]) for l in open(photos + "/reference.txt")}
lab = {l.split()[0]: int(l.split()[1]) for l in open(photos + "/labels.txt")}
n = agree = top1 = top5 = 0
for line in open(ranks):
    f, *rest = line.split()
    top = [int(k) for k in rest[:rest.index("|")]]
    n += 1
    agree += top[0] == ref[f]
    top1 += top[0] == lab[f]
    top5 += lab[f] in top[:5]
print(n, agree, 100.0 * top1 / max(n, 1), 100.0 * top5 / max(n, 1))
EOF
)
echo "  photos: $n classified; top-1 equals the reference on $agree; top-1 $top1 %, top-5 $top5 %"
check "all photos classified ($n)" test "$n" -eq "$(echo "$list" | wc -l)"
check "top-1 agreement with reference.txt >= 97 % ($agree of $n)" test $((agree * 100)) -ge $((n * 97))
if [ -z "${Q8RT_CROSS:-}" ]; then
  check "top-1 accuracy $top1 within 1 point of 85.33 %" \
    "$py" -c "import sys; sys.exit(abs($top1 - 85.33) > 1.0)"
  # eval over the folder gives the same accuracy
  q8rt eval "$blob" --images "$photos/images" --labels "$photos/labels.txt" --json > "$tmp/eval.json"
  check "eval on the photos: $(cat "$tmp/eval.json")" \
    "$py" -c "import json,sys; r=json.load(open('$tmp/eval.json')); sys.exit(not (r['n'] == 334 and abs(r['top1'] - $top1) < 0.01))"
fi

# 2. EXIF orientation: the photo stored turned (lossless jpegtran) with the Orientation tag that undoes it gives
# the same top-5 and probabilities as the upright pixels (Pillow's decode + ImageOps.exif_transpose of that file,
# stored losslessly as PNG), and the top-1 of the original upright JPEG.
src="$photos/images/n01518878_ostrich.JPEG" # 375 x 500
for o in 6 8 3; do
  case $o in 6) rot=270 ;; 8) rot=90 ;; 3) rot=180 ;; esac
  jpegtran -copy none -rotate $rot -trim "$src" > "$tmp/turned.jpg"
  "$py" - "$tmp/turned.jpg" "$tmp/orient$o.jpg" "$o" "$tmp/upright$o.png" <<'EOF'
import sys
from PIL import Image, ImageOps
# Insert an APP1 Exif segment (big-endian TIFF, IFD0 with one SHORT entry 0x0112) after SOI.
src, dst, o, png = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
data = open(src, "rb").read()
tiff = b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x01" + b"\x01\x12\x00\x03\x00\x00\x00\x01" + bytes([0, o, 0, 0]) + b"\x00\x00\x00\x00"
app1 = b"Exif\x00\x00" + tiff
open(dst, "wb").write(data[:2] + b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1 + data[2:])
ImageOps.exif_transpose(Image.open(dst)).convert("RGB").save(png)
EOF
  q8rt classify "$blob" "$tmp/upright$o.png" "$tmp/orient$o.jpg" "$src" --top 5 --json > "$tmp/orient.json"
  ranks "$tmp/orient.json" | cut -d' ' -f2- > "$tmp/orient.txt"
  check "orientation $o: same top-5 and probabilities as the upright pixels ($(tr '\n' ';' < "$tmp/orient.txt"))" \
    test "$(sed -n 1p "$tmp/orient.txt")" = "$(sed -n 2p "$tmp/orient.txt")" -a "$(wc -l < "$tmp/orient.txt")" -eq 3
  check "orientation $o: top-1 of the original upright JPEG" \
    test "$(sed -n 2p "$tmp/orient.txt" | cut -d' ' -f1)" = "$(sed -n 3p "$tmp/orient.txt" | cut -d' ' -f1)"
done

# 3. PNG: the decoded pixels of a JPEG saved as PNG (lossless) classify exactly as the JPEG.
"$py" -c "from PIL import Image; Image.open('$src').convert('RGB').save('$tmp/ostrich.png')"
"$py" -c "from PIL import Image; Image.open('$src').convert('RGBA').save('$tmp/ostrich-rgba.png')"
q8rt classify "$blob" "$src" "$tmp/ostrich.png" "$tmp/ostrich-rgba.png" --top 5 --json > "$tmp/png.json"
ranks "$tmp/png.json" | cut -d' ' -f2- > "$tmp/png.txt"
check "PNG (RGB, RGBA) classify as the JPEG they came from ($(tr '\n' ';' < "$tmp/png.txt"))" \
  test "$(sort -u "$tmp/png.txt" | wc -l)" -eq 1 -a "$(wc -l < "$tmp/png.txt")" -eq 3

# 4. Sizes: a 4000x3000 photo (DCT-scaled decode), extreme aspect ratios, 1x1: all classify.
"$py" - "$tmp" "$photos/images/n02091032_Italian_greyhound.JPEG" <<'EOF'
import sys
from PIL import Image
tmp, photo = sys.argv[1], sys.argv[2]
Image.open(photo).convert("RGB").resize((4000, 3000), Image.BICUBIC).save(tmp + "/big.jpg", quality=90)
Image.new("RGB", (10000, 10), (90, 140, 200)).save(tmp + "/wide.jpg")
Image.new("RGB", (10, 10000), (90, 140, 200)).save(tmp + "/tall.png")
Image.new("L", (1, 1), 77).save(tmp + "/dot.jpg")
EOF
q8rt classify "$blob" "$tmp/big.jpg" "$tmp/wide.jpg" "$tmp/tall.png" "$tmp/dot.jpg" --top 1 --json > "$tmp/sizes.json" 2> "$tmp/sizes.err"
rc=$?
check "4000x3000, 10000x10, 10x10000, 1x1 classify (exit $rc: $(head -c 300 "$tmp/sizes.err"))" test $rc -eq 0
check "4 results" test "$(ranks "$tmp/sizes.json" | wc -l)" -eq 4
q8rt classify "$blob" "$photos/images/n02091032_Italian_greyhound.JPEG" "$tmp/big.jpg" --top 1 --json > "$tmp/big.json"
check "the 4000x3000 upscale has the top-1 of its 2400x1600 original" \
  test "$(ranks "$tmp/big.json" | awk '{print $2}' | sort -u | wc -l)" -eq 1

echo "test_photos: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs the libFuzzer harnesses built by `make FUZZ=1 fuzz-build` (make fuzz calls this).
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS HARNESS...     (HARNESS: blob, convert, image, tflite)
#
# Seed corpora are made afresh in BUILD_DIR/corpus/<harness>/ from real files (never committed):
#   blob:    the real MobileNetV2 converted, a tiny synthetic model's blobs, a header-only blob
#   convert: the real init_net/predict_net pair and the tiny synthetic pairs, in fuzz_convert.c's split format
#   image:   a few real JPEGs from $Q8RT_IMAGES_DIR/images and full-resolution photos from $Q8RT_PHOTOS_DIR/images,
#            plus files made with Pillow: odd-ratio and large JPEGs, EXIF-rotated JPEGs, PNGs (RGB, RGBA, gray,
#            palette)
#   tflite:  the two TFLite MobileNets of $Q8RT_TFLITE_DIR, and a few truncated copies
# plus the committed regression inputs of test/fuzz/regressions/<harness>/. Each harness then runs SECONDS
# seconds with ASan + UBSan (no recovery) and LeakSanitizer; any crash, leak, timeout (10 s), out-of-memory
# (2 GiB RSS) or sanitizer report fails the script, and the reproducer is left in BUILD_DIR/artifacts/.
set -uo pipefail
build=$1 seconds=$2; shift 2
images=${Q8RT_IMAGES_DIR:-../shared/data/imagenet-val-1300}
photos=${Q8RT_PHOTOS_DIR:-../shared/data/imagenet-train-photos}
corpus=$build/corpus artifacts=$build/artifacts logs=$build/logs
rm -rf "$corpus" "$logs"
mkdir -p "$logs"
# all corpus folders, so fuzz_seeds can write every seed whichever harnesses run
for h in blob convert image tflite "$@"; do mkdir -p "$corpus/$h" "$artifacts/$h"; done

echo "fuzz: seed corpora in $corpus/"
model_dir=$(scripts/find-model.sh) || { echo "fuzz: the Caffe2 model is needed for the seed corpora" >&2; exit 1; }
"$build/fuzz/fuzz_seeds" "$corpus" "$model_dir" || exit 1
tflite_dir=${Q8RT_TFLITE_DIR:-../shared/models/tflite-mobilenet-quant}
for m in "$tflite_dir"/*.tflite; do
  [ -f "$m" ] || { echo "fuzz: no TFLite models in $tflite_dir" >&2; exit 1; }
  cp "$m" "$corpus/tflite/"
  head -c 65536 "$m" > "$corpus/tflite/$(basename "$m" .tflite)-truncated.tflite"
done
mapfile -t jpegs < <(ls "$images"/images/*.JPEG 2>/dev/null | awk 'NR % 260 == 1' | head -n 5)
[ ${#jpegs[@]} -gt 0 ] || { echo "fuzz: no JPEGs in $images/images" >&2; exit 1; }
cp "${jpegs[@]}" "$corpus/image/"
# full-resolution photos under the 1 MiB input limit: every 40th
find "$photos/images" -name '*.JPEG' -size -1000k 2>/dev/null | sort | awk 'NR % 40 == 1' | xargs -r cp -t "$corpus/image/"
/usr/bin/python3 - "$corpus/image" "${jpegs[0]}" <<'EOF' || { echo "fuzz: making image seeds needs python3-pil" >&2; exit 1; }
import io, sys
from PIL import Image
out, photo = sys.argv[1], sys.argv[2]
im = Image.open(photo).convert("RGB")
im.resize((1200, 40)).save(out + "/odd-ratio.jpg", quality=80)
im.resize((30, 900)).save(out + "/tall.jpg", quality=80, progressive=True)
im.resize((1600, 1200)).save(out + "/large.jpg", quality=40)
im.resize((64, 48)).convert("CMYK").save(out + "/cmyk.jpg")
for o in (3, 6, 8):
    exif = Image.Exif()
    exif[0x0112] = o
    im.resize((120, 90)).save(f"{out}/exif-orientation{o}.jpg", exif=exif.tobytes())
small = im.resize((96, 64))
small.save(out + "/rgb.png")
small.convert("RGBA").save(out + "/rgba.png")
small.convert("LA").save(out + "/gray-alpha.png")
small.convert("P", palette=getattr(Image, "Palette", Image).ADAPTIVE, colors=16).save(out + "/palette.png")
EOF
for h in "$@"; do
  if [ -d "test/fuzz/regressions/$h" ] && [ -n "$(ls -A "test/fuzz/regressions/$h")" ]; then
    cp "test/fuzz/regressions/$h"/* "$corpus/$h/"
  fi
done

# Largest input per harness: room for the real model (blob ~7 MB, init_net 3.6 MB) and the JPEGs.
max_len() { case $1 in blob) echo 8388608;; convert|tflite) echo 4194304;; *) echo 1048576;; esac; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-8s %10s %8s %7s %8s %s\n' harness execs exec/s corpus "cov" result > "$logs/summary.txt"
for h in "$@"; do
  seeds=$(ls "$corpus/$h" | wc -l)
  echo "fuzz: $h: $seeds seeds, $seconds s"
  start=$(date +%s)
  "$build/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
    -max_len="$(max_len "$h")" -print_final_stats=1 -artifact_prefix="$artifacts/$h/" "$corpus/$h" \
    > "$logs/$h.log" 2>&1
  rc=$?
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$logs/$h.log" | tail -n 1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$logs/$h.log" | tail -n 1)
  cov=$(grep -E '^#[0-9]+' "$logs/$h.log" | sed -nE 's/.* cov: ([0-9]+).*/\1/p' | tail -n 1)
  files=$(ls "$corpus/$h" | wc -l)
  result=ok
  if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$logs/$h.log"; then
    result="FAILED (exit $rc)"
    status=1
    grep -E 'ERROR:|runtime error:|SUMMARY:|Test unit written|ALARM|==[0-9]+==' "$logs/$h.log" | head -n 20 | sed 's/^/    /' >&2
    echo "    full log: $logs/$h.log; reproduce: $build/fuzz/fuzz_$h ARTIFACT" >&2
  fi
  printf '%-8s %10s %8s %7s %8s %s\n' "$h" "${execs:-?}" "${rate:-?}" "$files" "${cov:-?}" "$result" >> "$logs/summary.txt"
  echo "fuzz: $h: ${execs:-?} executions in $(( $(date +%s) - start )) s, corpus $seeds -> $files inputs, cov: ${cov:-?} edges: $result"
done
echo
cat "$logs/summary.txt"
exit $status

#!/usr/bin/env bash
# The TFLite reference executor (test/e2e/tflite_reference.py, the oracle for q8rt's TFLite support): its
# hand-computed kernel cases (--selftest), then, when the TFLite models are there ($Q8RT_TFLITE_DIR, default
# ../shared/models/tflite-mobilenet-quant), both models on a few photos: the expected class on top, the files
# of --input / --image / --dump-input / --logits / --output consistent, --rounding single giving the same top class.
# Usage: test/e2e/test_tflite_reference.sh [BUILD_DIR]   (BUILD_DIR unused: the script runs no q8rt code)
set -uo pipefail
ref=test/e2e/tflite_reference.py
py=/usr/bin/python3
models=${Q8RT_TFLITE_DIR:-../shared/models/tflite-mobilenet-quant}
photos=${Q8RT_PHOTOS_DIR:-../shared/data/imagenet-train-photos}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
check() { local what=$1; shift; if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi; }

check "selftest" "$py" "$ref" --selftest
if [ ! -f "$models/schema.fbs" ]; then
  echo "test_tflite_reference: SKIP the models ($models/schema.fbs not found; set Q8RT_TFLITE_DIR)"
  echo "test_tflite_reference: $passed passed, $failed failed"; [ $failed -eq 0 ]; exit
fi
# photo, model class (ImageNet class + 1)
cases=("n01440764_tench.JPEG 1" "n02676566_acoustic_guitar.JPEG 403" "n04238763_slide_rule.JPEG 799")
for model in mobilenet_v2_1.0_224_quant mobilenet_v1_0.5_160_quant; do
  m=$models/$model.tflite
  for c in "${cases[@]}"; do
    set -- $c
    out=$tmp/$model-$1
    check "$model $1 runs" "$py" "$ref" "$m" --image "$photos/images/$1" --dump-input "$out.in" \
      --logits "$out.logits" --output "$out.prob" --top 1 > "$out.top"
    check "$model $1 top-1 class $2" grep -q "^1\. class $2 " "$out.top"
    check "$model $1 sizes" test "$(stat -c %s "$out.logits")" = 1001 -a "$(stat -c %s "$out.prob")" = 1001
    # the dumped input given back as --input gives the same bytes
    "$py" "$ref" "$m" --input "$out.in" --logits "$out.l2" --output "$out.p2"
    check "$model $1 --input == --image" cmp -s "$out.logits" "$out.l2"
    check "$model $1 softmax" cmp -s "$out.prob" "$out.p2"
    # single rounding: the same top class, logits within 8 of double rounding's (the rounding differences of
    # each layer add up: 4 on the slide rule with MobileNetV1)
    "$py" "$ref" "$m" --input "$out.in" --logits "$out.ls" --output "$out.ps" --rounding single
    check "$model $1 single rounding close" "$py" -c '
import sys, numpy as np
a, b = (np.fromfile(p, np.uint8).astype(int) for p in sys.argv[1:3])
sys.exit(0 if np.abs(a - b).max() <= 8 and a.argmax() == b.argmax() else 1)' "$out.logits" "$out.ls"
  done
done
echo "test_tflite_reference: $passed passed, $failed failed"
[ $failed -eq 0 ]

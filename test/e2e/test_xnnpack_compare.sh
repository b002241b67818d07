#!/usr/bin/env bash
# bench/xnnpack_compare (the outside reference of `make bench`) still builds and agrees with q8rt: XNNPACK QU8 and
# F32 networks built from the blob's raw weights, top-1 agreement on 50 real images (the program fails below 90 %),
# a few timed rounds, and the one-engine mode that `make bench-insn` uses. Built by make check (native only).
# Usage: test/e2e/test_xnnpack_compare.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
bin="$build/bench/xnnpack_compare"
blob=${Q8RT_BLOB:-weights/mobilenet_v2_quant.q8rt}
images=${Q8RT_IMAGES_DIR:-../shared/data/imagenet-val-1300}
passed=0; failed=0
check() { local what=$1; shift; if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
"$bin" "$blob" --images "$images/images" --count 50 --runs 3 --warmup 1 > "$out" 2>&1
rc=$?
check "xnnpack_compare on 50 images (exit $rc)" test $rc -eq 0
grep ' vs ' "$out" | sed 's/^ */  /'
for engine in q8rt-int8 q8rt-fp32 xnnpack-qu8 xnnpack-f32; do
  "$bin" "$blob" --engine "$engine" --runs 2 > /dev/null 2>&1
  rc=$?
  check "xnnpack_compare --engine $engine --runs 2 (exit $rc)" test $rc -eq 0
done
# one op alone after an inference (make bench-insn's per-op counts), int8 and fp32
for engine in q8rt-int8 q8rt-fp32; do
  "$bin" "$blob" --engine "$engine" --runs 1 --op 3 --op-runs 2 > /dev/null 2>&1
  rc=$?
  check "xnnpack_compare --engine $engine --op 3 (exit $rc)" test $rc -eq 0
done
echo "test_xnnpack_compare: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# End-to-end tests of the q8rt CLI on the real model and real ImageNet images.
# Usage: test/e2e/test_cli.sh BUILD_DIR   (make check passes it; needs `make weights` first)
# Environment: Q8RT_BLOB, Q8RT_IMAGES_DIR, Q8RT_LABELS (exported by the Makefile).
set -uo pipefail
build=${1:-build}
# shellcheck disable=SC2086
q8rt() { ${Q8RT_RUNNER:-} "$build/bin/q8rt" "$@"; }
blob=${Q8RT_BLOB:-weights/mobilenet_v2_quant.q8rt}
images=${Q8RT_IMAGES_DIR:-../shared/data/imagenet-val-1300}
synset=${Q8RT_LABELS:-../shared/data/imagenet-labels/synset_words.txt}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok()   { passed=$((passed + 1)); }
bad()  { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

# expect_error NAME PATTERN OUTFILE -- CMD...: CMD exits non-zero, stderr matches PATTERN, OUTFILE absent.
expect_error() {
  local name=$1 pattern=$2 out=$3; shift 4
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local rc=$?
  if [ $rc -eq 0 ]; then bad "$name: exit 0"; return; fi
  if [ $rc -ge 128 ]; then bad "$name: crashed (exit $rc)"; return; fi
  if ! grep -qE -- "$pattern" "$tmp/stderr"; then bad "$name: stderr '$(cat "$tmp/stderr")' lacks /$pattern/"; return; fi
  if [ -n "$out" ] && ls "$out"* >/dev/null 2>&1; then bad "$name: left $(ls "$out"*)"; return; fi
  echo "  $name -> $(head -c 200 "$tmp/stderr" | head -n 1)"
  ok
}

model_dir=$(scripts/find-model.sh) || { echo "no Caffe2 model"; exit 1; }

# --- converter ------------------------------------------------------------------------------------
# The Makefile's weights rule stores the class names when the synset file exists; do the same here.
labels_opt=(); [ -f "$synset" ] && labels_opt=(--labels "$synset")
check "convert real model" q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o "$tmp/m.q8rt" \
  "${labels_opt[@]}"
check "converted blob identical to weights/ blob (deterministic)" cmp -s "$tmp/m.q8rt" "$blob"
check "blob v2 of MobileNetV2 is at most 3.8 MB" test "$(wc -c < "$blob")" -le 3800000
# --labels: count must match the classes; BOM + CRLF + plain names accepted
head -n 999 "$synset" > "$tmp/999.txt" 2>/dev/null || : > "$tmp/999.txt"
expect_error "convert --labels with 999 names" "999 class names, but the model has 1000 classes" "$tmp/o4.q8rt" -- \
  q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o "$tmp/o4.q8rt" --labels "$tmp/999.txt"
{ printf '\xef\xbb\xbf'; for i in $(seq 0 999); do printf 'class %d \xc3\xa9\r\n' "$i"; done; } > "$tmp/crlf.txt"
check "convert --labels BOM + CRLF" q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" \
  -o "$tmp/crlf.q8rt" --labels "$tmp/crlf.txt"
check "class names from the blob" grep -q 'class 472 é$' <(q8rt classify "$tmp/crlf.q8rt" \
  "$images/images/ILSVRC2012_val_00000347.JPEG" --top 1)
# a version 1 blob (header version field 1) is refused with a hint to re-convert
cp "$blob" "$tmp/v1.q8rt"; printf '\x01' | dd of="$tmp/v1.q8rt" bs=1 seek=8 conv=notrunc status=none
expect_error "version 1 blob" "version 1.*re-convert" "" -- q8rt info "$tmp/v1.q8rt"
head -c 100000 "$model_dir/init_net.pb" > "$tmp/init_trunc.pb"
expect_error "convert truncated init_net" "init_trunc.pb" "$tmp/o1.q8rt" -- \
  q8rt convert "$tmp/init_trunc.pb" "$model_dir/predict_net.pb" -o "$tmp/o1.q8rt"
expect_error "convert missing file" "nonexistent.pb" "$tmp/o2.q8rt" -- \
  q8rt convert "$tmp/nonexistent.pb" "$model_dir/predict_net.pb" -o "$tmp/o2.q8rt"
expect_error "convert swapped files" "." "$tmp/o3.q8rt" -- \
  q8rt convert "$model_dir/predict_net.pb" "$model_dir/init_net.pb" -o "$tmp/o3.q8rt"
expect_error "convert unwritable output" "/nonexistent-dir/x.q8rt" "" -- \
  q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o /nonexistent-dir/x.q8rt

# --- info -----------------------------------------------------------------------------------------
q8rt info "$blob" --json > "$tmp/info.json" 2>"$tmp/stderr"
check "info --json" grep -q '"ops":67' "$tmp/info.json"
check "info input shape" grep -q '"input":\[1,224,224,3\]' "$tmp/info.json"
check "info text" grep -q MACs <(q8rt info "$blob")

# --- bad blobs ------------------------------------------------------------------------------------
head -c 5000 "$blob" > "$tmp/trunc.q8rt"
expect_error "truncated blob" "trunc.q8rt.*(truncated|too small)" "" -- q8rt info "$tmp/trunc.q8rt"
cp "$blob" "$tmp/flip.q8rt"; printf '\xff' | dd of="$tmp/flip.q8rt" bs=1 seek=300000 conv=notrunc status=none
expect_error "bit-flipped blob" "flip.q8rt.*checksum" "" -- q8rt info "$tmp/flip.q8rt"
cp "$blob" "$tmp/magic.q8rt"; printf 'XXXX' | dd of="$tmp/magic.q8rt" bs=1 seek=0 conv=notrunc status=none
expect_error "wrong magic" "magic.q8rt.*magic" "" -- q8rt info "$tmp/magic.q8rt"
: > "$tmp/empty.q8rt"
expect_error "empty blob" "empty.q8rt" "" -- q8rt info "$tmp/empty.q8rt"
expect_error "directory as blob" "$tmp" "" -- q8rt info "$tmp"

# --- classify -------------------------------------------------------------------------------------
img1="$images/images/ILSVRC2012_val_00000347.JPEG"
q8rt classify "$blob" "$img1" --labels "$synset" --top 5 > "$tmp/cls.txt"
check "classify prints 5 classes" test "$(grep -c '%' "$tmp/cls.txt")" -eq 5
echo "not a jpeg" > "$tmp/text.jpg"
expect_error "classify non-JPEG" "text.jpg" "" -- q8rt classify "$blob" "$tmp/text.jpg"
head -c 3000 "$img1" > "$tmp/trunc.jpg"
expect_error "classify truncated JPEG" "trunc.jpg" "" -- q8rt classify "$blob" "$tmp/trunc.jpg"

# --- cross builds (Q8RT_CROSS, set by `make CROSS=...`): on 50 of the 1300 images, the uint8 logits of every
# class from the ARM binary under qemu (NEON kernels) must equal, bit for bit, those of the native x86 binary
# build/bin/q8rt and of the ARM binary with Q8RT_ISA=scalar; same top-1 / top-5; the ISA reported is "neon".
if [ -n "${Q8RT_CROSS:-}" ]; then
  native=build/bin/q8rt
  mapfile -t some < <(head -n 50 "$images/labels.txt" | awk -v d="$images/images" '{print d "/" $1}')
  if [ ! -x "$native" ]; then
    bad "native x86 binary $native is absent: build it first with a native \`make all\` (.ci/run does)"
  elif [ "$(uname -m)" != x86_64 ]; then
    bad "$native is not runnable on $(uname -m)"
  else
    check "cross-converted blob identical to the native converter's" \
      cmp -s "$blob" <("$native" convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o "$tmp/native.q8rt" \
                       "${labels_opt[@]}" >/dev/null && cat "$tmp/native.q8rt")
    "$native" classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/native.json"
    q8rt classify "$blob" "${some[@]}" --top 1000 --json --threads 1 > "$tmp/t1.json"
    q8rt classify "$blob" "${some[@]:0:8}" --top 1000 --json --threads 2 > "$tmp/t2.json"
    Q8RT_ISA=scalar q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/scalar.json"
    check "json has 50 images x 1000 classes" test "$(grep -o '"logit"' "$tmp/t1.json" | wc -l)" -eq 50000
    check "50 images: NEON (qemu) vs native x86 logits identical" cmp -s "$tmp/t1.json" "$tmp/native.json"
    check "50 images: NEON vs scalar kernels (qemu) identical" cmp -s "$tmp/t1.json" "$tmp/scalar.json"
    "$native" classify "$blob" "${some[@]:0:8}" --top 1000 --json > "$tmp/native8.json"
    check "8 images: NEON with 2 threads vs native identical" cmp -s "$tmp/t2.json" "$tmp/native8.json"
    head -n 50 "$images/labels.txt" > "$tmp/labels50.txt"
    q8rt eval "$blob" --images "$images/images" --labels "$tmp/labels50.txt" --json > "$tmp/eval.json"
    "$native" eval "$blob" --images "$images/images" --labels "$tmp/labels50.txt" --json > "$tmp/eval_native.json"
    echo "  eval (ARM, 50 images): $(cat "$tmp/eval.json")"
    field() { sed -E "s/.*\"$1\":\"?([0-9a-z.]+).*/\1/" "$2"; }
    check "eval 50 images" test "$(field n "$tmp/eval.json")" -eq 50
    check "eval reports isa neon" test "$(field isa "$tmp/eval.json")" = neon
    check "top-1 ARM $(field top1 "$tmp/eval.json") == native $(field top1 "$tmp/eval_native.json")" \
      test "$(field top1 "$tmp/eval.json")" = "$(field top1 "$tmp/eval_native.json")"
    check "top-5 ARM $(field top5 "$tmp/eval.json") == native $(field top5 "$tmp/eval_native.json")" \
      test "$(field top5 "$tmp/eval.json")" = "$(field top5 "$tmp/eval_native.json")"
    q8rt bench "$blob" --runs 3 --warmup 1 --json > "$tmp/bench.json"
    echo "  bench under qemu (not an ARM timing): $(cat "$tmp/bench.json")"
    check "bench reports isa neon" grep -q '"isa":"neon"' "$tmp/bench.json"
    Q8RT_ISA=scalar q8rt bench "$blob" --runs 1 --warmup 0 --json > "$tmp/bench_scalar.json"
    check "Q8RT_ISA=scalar bench reports isa scalar" grep -q '"isa":"scalar"' "$tmp/bench_scalar.json"
  fi
else
# --- same outputs: 1 vs 2 threads, scalar vs SIMD kernels (uint8 logits of every class) ------------
mapfile -t some < <(ls "$images"/images/*.JPEG | head -n 40)
q8rt classify "$blob" "${some[@]}" --top 1000 --json --threads 1 > "$tmp/t1.json"
q8rt classify "$blob" "${some[@]}" --top 1000 --json --threads 2 > "$tmp/t2.json"
Q8RT_ISA=scalar q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/scalar.json"
check "40 images: 1 vs 2 threads identical" cmp -s "$tmp/t1.json" "$tmp/t2.json"
check "40 images: scalar vs SIMD identical" cmp -s "$tmp/t1.json" "$tmp/scalar.json"
if grep -q sse4_1 /proc/cpuinfo; then
  Q8RT_ISA=sse41 q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/sse41.json"
  check "40 images: SSE4.1 vs default ($(q8rt bench "$blob" --runs 1 --warmup 0 --json | sed -E 's/.*"isa":"([a-z0-9]+)".*/\1/')) identical" \
    cmp -s "$tmp/t1.json" "$tmp/sse41.json"
fi
if grep -q avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
  Q8RT_ISA=avx2 q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/avx2.json"
  check "40 images: AVX2 vs default identical" cmp -s "$tmp/t1.json" "$tmp/avx2.json"
fi
# int8 vs fp32 on the same images: the top-1 class agrees on (almost) all of them
q8rt classify "$blob" "${some[@]}" --top 1 --json --precision fp32 > "$tmp/fp32.json"
q8rt classify "$blob" "${some[@]}" --top 1 --json > "$tmp/int8top1.json"
agree=$(paste <(grep -o '"top":\[{"class":[0-9]*' "$tmp/int8top1.json" | sed 's/.*://') \
              <(grep -o '"top":\[{"class":[0-9]*' "$tmp/fp32.json" | sed 's/.*://') | awk '$1 == $2' | wc -l)
echo "  int8 and fp32 agree on the top-1 class of $agree of 40 images"
check "int8 vs fp32 top-1 agreement $agree >= 36 of 40" test "$agree" -ge 36
check "json has 40 images x 1000 classes" test "$(grep -o '"logit"' "$tmp/t1.json" | wc -l)" -eq 40000

fi

# --- run: raw tensors in, raw logits out ----------------------------------------------------------
head -c 150528 /dev/urandom > "$tmp/in.u8"
q8rt run "$blob" --input "$tmp/in.u8" --input-format u8-nhwc --output "$tmp/out1.u8"
q8rt run "$blob" --input "$tmp/in.u8" --input-format u8-nhwc --output "$tmp/out2.u8" --threads 2
check "run writes 1000 logits" test "$(stat -c %s "$tmp/out1.u8")" -eq 1000
check "run threads 1 == 2" cmp -s "$tmp/out1.u8" "$tmp/out2.u8"
q8rt run "$blob" --input "$tmp/in.u8" --input-format u8-nhwc --output "$tmp/p.f32" --output-format f32-probs
check "run writes 1000 float probabilities" test "$(stat -c %s "$tmp/p.f32")" -eq 4000
expect_error "run wrong input size" "in.u8.*expected" "$tmp/out3" -- \
  q8rt run "$blob" --input "$tmp/in.u8" --output "$tmp/out3"

# --- bench: int8 and fp32 alternating, per layer (README "Benchmarking int8 vs fp32") -------------------
q8rt bench "$blob" --precision int8,fp32 --per-layer --runs 2 --warmup 1 --json --csv "$tmp/layers.csv" \
  > "$tmp/bench2.json"
check "bench int8,fp32: two results" test "$(grep -c '^{"precision":' "$tmp/bench2.json")" -eq 2
check "bench int8,fp32: fp32/int8 ratio" grep -q '"ratio":{"of":"fp32/int8","median":' "$tmp/bench2.json"
check "bench --per-layer: 67 layers" test "$(grep -c '^{"index":' "$tmp/bench2.json")" -eq 67
check "bench --csv: header + 67 rows" test "$(wc -l < "$tmp/layers.csv")" -eq 68
check "bench single precision keeps its JSON fields" grep -q '"precision":"int8","isa":' <(q8rt bench "$blob" --runs 1 --warmup 0 --json)
expect_error "bench --precision int8,int8" "twice" "" -- q8rt bench "$blob" --precision int8,int8
expect_error "bench --csv without --per-layer" "needs --per-layer" "$tmp/nocsv" -- q8rt bench "$blob" --csv "$tmp/nocsv"
q8rt bench "$blob" --per-layer --hot --runs 2 --warmup 1 --json > "$tmp/bench_hot.json"
check "bench --per-layer --hot: 67 layers, marked hot" \
  test "$(grep -c '^{"index":' "$tmp/bench_hot.json")" -eq 67 -a -n "$(grep '"hot":true' "$tmp/bench_hot.json")"
expect_error "bench --hot without --per-layer" "needs --per-layer" "" -- q8rt bench "$blob" --hot

# --- accuracy on the 1300 real validation images --------------------------------------------------
if [ -n "${Q8RT_CROSS:-}" ]; then
  echo "  cross build: the 1300-image eval is skipped (the 50-image comparison above checks the ARM path)"
elif [ -f "$images/labels.txt" ]; then
  q8rt eval "$blob" --images "$images/images" --labels "$images/labels.txt" --json > "$tmp/eval.json"
  echo "  eval: $(cat "$tmp/eval.json")"
  top1=$(sed -E 's/.*"top1":([0-9.]+).*/\1/' "$tmp/eval.json"); top5=$(sed -E 's/.*"top5":([0-9.]+).*/\1/' "$tmp/eval.json")
  n=$(sed -E 's/.*"n":([0-9]+).*/\1/' "$tmp/eval.json")
  check "eval on 1300 images" test "$n" -eq 1300
  check "top-1 $top1 >= 78.0" awk "BEGIN{exit !($top1 >= 78.0)}"
  check "top-5 $top5 >= 93.5" awk "BEGIN{exit !($top5 >= 93.5)}"
  q8rt eval "$blob" --images "$images/images" --labels "$images/labels.txt" --json --precision fp32 > "$tmp/eval32.json"
  echo "  eval fp32: $(cat "$tmp/eval32.json")"
  top1f=$(sed -E 's/.*"top1":([0-9.]+).*/\1/' "$tmp/eval32.json")
  check "fp32 eval on 1300 images" grep -q '"n":1300,' "$tmp/eval32.json"
  check "fp32 top-1 $top1f >= 78.5" awk "BEGIN{exit !($top1f >= 78.5)}"
  if [ -f "$(dirname "$synset")/val_ground_truth.txt" ]; then
    q8rt eval "$blob" --images "$images/images" --labels "$(dirname "$synset")/val_ground_truth.txt" --limit 50 \
      --json > "$tmp/eval50k.json"
    check "eval with the 50,000-line ground truth" grep -q '"n":50,' "$tmp/eval50k.json"
  fi
else
  bad "no images at $images"
fi

echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]

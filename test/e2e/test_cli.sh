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

# expect_exit STATUS NAME PATTERN -- CMD...: CMD exits with exactly STATUS and its stderr matches PATTERN.
expect_exit() {
  local want=$1 name=$2 pattern=$3; shift 4
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local rc=$?
  if [ $rc -ne "$want" ]; then bad "$name: exit $rc, expected $want ($(head -n 1 "$tmp/stderr"))"; return; fi
  if ! grep -qE -- "$pattern" "$tmp/stderr"; then bad "$name: stderr '$(cat "$tmp/stderr")' lacks /$pattern/"; return; fi
  ok
}
# json_valid FILE: FILE parses as JSON (python3, else jq).
json_valid() {
  if command -v python3 >/dev/null; then python3 -m json.tool "$1" >/dev/null
  elif command -v jq >/dev/null; then jq . "$1" >/dev/null
  else echo "json_valid: needs python3 or jq" >&2; return 1; fi
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
expect_error "convert swapped files" "swapped" "$tmp/o3.q8rt" -- \
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
# build/bin/q8rt and of the ARM binary with Q8RT_ISA=scalar; same top-1 / top-5; the ISA reported is the one
# dispatch picks on qemu's default CPU model (Q8RT_TEST_EXPECT_ISA when set): "neoni8mm" on aarch64 (qemu's `max`
# has i8mm and the dot product), "neon" on armv7. aarch64 also compares, on the same 50 images, Q8RT_ISA=neoni8mm
# under QEMU_CPU=max,sme=off, Q8RT_ISA=neondot under QEMU_CPU=cortex-a76 and Q8RT_ISA=neon under
# QEMU_CPU=cortex-a72 with the native logits.
if [ -n "${Q8RT_CROSS:-}" ]; then
  native=build/bin/q8rt
  if [ "$Q8RT_CROSS" = arm64 ]; then want_isa=${Q8RT_TEST_EXPECT_ISA:-neoni8mm}; else want_isa=${Q8RT_TEST_EXPECT_ISA:-neon}; fi
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
    if [ "$Q8RT_CROSS" = arm64 ]; then
      QEMU_CPU=max,sme=off Q8RT_ISA=neoni8mm q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/neoni8mm.json"
      check "50 images: Q8RT_ISA=neoni8mm under QEMU_CPU=max,sme=off vs native x86 logits identical" \
        cmp -s "$tmp/neoni8mm.json" "$tmp/native.json"
      QEMU_CPU=cortex-a76 Q8RT_ISA=neondot q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/neondot.json"
      check "50 images: Q8RT_ISA=neondot under QEMU_CPU=cortex-a76 vs native x86 logits identical" \
        cmp -s "$tmp/neondot.json" "$tmp/native.json"
      QEMU_CPU=cortex-a72 Q8RT_ISA=neon q8rt classify "$blob" "${some[@]}" --top 1000 --json > "$tmp/neon.json"
      check "50 images: Q8RT_ISA=neon under QEMU_CPU=cortex-a72 vs native x86 logits identical" \
        cmp -s "$tmp/neon.json" "$tmp/native.json"
      expect_error "Q8RT_ISA=neondot under QEMU_CPU=cortex-a72 (no dot product)" "neondot is not available" "" -- \
        env QEMU_CPU=cortex-a72 Q8RT_ISA=neondot ${Q8RT_RUNNER:-} "$build/bin/q8rt" bench "$blob" --runs 1 --warmup 0
      expect_error "Q8RT_ISA=neoni8mm under QEMU_CPU=cortex-a76 (no i8mm)" "neoni8mm is not available" "" -- \
        env QEMU_CPU=cortex-a76 Q8RT_ISA=neoni8mm ${Q8RT_RUNNER:-} "$build/bin/q8rt" bench "$blob" --runs 1 --warmup 0
    fi
    "$native" classify "$blob" "${some[@]:0:8}" --top 1000 --json > "$tmp/native8.json"
    check "8 images: NEON with 2 threads vs native identical" cmp -s "$tmp/t2.json" "$tmp/native8.json"
    head -n 50 "$images/labels.txt" > "$tmp/labels50.txt"
    q8rt eval "$blob" --images "$images/images" --labels "$tmp/labels50.txt" --json > "$tmp/eval.json"
    "$native" eval "$blob" --images "$images/images" --labels "$tmp/labels50.txt" --json > "$tmp/eval_native.json"
    echo "  eval (ARM, 50 images): $(cat "$tmp/eval.json")"
    field() { sed -E "s/.*\"$1\":\"?([0-9a-z.]+).*/\1/" "$2"; }
    check "eval 50 images" test "$(field n "$tmp/eval.json")" -eq 50
    check "eval reports isa $want_isa" test "$(field isa "$tmp/eval.json")" = "$want_isa"
    check "top-1 ARM $(field top1 "$tmp/eval.json") == native $(field top1 "$tmp/eval_native.json")" \
      test "$(field top1 "$tmp/eval.json")" = "$(field top1 "$tmp/eval_native.json")"
    check "top-5 ARM $(field top5 "$tmp/eval.json") == native $(field top5 "$tmp/eval_native.json")" \
      test "$(field top5 "$tmp/eval.json")" = "$(field top5 "$tmp/eval_native.json")"
    q8rt bench "$blob" --runs 3 --warmup 1 --json > "$tmp/bench.json"
    echo "  bench under qemu (not an ARM timing): $(cat "$tmp/bench.json")"
    check "bench reports isa $want_isa" grep -q "\"isa\":\"$want_isa\"" "$tmp/bench.json"
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

# --- batches survive bad files (classify, eval): errors on stderr and in --json, exit 1 at the end ----------
img2="$images/images/ILSVRC2012_val_00000355.JPEG"
mkdir -p "$tmp/bad"
echo "not a jpeg" > "$tmp/bad/text.jpg"
head -c 3000 "$img1" > "$tmp/bad/trunc.jpg"
mkdir -p "$tmp/bad/dir.jpg"
weird="$tmp/bad/$(printf 'we\xffird\x7f\x01"q\\.jpg')"     # invalid UTF-8, DEL, a control char, quote, backslash
head -c 100 "$img1" > "$weird"
cp "$img1" "$tmp/bad/unreadable.jpg"; chmod 000 "$tmp/bad/unreadable.jpg"
batch=("$img1" "$tmp/bad/missing.jpg" "$tmp/bad/text.jpg" "$tmp/bad/trunc.jpg" "$tmp/bad/dir.jpg" "$weird" "$img2")
[ "$(id -u)" -ne 0 ] && batch+=("$tmp/bad/unreadable.jpg")   # root reads a mode-000 file
nbad=$((${#batch[@]} - 2))
q8rt classify "$blob" "${batch[@]}" --top 3 --json > "$tmp/batch.json" 2> "$tmp/batch.err"; rc=$?
check "classify batch with bad files: exit 1 (got $rc)" test $rc -eq 1
check "classify batch --json is valid JSON" json_valid "$tmp/batch.json"
check "classify batch --json: $nbad error entries" test "$(grep -o '"error":' "$tmp/batch.json" | wc -l)" -eq $nbad
check "classify batch --json: the 2 good images classified" test "$(grep -o '"top":\[' "$tmp/batch.json" | wc -l)" -eq 2
check "classify batch --json: invalid UTF-8 as \\ufffd, DEL and controls escaped" \
  grep -qF 'we\ufffdird\u007f\u0001\"q\\.jpg' "$tmp/batch.json"
for f in missing.jpg text.jpg trunc.jpg dir.jpg; do
  check "classify batch: stderr names $f" grep -q "$f" "$tmp/batch.err"
done
check "classify batch: stderr counts the failures" grep -q "$nbad of ${#batch[@]} images failed" "$tmp/batch.err"
q8rt classify "$blob" "$tmp/bad/missing.jpg" "$img1" --top 1 > "$tmp/batch.txt" 2>/dev/null; rc=$?
check "classify text: exit 1, the good image after the bad one still printed" \
  test $rc -eq 1 -a "$(grep -c '%' "$tmp/batch.txt")" -eq 1
if command -v python3 >/dev/null; then
  check "classify --json: error entries name the files" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [("error" in e) for e in d] == [False] + [True] * (len(d) - 2) + [False], d
assert d[1]["image"].endswith("missing.jpg") and "missing.jpg" in d[1]["error"]' "$tmp/batch.json"
fi
# eval: one listed file missing (skipped), one corrupt, one truncated (failed), three good
mkdir -p "$tmp/evimg"
head -n 3 "$images/labels.txt" > "$tmp/evlabels.txt"
while read -r f _; do cp "$images/images/$f" "$tmp/evimg/$f"; done < "$tmp/evlabels.txt"
cp "$tmp/bad/text.jpg" "$tmp/evimg/corrupt.JPEG"; cp "$tmp/bad/trunc.jpg" "$tmp/evimg/$(printf 'tr\xfeunc.JPEG')"
printf 'corrupt.JPEG 1\r\n%s 2\nabsent.JPEG 3\n' "$(printf 'tr\xfeunc.JPEG')" >> "$tmp/evlabels.txt"
q8rt eval "$blob" --images "$tmp/evimg" --labels "$tmp/evlabels.txt" --json > "$tmp/ev.json" 2> "$tmp/ev.err"; rc=$?
check "eval with bad files: exit 1 (got $rc)" test $rc -eq 1
check "eval --json valid JSON" json_valid "$tmp/ev.json"
check "eval --json: n 3, skipped 1, failed 2" grep -q '"n":3,.*"skipped":1,"failed":2,' "$tmp/ev.json"
check "eval --json: errors name the files" grep -q '"errors":\[{"image":"[^"]*corrupt.JPEG","error":".*tr\\ufffdunc.JPEG' "$tmp/ev.json"
check "eval: stderr names the corrupt file" grep -q 'corrupt.JPEG' "$tmp/ev.err"
q8rt eval "$blob" --images "$tmp/evimg" --labels "$tmp/evlabels.txt" > "$tmp/ev.txt" 2>/dev/null; rc=$?
check "eval text: exit 1 and a failed line" test $rc -eq 1 -a -n "$(grep '^failed 2 images' "$tmp/ev.txt")"

# --- outputs: -, symbolic links, devices, FIFOs, output == input -----------------------------------------
head -c 150528 /dev/urandom > "$tmp/o_in.u8"
runo() { q8rt run "$blob" --input "$tmp/o_in.u8" --input-format u8-nhwc "$@"; }
runo --output "$tmp/o_ref.u8"
runo --output - > "$tmp/o_stdout.u8"
check "run --output - writes stdout" cmp -s "$tmp/o_ref.u8" "$tmp/o_stdout.u8"
runo --output=/dev/stdout | cat > "$tmp/o_pipe.u8"
check "run --output=/dev/stdout into a pipe" cmp -s "$tmp/o_ref.u8" "$tmp/o_pipe.u8"
stdout_was_link=$([ -L /dev/stdout ] && echo yes)
runo --output /dev/stdout > "$tmp/o_devstdout.u8"
check "run --output /dev/stdout redirected to a file" cmp -s "$tmp/o_ref.u8" "$tmp/o_devstdout.u8"
[ -n "$stdout_was_link" ] && check "/dev/stdout is still a symbolic link" test -L /dev/stdout
runo --output /dev/null; rc=$?
check "run --output /dev/null: exit 0, still a character device" test $rc -eq 0 -a -c /dev/null
echo old > "$tmp/o_target.u8"; chmod 640 "$tmp/o_target.u8"; ln -s o_target.u8 "$tmp/o_link.u8"
runo --output "$tmp/o_link.u8"
check "output symlink kept" test -L "$tmp/o_link.u8"
check "output symlink: target written" cmp -s "$tmp/o_ref.u8" "$tmp/o_target.u8"
check "output replaced keeps its mode 640" test "$(stat -c %a "$tmp/o_target.u8")" = 640
(umask 022; runo --output "$tmp/o_new.u8")
check "new output file: mode 644 under umask 022" test "$(stat -c %a "$tmp/o_new.u8")" = 644
mkfifo "$tmp/o_fifo"
cat "$tmp/o_fifo" > "$tmp/o_fifo.out" & reader=$!
runo --output "$tmp/o_fifo"; rc=$?
wait $reader
check "run --output FIFO (with a reader): exit 0, data through, FIFO kept" \
  test $rc -eq 0 -a -p "$tmp/o_fifo" -a "$(cmp -s "$tmp/o_ref.u8" "$tmp/o_fifo.out" && echo same)" = same
ln -s /nonexistent-dir/x.u8 "$tmp/o_dangling"
expect_error "run --output dangling symlink" "o_dangling.*symbolic link" "" -- runo --output "$tmp/o_dangling"
expect_error "run --output a directory" "is a directory" "" -- runo --output "$tmp/evimg"
sum_in=$(cksum < "$tmp/o_in.u8")
expect_exit 1 "run --output == --input refused" "is the input" -- runo --output "$tmp/o_in.u8"
check "input unchanged after the refused run" test "$(cksum < "$tmp/o_in.u8")" = "$sum_in"
ln -s o_in.u8 "$tmp/o_alias.u8"
expect_exit 1 "run --output = a symlink to the input refused" "is the input" -- runo --output "$tmp/o_alias.u8"
cp "$blob" "$tmp/o_model.q8rt"; sum_m=$(cksum < "$tmp/o_model.q8rt")
expect_exit 1 "run --output == the model refused" "is the input" -- \
  q8rt run "$tmp/o_model.q8rt" --input "$tmp/o_in.u8" --input-format u8-nhwc --output "$tmp/o_model.q8rt"
check "model unchanged after the refused run" test "$(cksum < "$tmp/o_model.q8rt")" = "$sum_m"
cp "$model_dir/predict_net.pb" "$tmp/o_predict.pb"; sum_p=$(cksum < "$tmp/o_predict.pb")
expect_exit 1 "convert -o == predict_net refused" "is the input" -- \
  q8rt convert "$model_dir/init_net.pb" "$tmp/o_predict.pb" -o "$tmp/o_predict.pb"
check "predict_net unchanged after the refused convert" test "$(cksum < "$tmp/o_predict.pb")" = "$sum_p"
q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o - "${labels_opt[@]}" > "$tmp/o_conv.q8rt" \
  2> "$tmp/o_conv.err"
check "convert -o - writes the blob to stdout" cmp -s "$tmp/o_conv.q8rt" "$blob"
check "convert -o -: the summary goes to stderr" grep -q '^converted 67 ops' "$tmp/o_conv.err"
ln -s o_conv_target.q8rt "$tmp/o_conv_link.q8rt"; : > "$tmp/o_conv_target.q8rt"
q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" --output="$tmp/o_conv_link.q8rt" "${labels_opt[@]}" \
  > /dev/null
check "convert --output=symlink: link kept, target written" \
  test -L "$tmp/o_conv_link.q8rt" -a "$(cmp -s "$tmp/o_conv_target.q8rt" "$blob" && echo same)" = same
check "no temporary files left" test -z "$(find "$tmp" -name '*.tmp*')"

# --- threads: capped at the online CPUs, nonsense rejected (exit 2) -------------------------------------
cpus=$(getconf _NPROCESSORS_ONLN)
if [ "$cpus" -lt 64 ]; then
  start=$(date +%s)
  q8rt classify "$blob" "$img1" --top 1000 --json --threads 64 > "$tmp/th64.json" 2> "$tmp/th64.err"; rc=$?
  secs=$(($(date +%s) - start))
  check "classify --threads 64 on $cpus CPUs: exit 0 in ${secs}s (< 20)" test $rc -eq 0 -a $secs -lt 20
  check "classify --threads 64: one warning naming the CPUs" \
    test "$(grep -c "warning: --threads 64 is more than the $cpus online CPUs" "$tmp/th64.err")" -eq 1
  q8rt classify "$blob" "$img1" --top 1000 --json > "$tmp/th1.json"
  check "classify --threads 64 == --threads 1" cmp -s "$tmp/th64.json" "$tmp/th1.json"
fi
for t in 0 -1 abc 1025 99999999999 ''; do
  expect_exit 2 "classify --threads '$t' is a usage error" "threads" -- q8rt classify "$blob" "$img1" --threads "$t"
done
expect_exit 2 "bench --threads=-4 is a usage error" "threads" -- q8rt bench "$blob" --threads=-4
expect_exit 2 "eval --threads 2000 is a usage error" "threads" -- \
  q8rt eval "$blob" --images "$tmp/evimg" --labels "$tmp/evlabels.txt" --threads 2000

# --- class names: --labels, $Q8RT_LABELS, beside the model, none ---------------------------------------
no_labels() { (unset Q8RT_LABELS; q8rt "$@"); }
with_labels() { local file=$1; shift; Q8RT_LABELS=$file q8rt "$@"; }
name_of_top() { sed -n 2p "$1" | sed -E 's/^ +1\. +[0-9]+ +[0-9.]+% +//'; }
# names stored in the blob (make weights converts with --labels) come first, without any file
no_labels classify "$blob" "$img1" --top=1 > "$tmp/n_blob.txt" 2> "$tmp/n_blob.err"
check "classify: names stored in the blob (top-1 '$(name_of_top "$tmp/n_blob.txt")')" \
  test "$(name_of_top "$tmp/n_blob.txt")" = canoe -a ! -s "$tmp/n_blob.err"
# the rest on a blob converted without names
q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o "$tmp/nonames.q8rt" > /dev/null
Q8RT_LABELS="$synset" q8rt classify "$tmp/nonames.q8rt" "$img1" --top=1 > "$tmp/n_env.txt"
check "classify: \$Q8RT_LABELS names (top-1 '$(name_of_top "$tmp/n_env.txt")')" test "$(name_of_top "$tmp/n_env.txt")" = canoe
mkdir -p "$tmp/m1" "$tmp/m2" "$tmp/m3"
for m in m1 m2 m3; do cp "$tmp/nonames.q8rt" "$tmp/$m/model.q8rt"; done
no_labels classify "$tmp/m1/model.q8rt" "$img1" --top 1 > "$tmp/n_none.txt" 2> "$tmp/n_none.err"
check "classify without names: indices, one hint line" \
  test -z "$(name_of_top "$tmp/n_none.txt")" -a "$(wc -l < "$tmp/n_none.err")" -eq 1 -a -n "$(grep 'no class names' "$tmp/n_none.err")"
cp "$synset" "$tmp/m2/synset_words.txt"
no_labels classify "$tmp/m2/model.q8rt" "$img1" --top 1 > "$tmp/n_beside.txt" 2>"$tmp/n_beside.err"
check "classify: synset_words.txt beside the model" test "$(name_of_top "$tmp/n_beside.txt")" = canoe -a ! -s "$tmp/n_beside.err"
# labels.txt beside the model: names only, UTF-8 BOM, CRLF line ends
cut -d' ' -f2- "$synset" | sed 's/$/\r/' | { printf '\xef\xbb\xbf'; cat; } > "$tmp/m3/labels.txt"
no_labels classify "$tmp/m3/model.q8rt" "$img1" --top 1 > "$tmp/n_crlf.txt"
check "classify: labels.txt beside the model, BOM + CRLF" test "$(name_of_top "$tmp/n_crlf.txt")" = canoe
q8rt classify "$blob" "$img1" --top 1 --labels "$tmp/m3/labels.txt" --json > "$tmp/n_crlf.json"
check "classify --labels with BOM + CRLF: exact name in JSON" grep -q '"name":"canoe"}' "$tmp/n_crlf.json"
head -n 999 "$synset" > "$tmp/labels999.txt"
expect_exit 1 "classify --labels with 999 names" "labels999.txt: 999 class names, expected 1000" -- \
  q8rt classify "$blob" "$img1" --labels "$tmp/labels999.txt"
expect_exit 1 "classify \$Q8RT_LABELS with 999 names" "labels999.txt: 999" -- \
  with_labels "$tmp/labels999.txt" classify "$tmp/nonames.q8rt" "$img1"

# --- convert: option limits, swapped files ------------------------------------------------------------
cv() { q8rt convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o "$tmp/cv.q8rt" "$@"; }
expect_exit 2 "convert --input-size 0x224" "input-size" -- cv --input-size 0x224
expect_exit 2 "convert --input-size 20000x20000 (> Q8RT_IMAGE_MAX_DIM)" "input-size.*16384" -- cv --input-size 20000x20000
expect_exit 2 "convert --resize-shorter below the crop" "resize-shorter 200 must be in \[224, 16384\]" -- cv --resize-shorter=200
expect_exit 2 "convert --resize-shorter 99999" "resize-shorter" -- cv --resize-shorter 99999
expect_exit 1 "convert swapped files" "predict_net.pb looks like a predict_net.*swapped" -- \
  q8rt convert "$model_dir/predict_net.pb" "$model_dir/init_net.pb" -o "$tmp/cv.q8rt"
check "no output left by the failed converts" test ! -e "$tmp/cv.q8rt"

# --- exit statuses: 2 usage errors, 1 runtime errors; --opt=value; --help ------------------------------
for c in convert info classify eval run bench; do
  expect_exit 2 "$c --bogus is a usage error" "bogus" -- q8rt $c --bogus
  q8rt $c --help > "$tmp/help.txt"; rc=$?
  check "$c --help: exit 0, documents the exit status" test $rc -eq 0 -a -n "$(grep 'Exit status: 0' "$tmp/help.txt")"
done
expect_exit 2 "classify --top without a value" "needs a value" -- q8rt classify "$blob" "$img1" --top
expect_exit 2 "classify --top=0" "top" -- q8rt classify "$blob" "$img1" --top=0
expect_exit 2 "classify --json=1 (a flag takes no value)" "json=1" -- q8rt classify "$blob" "$img1" --json=1
expect_exit 2 "classify --precision=fp16" "precision" -- q8rt classify "$blob" "$img1" --precision=fp16
expect_exit 2 "run --input-format bogus" "input-format" -- runo --input-format=bogus --output "$tmp/x"
expect_exit 2 "bench --precision int8,int8" "twice" -- q8rt bench "$blob" --precision=int8,int8
expect_exit 2 "bench --ghz 0" "ghz" -- q8rt bench "$blob" --ghz 0
expect_exit 2 "eval without --images" "required" -- q8rt eval "$blob" --labels "$tmp/evlabels.txt"
expect_exit 2 "q8rt bogus-command" "unknown command" -- q8rt bogus-command
expect_exit 1 "classify a missing model is a runtime error" "nonexistent.q8rt" -- q8rt classify "$tmp/nonexistent.q8rt" "$img1"
expect_exit 1 "info a missing model" "nonexistent.q8rt" -- q8rt info "$tmp/nonexistent.q8rt"
expect_exit 1 "eval a missing labels file" "nolabels.txt" -- q8rt eval "$blob" --images "$tmp/evimg" --labels "$tmp/nolabels.txt"
expect_exit 1 "bench a missing model" "nonexistent.q8rt" -- q8rt bench "$tmp/nonexistent.q8rt"
check "bench --help prints %pk, not %%pk" test -n "$(q8rt bench --help | grep -F ' %pk: ')" -a -z "$(q8rt bench --help | grep -F '%%pk')"
q8rt classify "$blob" "$img1" --top=3 --threads=1 --labels="$synset" --precision=int8 > "$tmp/eq.txt"
check "classify --top=3 --labels=FILE style options" test "$(grep -c '%' "$tmp/eq.txt")" -eq 3 -a -n "$(grep canoe "$tmp/eq.txt")"
q8rt classify "$blob" --top 1 -- "$img1" > "$tmp/dashdash.txt"
check "classify: -- ends the options" test "$(grep -c '%' "$tmp/dashdash.txt")" -eq 1

# --- bench: int8 and fp32 alternating, per layer (docs/performance.md, "Benchmarking int8 vs fp32 and XNNPACK") -------------------
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

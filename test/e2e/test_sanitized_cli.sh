#!/usr/bin/env bash
# End-to-end checks of the ASan + UBSan CLI (make check-sanitize): converts the real model, classifies 5 real
# images, evaluates 20, and feeds it a few bad inputs. Any sanitizer report aborts the CLI (exit >= 1 with
# "ERROR: AddressSanitizer" / "runtime error:" on stderr) and fails the check.
# Usage: test/e2e/test_sanitized_cli.sh BUILD_DIR (build-asan)
set -uo pipefail
build=${1:-build-asan}
q8rt="$build/bin/q8rt"
images=${Q8RT_IMAGES_DIR:-../shared/data/imagenet-val-1300}
synset=${Q8RT_LABELS:-../shared/data/imagenet-labels/synset_words.txt}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
sanitizer_clean() { ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: ' "$1"; }
run() { # run NAME EXPECTED_EXIT(0|nonzero) CMD...
  local name=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if ! sanitizer_clean "$tmp/err"; then failed=$((failed + 1)); echo "FAIL: $name: sanitizer report" >&2; head -n 30 "$tmp/err" >&2; return; fi
  if { [ "$want" = 0 ] && [ $rc -ne 0 ]; } || { [ "$want" != 0 ] && { [ $rc -eq 0 ] || [ $rc -ge 128 ]; }; }; then
    failed=$((failed + 1)); echo "FAIL: $name: exit $rc" >&2; head -n 20 "$tmp/err" >&2; return
  fi
  passed=$((passed + 1)); echo "  $name: exit $rc"
}
model_dir=$(scripts/find-model.sh) || { echo "no Caffe2 model"; exit 1; }
run "convert (sanitized)" 0 "$q8rt" convert "$model_dir/init_net.pb" "$model_dir/predict_net.pb" -o "$tmp/m.q8rt"
run "info" 0 "$q8rt" info "$tmp/m.q8rt"
mapfile -t five < <(ls "$images"/images/*.JPEG | head -n 5)
run "classify 5 real images" 0 "$q8rt" classify "$tmp/m.q8rt" "${five[@]}" --top 5 --labels "$synset"
cp "$tmp/out" "$tmp/classify.txt"
[ "$(grep -c '%' "$tmp/classify.txt")" -eq 25 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: classify output" >&2; }
run "classify 5 real images, 2 threads" 0 "$q8rt" classify "$tmp/m.q8rt" "${five[@]}" --top 5 --labels "$synset" --threads 2
cmp -s "$tmp/out" "$tmp/classify.txt" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: 1 vs 2 threads differ" >&2; }
run "eval --limit 20" 0 "$q8rt" eval "$tmp/m.q8rt" --images "$images/images" --labels "$images/labels.txt" --limit 20 --json
grep -q '"n":20' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: eval did not count 20 images: $(cat "$tmp/out")" >&2; }
echo "  eval: $(cat "$tmp/out")"
head -c 100000 "$tmp/m.q8rt" > "$tmp/trunc.q8rt"
run "truncated blob" 1 "$q8rt" info "$tmp/trunc.q8rt"
echo "not a jpeg" > "$tmp/x.jpg"
run "non-JPEG image" 1 "$q8rt" classify "$tmp/m.q8rt" "$tmp/x.jpg"
head -c 3000 "${five[0]}" > "$tmp/t.jpg"
run "truncated JPEG" 1 "$q8rt" classify "$tmp/m.q8rt" "$tmp/t.jpg"
head -c 100000 "$model_dir/init_net.pb" > "$tmp/init.pb"
run "truncated init_net" 1 "$q8rt" convert "$tmp/init.pb" "$model_dir/predict_net.pb" -o "$tmp/o.q8rt"
echo "sanitized-cli: $passed passed, $failed failed"
[ $failed -eq 0 ]

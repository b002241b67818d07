#!/usr/bin/env bash
# What TFLite's arithmetic costs over Caffe2's (QNNPACK's) on the same network: the TFLite MobileNetV2 converted
# twice, with its own rule (`--rounding tflite`) and with QNNPACK's (`--rounding qnnpack`: the same graph, weights
# and shapes, Caffe2 arithmetic), benchmarked alternately in one run.
#
#   bench/tflite-rule.sh MODEL.tflite [ROUNDS] [RUNS] [BIN]
#
# Per op kind (conv 3x3, dwconv 3x3, conv 1x1, add, avgpool, softmax) and in total: the median over ROUNDS
# (default 7) alternating rounds of each blob's `q8rt bench --per-layer --runs RUNS` (default 50) time, and the
# ratio tflite / qnnpack, for 1 and 2 threads. Whole-network latency ratios come from the same rounds.
set -euo pipefail
if [ $# -lt 1 ]; then sed -n '2,11p' "$0" >&2; exit 2; fi
model=$1 rounds=${2:-7} runs=${3:-50} bin=${4:-build/bin/q8rt}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" convert "$model" --rounding tflite -o "$tmp/tflite.q8rt" > /dev/null
"$bin" convert "$model" --rounding qnnpack -o "$tmp/qnnpack.q8rt" > /dev/null
for threads in 1 2; do
  for r in $(seq 1 "$rounds"); do
    order="tflite qnnpack"; [ $((r % 2)) -eq 0 ] && order="qnnpack tflite"
    for rule in $order; do
      "$bin" bench "$tmp/$rule.q8rt" --per-layer --runs "$runs" --threads "$threads" --json > "$tmp/$rule-$threads-$r.json"
    done
  done
done
/usr/bin/python3 - "$tmp" "$rounds" <<'EOF'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
for threads in (1, 2):
    per = {"tflite": {}, "qnnpack": {}}
    for rule in per:
        for r in range(1, rounds + 1):
            j = json.load(open(f"{tmp}/{rule}-{threads}-{r}.json"))
            per[rule].setdefault("whole network", []).append(j["median_ms"])
            for k in j["kinds"]:
                per[rule].setdefault(k["kind"], []).append(k["int8"]["ms"])
    print(f"threads {threads}, {rounds} rounds: median ms (TFLite rule, QNNPACK rule) and ratio")
    for kind in per["tflite"]:
        t, q = statistics.median(per["tflite"][kind]), statistics.median(per["qnnpack"][kind])
        print(f"  {kind:14s} {t:8.4f} {q:8.4f}  {t / q if q else float('nan'):6.3f}")
EOF

#!/usr/bin/env bash
# Latency and cold start of two q8rt builds, side by side on one machine, alternating the binaries so that
# both see the same load (other processes, frequency changes).
#
#   bench/compare-builds.sh OLD_BIN OLD_BLOB NEW_BIN NEW_BLOB [ROUNDS] [RUNS]
#
# e.g. (the commit before blob format v2, built in its own worktree, against this tree):
#   git worktree add /work/wt-base 2a9af18 && make -C /work/wt-base -j2 cli weights
#   make -j2 cli weights
#   bench/compare-builds.sh /work/wt-base/build/bin/q8rt /work/wt-base/weights/mobilenet_v2_quant.q8rt \
#                           build/bin/q8rt weights/mobilenet_v2_quant.q8rt
# (each build reads its own blob format). For every precision (int8, fp32) and thread count (1, 2), ROUNDS
# rounds (default 7) each run `q8rt bench --runs RUNS` (default 50) with the old and the new binary, in
# alternating order (old-new, new-old, ...); the table gives the median over rounds of each binary's median
# latency and the ratio new / old (< 1: the new build is faster). Cold start: wall time of `q8rt run` on one
# uint8 input (load + pack + first inference, process start included), 2 * ROUNDS + 1 alternating runs each,
# median. Extra environment (e.g. Q8RT_ISA=avx2) applies to both binaries.
set -euo pipefail
if [ $# -lt 4 ]; then sed -n '2,17p' "$0" >&2; exit 2; fi
old_bin=$1 old_blob=$2 new_bin=$3 new_blob=$4
rounds=${5:-7} runs=${6:-50}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
bench_ms() { # BIN BLOB PRECISION THREADS -> median ms of one bench run
  "$1" bench "$2" --precision "$3" --threads "$4" --runs "$runs" --json | sed -n 's/.*"median_ms":\([0-9.]*\).*/\1/p' | head -n 1
}
now_ns() { date +%s%N; }

echo "old: $old_bin ($old_blob, $(wc -c < "$old_blob") bytes)"
echo "new: $new_bin ($new_blob, $(wc -c < "$new_blob") bytes)"
echo "rounds: $rounds, runs per bench: $runs, isa: $("$new_bin" bench "$new_blob" --runs 1 --json | sed -n 's/.*"isa":"\([^"]*\)".*/\1/p' | head -n 1)"
printf '%-10s %-8s %12s %12s %8s\n' precision threads "old ms" "new ms" "new/old"
for precision in int8 fp32; do
  for threads in 1 2; do
    : > "$tmp/old"; : > "$tmp/new"
    for r in $(seq 1 "$rounds"); do
      if [ $((r % 2)) -eq 1 ]; then
        bench_ms "$old_bin" "$old_blob" $precision $threads >> "$tmp/old"
        bench_ms "$new_bin" "$new_blob" $precision $threads >> "$tmp/new"
      else
        bench_ms "$new_bin" "$new_blob" $precision $threads >> "$tmp/new"
        bench_ms "$old_bin" "$old_blob" $precision $threads >> "$tmp/old"
      fi
    done
    o=$(median < "$tmp/old"); n=$(median < "$tmp/new")
    printf '%-10s %-8s %12.4f %12.4f %8.3f\n' $precision $threads "$o" "$n" "$(awk -v a="$o" -v b="$n" 'BEGIN {print b / a}')"
  done
done

# Cold start: one process per run, load + pack + one inference on a uint8 input.
shape=$("$new_bin" info "$new_blob" --json | grep -o '"input":\[[0-9,]*\]' | head -n 1 | tr -dc '0-9,')
IFS=, read -r _ h w c <<< "$shape"
head -c $((h * w * c)) /dev/urandom > "$tmp/input.u8"
cold() { # BIN BLOB PRECISION -> ms
  local t0 t1 out
  out=u8-logits; [ "$3" = fp32 ] && out=f32-logits
  t0=$(now_ns)
  "$1" run "$2" --input "$tmp/input.u8" --input-format u8-nhwc --output "$tmp/out" --output-format $out \
    --precision "$3" > /dev/null
  t1=$(now_ns)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e6}'
}
for precision in int8 fp32; do
  : > "$tmp/old"; : > "$tmp/new"
  for r in $(seq 1 $((2 * rounds + 1))); do
    if [ $((r % 2)) -eq 1 ]; then
      cold "$old_bin" "$old_blob" $precision >> "$tmp/old"; cold "$new_bin" "$new_blob" $precision >> "$tmp/new"
    else
      cold "$new_bin" "$new_blob" $precision >> "$tmp/new"; cold "$old_bin" "$old_blob" $precision >> "$tmp/old"
    fi
  done
  o=$(median < "$tmp/old"); n=$(median < "$tmp/new")
  printf 'cold start (q8rt run, %s): old %.1f ms, new %.1f ms, new/old %.3f\n' $precision "$o" "$n" \
    "$(awk -v a="$o" -v b="$n" 'BEGIN {print b / a}')"
done
for bin_blob in "$old_bin $old_blob old" "$new_bin $new_blob new"; do
  set -- $bin_blob
  rss=$(/usr/bin/time -v "$1" bench "$2" --runs 20 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
  echo "peak RSS of '$1 bench $2 --runs 20' ($3): $rss KiB"
done

#!/usr/bin/env bash
# ARM cost proxy without ARM hardware: counts the guest instructions that qemu-user executes per inference of
# q8rt int8, q8rt fp32, XNNPACK QU8 and XNNPACK F32 (bench/xnnpack_compare --engine) on each CPU model, and per op
# for the engines of --per-layer. Called by `make CROSS=... bench-insn` (docs/arm-cost.md).
#
# Method (../shared/tools/qemu-insn/README.md): a TCG plugin counts every executed guest instruction of a whole
# process. The program runs the same engine with --runs 1 and --runs 11; (count(11) - count(1)) / 10 is the cost
# of one inference (process start, loading, weight packing and the first inference cancel). Per op: the program
# runs one inference and then op K alone 10 times (--op K --op-runs 10), and (that count - count(1)) / 10 is op K's
# cost, on the activations the inference left.
# The guest gets a /proc/cpuinfo (and /sys/devices/system/cpu/{possible,present}) of the modelled core through
# qemu's -L directory, so that cpuinfo, and through it XNNPACK's per-core kernel choice, sees that core instead of
# the host's x86 one; the instruction-set features come from qemu's auxiliary vector for the -cpu model.
#
# Usage: bench/insn-count.sh --qemu QEMU --sysroot DIR --libs DIR[:DIR] --plugin LIBINSN.so --cpus "MODEL..."
#                            --out DIR [--per-layer "ENGINE..."] [--runs N] -- PROGRAM MODEL.q8rt
#        bench/insn-count.sh --out DIR --print-only     (the tables of an earlier run again)
# Writes DIR/insn.json, DIR/insn.csv (per inference) and DIR/insn-layers.csv (per op), and prints tables.
set -euo pipefail

die() { echo "insn-count.sh: $*" >&2; exit 1; }

# csv_rows FILE: the data rows of one of our CSV files as tab-separated fields (the first field, the CPU model,
# is quoted in the CSV because qemu's model strings contain commas).
csv_rows() {
  awk 'NR > 1 && match($0, /^"[^"]*",/) {
         cpu = substr($0, 2, RLENGTH - 3); rest = substr($0, RLENGTH + 1); gsub(/,/, "\t", rest); print cpu "\t" rest
       }' "$1"
}

# print_tables DIR: the tables of DIR/insn.csv and DIR/insn-layers.csv (the header line from DIR/insn.json).
print_tables() {
  local dir=$1 when qemu_name
  when=$(sed -n 's/^{"date":"\([^"]*\)".*/\1/p' "$dir/insn.json")
  qemu_name=$(sed -n 's/^.*"qemu":"\([^"]*\)".*/\1/p' "$dir/insn.json")
  echo
  echo "Guest instructions per inference (millions), $qemu_name, $when"
  echo "(count at N runs - count at 1 run) / (N - 1); instructions are not time: docs/arm-cost.md"
  csv_rows "$dir/insn.csv" | awk -F'\t' '
    { v[$1 "," $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
    END {
      printf "%-42s %10s %10s %12s %12s %11s\n", "cpu", "q8rt int8", "q8rt fp32", "XNNPACK QU8", "XNNPACK F32",
             "int8 / QU8"
      for (i = 0; i < n; i++) {
        c = order[i]
        printf "%-42s %10.1f %10.1f %12.1f %12.1f %11.2f\n", c, v[c ",q8rt-int8"] / 1e6, v[c ",q8rt-fp32"] / 1e6,
               v[c ",xnnpack-qu8"] / 1e6, v[c ",xnnpack-f32"] / 1e6, v[c ",q8rt-int8"] / v[c ",xnnpack-qu8"]
      }
    }'
  local engines
  engines=$(head -n 1 "$dir/insn-layers.csv" | cut -d, -f8- | tr ',_' ' -')
  [ -n "$engines" ] || return 0
  echo
  local ratio='' names
  read -r -a names <<< "$engines"
  [ ${#names[@]} -ne 2 ] || ratio="; ratio: ${names[0]} / ${names[1]}"
  echo "Per op kind (sum over the ops counted one by one, millions of instructions per inference$ratio):"
  csv_rows "$dir/insn-layers.csv" | awk -F'\t' -v engines="$engines" -v per="$dir/insn.csv" '
    BEGIN {
      ne = split(engines, en, " ")
      while ((getline l < per) > 0) {
        if (match(l, /^"[^"]*",/)) {
          c = substr(l, 2, RLENGTH - 3); split(substr(l, RLENGTH + 1), f, ","); whole[c "," f[1]] = f[2]
        }
      }
    }
    { cpu = $1; kind = $3 ($3 == "conv" || $3 == "dwconv" ? " " $4 : "")
      if (!(cpu in seenc)) { seenc[cpu] = 1; corder[nc++] = cpu }
      if (!((cpu, kind) in seenk)) { seenk[cpu, kind] = 1; korder[cpu, nk[cpu]++] = kind }
      ops[cpu, kind]++
      for (e = 1; e <= ne; e++) { s[cpu, kind, e] += $(7 + e); tot[cpu, e] += $(7 + e) } }
    END {
      for (i = 0; i < nc; i++) {
        c = corder[i]
        printf "%s\n  %-12s %4s", c, "kind", "ops"
        for (e = 1; e <= ne; e++) printf " %12s", en[e]
        if (ne == 2) printf " %9s", "ratio"
        printf "\n"
        for (j = 0; j < nk[c]; j++) {
          k = korder[c, j]
          printf "  %-12s %4d", k, ops[c, k]
          for (e = 1; e <= ne; e++) printf " %12.2f", s[c, k, e] / 1e6
          if (ne == 2) printf " %9.2f", (s[c, k, 2] > 0 ? s[c, k, 1] / s[c, k, 2] : 0)
          printf "\n"
        }
        printf "  %-12s %4s", "sum of ops", ""
        for (e = 1; e <= ne; e++) printf " %12.2f", tot[c, e] / 1e6
        if (ne == 2) printf " %9.2f", (tot[c, 2] > 0 ? tot[c, 1] / tot[c, 2] : 0)
        printf "\n  %-12s %4s", "inference", ""
        for (e = 1; e <= ne; e++) printf " %12.2f", whole[c "," en[e]] / 1e6
        printf "\n"
      }
    }'
}

qemu='' sysroot='' libs='' plugin='' cpus='' out='' per_layer='q8rt-int8' runs=11 print_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --qemu) qemu=${2:?}; shift 2 ;;
    --sysroot) sysroot=${2:?}; shift 2 ;;
    --libs) libs=${2:?}; shift 2 ;;
    --plugin) plugin=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --per-layer) per_layer=${2-}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --print-only) print_only=1; shift ;;
    --) shift; break ;;
    *) die "unknown option '$1' (see the usage at the top of $0)" ;;
  esac
done
if [ "$print_only" = 1 ]; then
  if [ -z "$out" ] || [ ! -f "$out/insn.json" ]; then
    die "--print-only needs --out DIR with the files of an earlier run"
  fi
  print_tables "$out"
  exit 0
fi
[ $# -eq 2 ] || die "expected -- PROGRAM MODEL.q8rt after the options"
program=$1 model=$2
for v in qemu sysroot plugin cpus out; do [ -n "${!v}" ] || die "--$v is required"; done
command -v "$qemu" >/dev/null || die "$qemu not found (Debian package qemu-user)"
[ -d "$sysroot/lib" ] || die "$sysroot/lib: no target libc there (Debian package libc6-dev-<arch>-cross)"
[ -f "$plugin" ] || die "$plugin: no such plugin (make builds it from ../shared/tools/qemu-insn)"
[ -x "$program" ] || die "$program: not built"
[ -f "$model" ] || die "$model: no such model"
case "$runs" in ''|*[!0-9]*) die "--runs must be a number above 1" ;; esac
[ "$runs" -gt 1 ] || die "--runs must be above 1"
extra=$((runs - 1))

engines=(q8rt-int8 q8rt-fp32 xnnpack-qu8 xnnpack-f32)
for e in $per_layer; do
  case " ${engines[*]} " in *" $e "*) ;; *) die "--per-layer: unknown engine $e (one of ${engines[*]})" ;; esac
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/insn-work"
rm -rf "$work"
mkdir -p "$work"

# /proc/cpuinfo of a modelled core (Linux's format: implementer / part / features as on that core).
cpuinfo_for() {
  local implementer part variant revision arch features name=''
  case "$1" in
    cortex-a53) implementer=0x41 part=0xd03 variant=0x0 revision=4 arch=8
                features='fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid' ;;
    cortex-a72) implementer=0x41 part=0xd08 variant=0x0 revision=3 arch=8
                features='fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid' ;;
    cortex-a76) implementer=0x41 part=0xd0b variant=0x4 revision=1 arch=8
                features='fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp' ;;
    max*)       # an Armv9 core of the class qemu's max models with SVE at 128 bits: Neoverse N2
                implementer=0x41 part=0xd49 variant=0x0 revision=0 arch=8
                features='fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp sve2 sveaes svepmull svebitperm svesha3 svesm4 flagm2 frint svei8mm svebf16 i8mm bf16 dgh rng bti' ;;
    cortex-a7)  implementer=0x41 part=0xc07 variant=0x0 revision=5 arch=7 name='ARMv7 Processor rev 5 (v7l)'
                features='half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm' ;;
    cortex-a15) implementer=0x41 part=0xc0f variant=0x2 revision=3 arch=7 name='ARMv7 Processor rev 3 (v7l)'
                features='half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm' ;;
    *) die "no /proc/cpuinfo profile for CPU model '$1' (known: cortex-a53 cortex-a72 cortex-a76 max... cortex-a7 cortex-a15)" ;;
  esac
  printf 'processor\t: 0\n'
  [ -z "$name" ] || printf 'model name\t: %s\n' "$name"
  printf 'BogoMIPS\t: 50.00\nFeatures\t: %s\nCPU implementer\t: %s\nCPU architecture: %s\nCPU variant\t: %s\n' \
    "$features" "$implementer" "$arch" "$variant"
  printf 'CPU part\t: %s\nCPU revision\t: %s\n\n' "$part" "$revision"
}

# The -L directory of one CPU model: the target libc (lib -> SYSROOT/lib) plus the core's cpuinfo files.
make_root() {
  local root="$work/root-$2"
  mkdir -p "$root/proc" "$root/sys/devices/system/cpu"
  ln -sfn "$(cd "$sysroot" && pwd)/lib" "$root/lib"
  cpuinfo_for "$1" > "$root/proc/cpuinfo"
  echo 0 > "$root/sys/devices/system/cpu/possible"
  echo 0 > "$root/sys/devices/system/cpu/present"
  echo "$root"
}

# count CPU ROOT TAG ARGS...: the guest instructions of one run of the program.
count() {
  local cpu=$1 root=$2 tag=$3 log
  shift 3
  log="$work/$tag.log"
  if ! "$qemu" -cpu "$cpu" -L "$root" ${libs:+-E "LD_LIBRARY_PATH=$libs"} -plugin "$plugin,inline=on" \
       -d plugin -D "$log" "$program" "$model" "$@" > "$work/$tag.out" 2>&1; then
    cat "$work/$tag.out" >&2
    die "$qemu -cpu $cpu $program $model $* failed"
  fi
  local n
  n=$(sed -n 's/^insns: \([0-9][0-9]*\)$/\1/p' "$log" | tail -n 1)
  [ -n "$n" ] || die "$log: no 'insns: N' line (does this qemu load the plugin?)"
  echo "$n"
}

qemu_version=$("$qemu" --version | sed -n '1s/^.*version //p')
date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# The ops (index,type,kernel,stride,output,macs), from the program itself (under qemu: it is a target binary).
"$qemu" -L "$sysroot" ${libs:+-E "LD_LIBRARY_PATH=$libs"} "$program" "$model" --list-ops > "$work/ops.csv" ||
  die "$program --list-ops failed"
op_count=$(($(wc -l < "$work/ops.csv") - 1))
[ "$op_count" -gt 0 ] || die "$program --list-ops printed no ops"

csv="$out/insn.csv" layers_csv="$out/insn-layers.csv"
echo "cpu,engine,insns_per_inference,count_runs_1,count_runs_$runs" > "$csv.tmp"
{
  printf 'cpu,%s' "$(head -n 1 "$work/ops.csv")"
  for e in $per_layer; do printf ',%s' "${e//-/_}"; done
  printf '\n'
} > "$layers_csv.tmp"

echo "insn-count.sh: $program on $model under $qemu $qemu_version; per inference = (count at $runs runs - count at 1 run) / $extra${per_layer:+; per op ($per_layer): (count with op K run $extra more times - count at 1 run) / $extra}" >&2
cpu_index=0
json_cpus=''
for cpu in $cpus; do
  root=$(make_root "$cpu" "$cpu_index")
  declare -A base=() per=()
  json_engines='' json_counts=''
  for e in "${engines[@]}"; do
    c1=$(count "$cpu" "$root" "$cpu_index-$e-1" --engine "$e" --runs 1)
    cn=$(count "$cpu" "$root" "$cpu_index-$e-$runs" --engine "$e" --runs "$runs")
    base[$e]=$c1
    per[$e]=$(awk -v a="$cn" -v b="$c1" -v n="$extra" 'BEGIN { printf "%.0f", (a - b) / n }')
    echo "\"$cpu\",$e,${per[$e]},$c1,$cn" >> "$csv.tmp"
    json_engines+="${json_engines:+,}\"${e//-/_}\":${per[$e]}"
    json_counts+="${json_counts:+,}\"${e//-/_}\":{\"runs_1\":$c1,\"runs_$runs\":$cn}"
    printf '  %-40s %-12s %12s instructions per inference\n' "$cpu" "$e" "${per[$e]}" >&2
  done
  json_layers=''
  if [ -n "$per_layer" ]; then
    for ((k = 0; k < op_count; k++)); do
      row=$(sed -n "$((k + 2))p" "$work/ops.csv")
      line="\"$cpu\",$row" json_row=''
      for e in $per_layer; do
        ck=$(count "$cpu" "$root" "$cpu_index-$e-op$k" --engine "$e" --runs 1 --op "$k" --op-runs "$extra")
        v=$(awk -v a="$ck" -v b="${base[$e]}" -v n="$extra" 'BEGIN { printf "%.0f", (a - b) / n }')
        line+=",$v"
        json_row+=",\"${e//-/_}\":$v"
      done
      echo "$line" >> "$layers_csv.tmp"
      IFS=, read -r idx type kernel stride output macs <<< "$row"
      json_layers+="${json_layers:+,
}{\"index\":$idx,\"type\":\"$type\",\"kernel\":\"$kernel\",\"stride\":$stride,\"output\":\"$output\",\"macs\":$macs$json_row}"
    done
    echo "  $cpu: $op_count ops counted one by one ($per_layer)" >&2
  fi
  json_cpus+="${json_cpus:+,
}{\"cpu\":\"$cpu\",\"per_inference\":{$json_engines},\"counts\":{$json_counts},\"layers\":[
$json_layers]}"
  unset base per
  cpu_index=$((cpu_index + 1))
done
mv "$csv.tmp" "$csv"
mv "$layers_csv.tmp" "$layers_csv"
per_layer_json=''
for e in $per_layer; do per_layer_json+="${per_layer_json:+,}\"${e//-/_}\""; done
cat > "$out/insn.json.tmp" <<EOF
{"date":"$date_utc","qemu":"$(basename "$qemu") $qemu_version","program":"$program","model":"$model",
"unit":"guest instructions per inference (qemu TCG plugin insn, inline)",
"method":"(count at $runs runs - count at 1 run) / $extra; per op: (count at 1 run + op alone $extra times - count at 1 run) / $extra",
"per_layer_engines":[$per_layer_json],
"cpus":[
$json_cpus]}
EOF
mv "$out/insn.json.tmp" "$out/insn.json"

rm -rf "$work"
print_tables "$out"
echo
echo "wrote $out/insn.json, $out/insn.csv, $out/insn-layers.csv"

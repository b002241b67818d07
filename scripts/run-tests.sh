#!/usr/bin/env bash
# Runs test programs, each printing "NAME: N passed, N failed" as its last line; adds them up.
# Usage: scripts/run-tests.sh BUILD_DIR TEST... [-- SCRIPT...]   (scripts get BUILD_DIR as $1)
# Test programs run under $Q8RT_RUNNER when set (qemu-user for cross builds).
set -uo pipefail
build=$1; shift
passed=0; failed=0; broken=()
run() { # LABEL CMD...
  local label=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  local line; line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$line" ] || [ $rc -ne 0 ]; then
    printf '%s\n' "$out" | grep -vE '^\s*$' | tail -n 40 | sed 's/^/    /' >&2
    broken+=("$* (exit $rc)")
  elif [ -n "${VERBOSE:-}" ]; then
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
  if [ -n "$line" ]; then
    passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  fi
  echo "[$label] ${line:-no summary line}"
}
scripts=0
for t in "$@"; do
  if [ "$t" = "--" ]; then scripts=1; continue; fi
  # shellcheck disable=SC2086
  if [ $scripts -eq 1 ]; then run "$(basename "$t")" bash "$t" "$build"; else run "$(basename "$t")" ${Q8RT_RUNNER:-} "$t"; fi
done
if [ ${#broken[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${broken[@]}" >&2
  [ $failed -eq 0 ] && failed=${#broken[@]}
fi
echo "total: $passed passed, $failed failed"
[ $failed -eq 0 ]

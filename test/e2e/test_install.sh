#!/usr/bin/env bash
# The C library as a product (README "Install and use the C library"):
#   - libq8rt.so exports exactly the q8rt_* functions declared in include/q8rt.h (no test hook such as the
#     allocation failure injector), with SONAME libq8rt.so.MAJOR; q8rt_version() / `q8rt --version`;
#   - `make install` into a temporary DESTDIR: header, libq8rt.a, libq8rt.so.X.Y.Z + symlinks, q8rt.pc, q8rt;
#   - pkg-config (PKG_CONFIG_PATH / PKG_CONFIG_SYSROOT_DIR into the DESTDIR) builds examples/classify_tensor.c
#     against the shared library (run with LD_LIBRARY_PATH) and statically (libq8rt.a, `pkg-config --static`);
#   - both give the top 5 classes `q8rt classify` gives for the same real images (and the top class of
#     `q8rt run` on the same float32 NCHW tensors); `make uninstall` removes every installed file.
# Usage: test/e2e/test_install.sh BUILD_DIR   (make check passes it, after `make all weights`)
# Environment: Q8RT_BLOB, Q8RT_IMAGES_DIR (exported by the Makefile); CC (default cc). Cross builds
# (Q8RT_CROSS, Q8RT_RUNNER): the symbol and version checks, and the example built by `make all` under qemu.
set -uo pipefail
build=${1:-build}
blob=${Q8RT_BLOB:-weights/mobilenet_v2_quant.q8rt}
images=${Q8RT_IMAGES_DIR:-../shared/data/imagenet-val-1300}
cc=${CC:-cc}
passed=0; failed=0
ok()   { passed=$((passed + 1)); }
bad()  { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
q8rt() { ${Q8RT_RUNNER:-} "$build/bin/q8rt" "$@"; }

# --- version: one definition, the Q8RT_VERSION_* macros of include/q8rt.h -----------------------------------
part() { sed -n "s/^#define Q8RT_VERSION_$1 \([0-9][0-9]*\).*/\1/p" include/q8rt.h; }
version="$(part MAJOR).$(part MINOR).$(part PATCH)"
major=$(part MAJOR)
check "version '$version' is MAJOR.MINOR.PATCH" grep -qxE '[0-9]+\.[0-9]+\.[0-9]+' <<<"$version"
check "q8rt --version prints 'q8rt $version'" test "$(q8rt --version)" = "q8rt $version"

# --- the shared library's exported symbols -------------------------------------------------------------------
so="$build/lib/libq8rt.so"
nm -D --defined-only "$so" | awk '{print $NF}' | sort -u > "$tmp/exported"
"$cc" -E -P include/q8rt.h | grep -oE '\bq8rt_[a-z0-9_]+ *\(' | sed 's/ *($//' | sort -u > "$tmp/declared"
echo "  $so exports $(wc -l < "$tmp/exported") symbols; include/q8rt.h declares $(wc -l < "$tmp/declared") functions"
check "libq8rt.so exports symbols" test -s "$tmp/exported"
check "every exported symbol starts with q8rt_: $(grep -v '^q8rt_' "$tmp/exported" | head -5 | tr '\n' ' ')" \
  test -z "$(grep -v '^q8rt_' "$tmp/exported")"
check "every exported symbol is declared in q8rt.h: $(comm -23 "$tmp/exported" "$tmp/declared" | tr '\n' ' ')" \
  test -z "$(comm -23 "$tmp/exported" "$tmp/declared")"
check "every function of q8rt.h is exported: $(comm -13 "$tmp/exported" "$tmp/declared" | tr '\n' ' ')" \
  test -z "$(comm -13 "$tmp/exported" "$tmp/declared")"
# The allocation failure injector and the live-block counter (test hooks), and the allocator itself: in
# libq8rt.a, where the tests link them, but not exported from libq8rt.so.
for sym in q8rt_alloc_fail_after q8rt_alloc_live_count q8rt_alloc; do
  check "internal $sym is in libq8rt.a" grep -qE " T $sym\$" <(nm "$build/lib/libq8rt.a" 2>/dev/null)
  check "internal $sym is not exported from libq8rt.so" test -z "$(grep -x "$sym" "$tmp/exported")"
done
check "SONAME libq8rt.so.$major" grep -qF "Library soname: [libq8rt.so.$major]" <(readelf -d "$so")
check "$so -> libq8rt.so.$major -> libq8rt.so.$version" \
  test "$(readlink "$so")" = "libq8rt.so.$major" -a "$(readlink "$so.$major")" = "libq8rt.so.$version"

# --- cross builds (Q8RT_CROSS): the example as `make all` built it (with libq8rt.a), under qemu; installing and
# building against the installed library are tested by the native `make check` only.
if [ -n "${Q8RT_CROSS:-}" ]; then
  # shellcheck disable=SC2086
  ${Q8RT_RUNNER:-} "$build/examples/classify_tensor" "$blob" > "$tmp/gray.out" 2>&1
  check "$Q8RT_CROSS example (mid-gray): 5 classes" test "$(grep -cE '^  [1-5]\. class' "$tmp/gray.out")" -eq 5
  check "$Q8RT_CROSS example reports the library version $version" grep -qF "libq8rt $version" "$tmp/gray.out"
  echo "test_install: make install, pkg-config and the installed example skipped for the cross build" \
    "($Q8RT_CROSS); $passed passed, $failed failed"
  [ $failed -eq 0 ]; exit
fi

# --- make install into a DESTDIR ---------------------------------------------------------------------------
root="$tmp/root"; prefix=/opt/q8rt; p="$root$prefix"
# MAKEFLAGS (from make check) carries command-line variables such as CC to this make.
if make --no-print-directory -s install BUILD="$build" DESTDIR="$root" PREFIX="$prefix" > "$tmp/install.log" 2>&1; then
  ok
else
  bad "make install DESTDIR=$root PREFIX=$prefix: $(tail -n 5 "$tmp/install.log")"
fi
check "installed q8rt.h is include/q8rt.h" cmp -s "$p/include/q8rt.h" include/q8rt.h
check "installed libq8rt.a" cmp -s "$p/lib/libq8rt.a" "$build/lib/libq8rt.a"
check "installed libq8rt.so.$version is a file" test -f "$p/lib/libq8rt.so.$version" -a ! -L "$p/lib/libq8rt.so.$version"
check "installed libq8rt.so.$major -> libq8rt.so.$version" test "$(readlink "$p/lib/libq8rt.so.$major")" = "libq8rt.so.$version"
check "installed libq8rt.so -> libq8rt.so.$major" test "$(readlink "$p/lib/libq8rt.so")" = "libq8rt.so.$major"
check "installed q8rt.pc" test -f "$p/lib/pkgconfig/q8rt.pc"
check "installed q8rt --version" test "$("$p/bin/q8rt" --version 2>&1)" = "q8rt $version"
echo "  installed: $(cd "$root" && find . ! -type d | sort | tr '\n' ' ')"

# --- pkg-config ---------------------------------------------------------------------------------------------
export PKG_CONFIG_PATH="$p/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
check "pkg-config --modversion q8rt = $version" test "$(pkg-config --modversion q8rt 2>&1)" = "$version"
flags=$(pkg-config --cflags --libs q8rt 2>&1)
static_libs=$(pkg-config --static --libs q8rt 2>&1)
echo "  pkg-config --cflags --libs q8rt: $flags"
echo "  pkg-config --static --libs q8rt: $static_libs"
check "pkg-config --cflags --libs: -I$p/include -L$p/lib -lq8rt" \
  test "$(tr ' ' '\n' <<<"$flags" | grep -cxE -- "-I$p/include|-L$p/lib|-lq8rt")" -eq 3
for l in -lq8rt -lcpuinfo -lpthreadpool -lz -lm -lpthread; do
  check "pkg-config --static --libs has $l" grep -qxe "$l" <(tr ' ' '\n' <<<"$static_libs")
done

# --- examples/classify_tensor.c against the installed library -------------------------------------------------
cflags=(-std=c11 -pedantic -Wall -Wextra -Werror -O2)
# shellcheck disable=SC2086
if "$cc" "${cflags[@]}" examples/classify_tensor.c -o "$tmp/ex_shared" $flags 2> "$tmp/cc.log"; then ok
else bad "cc classify_tensor.c \$(pkg-config --cflags --libs q8rt): $(head -c 600 "$tmp/cc.log")"; fi
# Statically: libq8rt.a (-l:libq8rt.a, as -lq8rt picks libq8rt.so) and its dependencies from Libs.private and
# Requires.private (cpuinfo and pthreadpool are shared-only on Debian).
# shellcheck disable=SC2001,SC2046,SC2086
if "$cc" "${cflags[@]}" examples/classify_tensor.c -o "$tmp/ex_static" $(pkg-config --cflags q8rt) \
     $(sed 's/-lq8rt\b/-l:libq8rt.a/' <<<"$static_libs") 2> "$tmp/cc.log"; then ok
else bad "cc classify_tensor.c with libq8rt.a (pkg-config --static): $(head -c 600 "$tmp/cc.log")"; fi
check "shared example needs libq8rt.so.$major" grep -qF "Shared library: [libq8rt.so.$major]" <(readelf -d "$tmp/ex_shared")
check "static example does not need libq8rt.so" test -z "$(readelf -d "$tmp/ex_static" | grep -F 'libq8rt')"
check "shared example loads $p/lib/libq8rt.so.$major" \
  grep -qF "libq8rt.so.$major => $p/lib/libq8rt.so.$major" <(LD_LIBRARY_PATH="$p/lib" ldd "$tmp/ex_shared")
ex_shared() { LD_LIBRARY_PATH="$p/lib" "$tmp/ex_shared" "$@"; }
ex_static() { "$tmp/ex_static" "$@"; }

# Real images -> float32 NCHW tensors, preprocessed exactly as `q8rt classify` does (the CLI's image code; the
# example itself reads tensors only), linked like the test programs: the CLI's objects (CLI_OBJS of the Makefile)
# but main.o, the libraries, LDLIBS_CLI.
cat > "$tmp/to_tensor.c" <<'EOF'
/* to_tensor MODEL IMAGE OUT.f32: the preprocessed float32 NCHW input `q8rt classify MODEL IMAGE` runs. */
#include <stdio.h>
#include <stdlib.h>
#include "cli/image.h"
int main(int argc, char** argv) {
  q8rt_model* model;
  if (argc != 4 || q8rt_model_load_file(argv[1], &model) != Q8RT_OK) return 1;
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const size_t n = (size_t) mi.input_channels * mi.input_height * mi.input_width;
  float* t = malloc(n * sizeof *t);
  char err[512];
  int rc = t == NULL || q8rt_image_load_preprocessed(argv[2], &mi.preprocess, t, err, sizeof err) != 0;
  FILE* f = rc ? NULL : fopen(argv[3], "wb");
  if (f == NULL || fwrite(t, sizeof *t, n, f) != n) rc = 1;
  if (f != NULL && fclose(f) != 0) rc = 1;
  free(t);
  q8rt_model_free(model);
  return rc;
}
EOF
# shellcheck disable=SC2016
make_var() { make --no-print-directory -s BUILD="$build" --eval 'q8rt-print-%: ; @echo $($*)' "q8rt-print-$1" 2>> "$tmp/make.log"; }
cli_objs=$(make_var CLI_OBJS | tr ' ' '\n' | grep -v '/main\.o$')
# shellcheck disable=SC2046,SC2086
check "build the tensor helper" "$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -o "$tmp/to_tensor" \
  "$tmp/to_tensor.c" $cli_objs "$build/lib/libq8rt_convert.a" "$build/lib/libq8rt.a" $(make_var LDLIBS_CLI)

top5_example() { sed -n 's/^  [1-5]\. class *\([0-9]*\) .*/\1/p' | tr '\n' ' '; }
n_images=0
for name in ILSVRC2012_val_00000347 ILSVRC2012_val_00000355 ILSVRC2012_val_00000361; do
  img="$images/images/$name.JPEG"
  [ -f "$img" ] || { bad "no image $img"; continue; }
  n_images=$((n_images + 1))
  t="$tmp/$name.f32"
  check "$name: tensor" "$tmp/to_tensor" "$blob" "$img" "$t"
  cli_top5=$(q8rt classify "$blob" "$img" --top 5 --json 2> "$tmp/classify.err" | grep -o '"class":[0-9]*' | sed 's/.*://' | tr '\n' ' ')
  q8rt run "$blob" --input "$t" --input-format f32-nchw --output "$tmp/logits.f32" --output-format f32-logits
  run_top1=$(od -An -v -t f4 -w4 "$tmp/logits.f32" | awk 'NR == 1 || $1 > max { max = $1; arg = NR - 1 } END { print arg }')
  ex_shared "$blob" "$t" > "$tmp/shared.out" 2>&1; rc_shared=$?
  ex_static "$blob" "$t" > "$tmp/static.out" 2>&1; rc_static=$?
  shared_top5=$(top5_example < "$tmp/shared.out")
  echo "  $name: classify top 5: $cli_top5| run top 1: $run_top1 | example top 5: $shared_top5"
  check "$name: shared example exit 0 ($(tail -n 1 "$tmp/shared.out"))" test $rc_shared -eq 0
  check "$name: static example exit 0 ($(tail -n 1 "$tmp/static.out"))" test $rc_static -eq 0
  check "$name: example top 5 '$shared_top5' = classify top 5 '$cli_top5'" test -n "$cli_top5" -a "$shared_top5" = "$cli_top5"
  check "$name: example top 1 = q8rt run top 1 ($run_top1)" test "${shared_top5%% *}" = "$run_top1"
  check "$name: static and shared example print the same" cmp -s "$tmp/shared.out" "$tmp/static.out"
done
check "3 real images tested" test $n_images -eq 3
head -n 2 "$tmp/shared.out" | sed 's/^/  /'

# No tensor: a mid-gray image built from the model's preprocessing parameters.
ex_shared "$blob" > "$tmp/gray.out" 2>&1
check "example without a tensor (mid-gray): 5 classes" test "$(top5_example < "$tmp/gray.out" | wc -w)" -eq 5
check "example reports the library version $version" grep -qF "libq8rt $version (header $version)" "$tmp/gray.out"
# Errors: a message on stderr and exit 1.
head -c 1000 /dev/zero > "$tmp/short.f32"
ex_shared "$blob" "$tmp/short.f32" > /dev/null 2> "$tmp/err"; rc=$?
check "example, short tensor: exit 1, '$(cat "$tmp/err")'" test $rc -eq 1 -a -n "$(grep 'short.f32: wrong size' "$tmp/err")"
ex_shared "$tmp/missing.q8rt" > /dev/null 2> "$tmp/err"; rc=$?
check "example, missing model: exit 1, '$(cat "$tmp/err")'" test $rc -eq 1 -a -n "$(grep 'missing.q8rt' "$tmp/err")"

# --- make uninstall ------------------------------------------------------------------------------------------
make --no-print-directory -s uninstall BUILD="$build" DESTDIR="$root" PREFIX="$prefix" > "$tmp/install.log" 2>&1
check "make uninstall removes every installed file: $(cd "$root" && find . ! -type d | tr '\n' ' ')" \
  test -z "$(find "$root" ! -type d)"

echo "test_install: $passed passed, $failed failed"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# Builds the libraries q8rt needs for Android from upstream sources, with the NDK's CMake toolchain file, into
# build/deps-android-<abi>/{include,lib} (static, position-independent), for `make android` (docs/arm.md).
#   cpuinfo, pthreadpool (runtime); libjpeg-turbo, libpng, libexif, protobuf-c (CLI); zlib comes from the NDK
#   sysroot.
# Needs: network access (git clone from github.com), cmake >= 3.18, ninja or make, git, autoconf, automake,
# libtool, gettext (autopoint) for libexif, an NDK r23 or newer.
# Usage: scripts/android-deps.sh ANDROID_NDK [arm64-v8a|armeabi-v7a] [API, default 24]
# Idempotent: does nothing when build/deps-android-<abi>/.complete exists.
set -euo pipefail
ndk=${1:?usage: scripts/android-deps.sh ANDROID_NDK [arm64-v8a|armeabi-v7a] [API]}
abi=${2:-arm64-v8a}
api=${3:-24}
case "$abi" in arm64-v8a|armeabi-v7a) ;; *) echo "android-deps.sh: unknown ABI $abi" >&2; exit 1;; esac
toolchain="$ndk/build/cmake/android.toolchain.cmake"
[ -f "$toolchain" ] || { echo "android-deps.sh: $toolchain not found (is $ndk an NDK?)" >&2; exit 1; }
for tool in git cmake; do command -v $tool >/dev/null || { echo "android-deps.sh: needs $tool" >&2; exit 1; }; done
cd "$(dirname "$0")/.."
root=$(pwd)
dest="$root/build/deps-android-$abi"
[ -f "$dest/.complete" ] && exit 0
src="$root/build/android-src"
mkdir -p "$dest/include" "$dest/lib" "$src"

# Pinned upstream revisions (cpuinfo and pthreadpool have no releases; commits as of 2024).
CPUINFO_URL=https://github.com/pytorch/cpuinfo.git
CPUINFO_REV=0cc563acb9baac39f2c1349bc42098c4a1da59e3
PTHREADPOOL_URL=https://github.com/Maratyszcza/pthreadpool.git
PTHREADPOOL_REV=2b06b31f6a315162348e1f3c24325eedaf6cc559
FXDIV_URL=https://github.com/Maratyszcza/FXdiv.git
FXDIV_REV=811b482bcd9e8d98ad80c6c78d5302bb830184b0
JPEG_URL=https://github.com/libjpeg-turbo/libjpeg-turbo.git
JPEG_REV=3.0.4
PROTOBUF_C_URL=https://github.com/protobuf-c/protobuf-c.git
PROTOBUF_C_REV=v1.5.0
PNG_URL=https://github.com/pnggroup/libpng.git
PNG_REV=v1.6.44
EXIF_URL=https://github.com/libexif/libexif.git
EXIF_REV=v0.6.24

fetch() { # NAME URL REV
  local dir="$src/$1"
  if [ ! -d "$dir/.git" ]; then git clone --quiet "$2" "$dir"; fi
  git -C "$dir" fetch --quiet --tags origin
  git -C "$dir" checkout --quiet --detach "$3"
}

cmake_build() { # NAME SOURCE_SUBDIR [cmake args...]
  local name=$1 sub=$2; shift 2
  local bdir="$src/build-$abi-$name"
  cmake -S "$src/$name/$sub" -B "$bdir" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DANDROID_ABI="$abi" \
    -DANDROID_PLATFORM="android-$api" -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DCMAKE_INSTALL_PREFIX="$dest" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include \
    -DBUILD_SHARED_LIBS=OFF "$@" >/dev/null
  cmake --build "$bdir" --parallel >/dev/null
  cmake --install "$bdir" >/dev/null
  echo "android-deps.sh: $name ($abi, android-$api) installed into $dest" >&2
}

fetch cpuinfo "$CPUINFO_URL" "$CPUINFO_REV"
cmake_build cpuinfo . -DCPUINFO_LIBRARY_TYPE=static -DCPUINFO_BUILD_TOOLS=OFF -DCPUINFO_BUILD_UNIT_TESTS=OFF \
  -DCPUINFO_BUILD_MOCK_TESTS=OFF -DCPUINFO_BUILD_BENCHMARKS=OFF

fetch FXdiv "$FXDIV_URL" "$FXDIV_REV"
fetch pthreadpool "$PTHREADPOOL_URL" "$PTHREADPOOL_REV"
cmake_build pthreadpool . -DPTHREADPOOL_LIBRARY_TYPE=static -DPTHREADPOOL_BUILD_TESTS=OFF \
  -DPTHREADPOOL_BUILD_BENCHMARKS=OFF -DFXDIV_SOURCE_DIR="$src/FXdiv"

fetch libjpeg-turbo "$JPEG_URL" "$JPEG_REV"
cmake_build libjpeg-turbo . -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=OFF -DWITH_JPEG8=OFF

# protobuf-c: only the runtime library (the .pb-c.c files are generated on the host by protoc-c).
fetch protobuf-c "$PROTOBUF_C_URL" "$PROTOBUF_C_REV"
cmake_build protobuf-c build-cmake -DBUILD_PROTOC=OFF -DBUILD_TESTS=OFF

fetch libpng "$PNG_URL" "$PNG_REV"
cmake_build libpng . -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_TESTS=OFF -DPNG_TOOLS=OFF -DPNG_EXECUTABLES=OFF

# libexif has no CMake build: autotools with the NDK's clang.
fetch libexif "$EXIF_URL" "$EXIF_REV"
case "$abi" in arm64-v8a) host=aarch64-linux-android ;; armeabi-v7a) host=armv7a-linux-androideabi ;; esac
bin="$ndk/toolchains/llvm/prebuilt/linux-x86_64/bin"
(cd "$src/libexif" && autoreconf -fi >/dev/null 2>&1 &&
  ./configure --host="$host" --prefix="$dest" --libdir="$dest/lib" --disable-shared --enable-static --disable-nls \
    --disable-docs CC="$bin/$host$api-clang" AR="$bin/llvm-ar" RANLIB="$bin/llvm-ranlib" CFLAGS="-O2 -fPIC" >/dev/null &&
  make -j"$(nproc)" >/dev/null && make install >/dev/null && make distclean >/dev/null)
echo "android-deps.sh: libexif ($abi, android-$api) installed into $dest" >&2

touch "$dest/.complete"
echo "$dest"

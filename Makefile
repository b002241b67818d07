# q8rt build. `make demo` and `make check` are the two set-up commands (see README.md).
# Variables: CC, CFLAGS, CROSS (cross prefix, e.g. aarch64-linux-gnu- or arm-linux-gnueabihf-; CC=clang
# works with it), SANITIZE=1 (ASan+UBSan build in build-asan/).

AR       ?= ar
BUILD    ?= build
RUNNER   :=

# ---- cross builds: Debian cross compilers, target libraries from scripts/cross-deps.sh, tests under qemu-user --
ifneq ($(CROSS),)
  TRIPLET  := $(patsubst %-,%,$(CROSS))
  DEB_ARCH := $(if $(findstring aarch64,$(TRIPLET)),arm64,armhf)
  QEMU     := $(if $(findstring aarch64,$(TRIPLET)),qemu-aarch64,qemu-arm)
  ifeq ($(origin CC),default)
    CC := $(CROSS)gcc
  else ifeq ($(CC),clang)
    # clang cross-compiles with --target; it finds the crt files and libgcc of Debian's gcc-<triplet> package
    # (/usr/lib/gcc-cross) and links with that package's binutils (<triplet>-ld). Built in build-<arch>-clang/.
    override CC := clang --target=$(TRIPLET)
    CLANG_SUFFIX := -clang
  endif
  ifeq ($(DEB_ARCH),armhf)
    TARGET_FLAGS := -march=armv7-a -mfloat-abi=hard -mfpu=vfpv3-d16
  endif
  AR       := $(CROSS)ar
  BUILD    := build-$(DEB_ARCH)$(CLANG_SUFFIX)
  DEPS     := build/deps-$(DEB_ARCH)
  CFLAGS   += $(TARGET_FLAGS) -I$(DEPS)/usr/include -I$(DEPS)/usr/include/$(TRIPLET)
  LDFLAGS  += $(TARGET_FLAGS) -L$(DEPS)/usr/lib/$(TRIPLET) -Wl,-rpath-link,$(abspath $(DEPS))/usr/lib/$(TRIPLET) \
              -Wl,-rpath-link,$(abspath $(DEPS))/lib/$(TRIPLET)
  # qemu-user with the cross libc and the unpacked target libraries
  RUNNER   := $(QEMU) -L /usr/$(TRIPLET) \
              -E LD_LIBRARY_PATH=$(abspath $(DEPS))/usr/lib/$(TRIPLET):$(abspath $(DEPS))/lib/$(TRIPLET)
  export Q8RT_RUNNER := $(RUNNER)
  # cross check: fewer random test cases under qemu; the e2e script compares against the native binary
  export Q8RT_TEST_QUICK := 1
  export Q8RT_CROSS := $(DEB_ARCH)
  # CPU models the kernel tests run under (QEMU_CPU:the ISA dispatch must pick there); cortex-r5f is an
  # armv7 core without NEON (scalar fallback); cortex-a76 has the ARMv8.2 dot product (neondot), max also i8mm
  # (neoni8mm; sme=off: SME changes nothing for q8rt)
  comma := ,
  QEMU_CPUS ?= $(if $(findstring aarch64,$(TRIPLET)),cortex-a53:neon cortex-a72:neon cortex-a76:neondot max$(comma)sme=off:neoni8mm,cortex-a7:neon max:neon cortex-r5f:scalar)
endif
OPT      ?= -O2
WARN     := -Wall -Wextra -Werror
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L
CFLAGS   ?=
ALL_CFLAGS = $(CSTD) $(OPT) -g $(WARN) -fPIC -Iinclude -Isrc -I$(BUILD)/gen $(CFLAGS) $(SAN_FLAGS)
LDLIBS_RT := $(shell pkg-config --libs libcpuinfo 2>/dev/null || echo -lcpuinfo) -lpthreadpool -lz -lm -lpthread
LDLIBS_CLI := -lprotobuf-c -ljpeg -lpng -lexif $(LDLIBS_RT)

ifeq ($(SANITIZE),1)
  BUILD := build-asan
  SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(SANITIZE),thread)
  BUILD := build-tsan
  SAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=thread
endif
# libFuzzer builds: every object gets the fuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link, which
# is what -fsanitize=fuzzer does at compile time) plus ASan + UBSan; the harnesses link with -fsanitize=fuzzer.
FUZZ_CC ?= clang
ifeq ($(FUZZ),1)
  BUILD := build-fuzz
  CC := $(FUZZ_CC)
  SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
endif

ARCH := $(shell $(CC) -dumpmachine | cut -d- -f1)

# ---- version: defined once, by the Q8RT_VERSION_{MAJOR,MINOR,PATCH} macros of include/q8rt.h ---------------
version_part = $(shell sed -n 's/^.define Q8RT_VERSION_$(1) \([0-9][0-9]*\).*/\1/p' include/q8rt.h)
VERSION_MAJOR := $(call version_part,MAJOR)
VERSION       := $(VERSION_MAJOR).$(call version_part,MINOR).$(call version_part,PATCH)

# ---- sources -------------------------------------------------------------------------------------
KERNEL_SRCS := $(wildcard kernels/*/*-scalar.c kernels/*/scalar.c)
ifneq ($(filter x86_64 i686 i386,$(ARCH)),)
  KERNEL_SSE41_SRCS := $(wildcard kernels/*/*-sse41.c kernels/*/sse41.c)
  KERNEL_SSE_SRCS := $(wildcard kernels/*/*-sse.c kernels/*/sse.c kernels/*/*-sse2.c kernels/*/sse2.c)
  KERNEL_AVX2_SRCS := $(wildcard kernels/*/*-avx2.c kernels/*/avx2.c kernels/*/*-avx512.c)
  KERNEL_AVX512VNNI_SRCS := $(wildcard kernels/*/*-avx512vnni.c)
endif
# ARM NEON: *-aarch64-neon.c on arm64; *-aarch32-neon.c (built with -mfpu=neon, called only when cpuinfo
# reports NEON) on 32-bit ARM (ARCH arm, armv7a, armv7l, ... from -dumpmachine).
# *-aarch64-neondot.c: ARMv8.2 dot product kernels, the only files built with -march=armv8.2-a+dotprod (called only
# when cpuinfo reports the extension, so the library still runs on ARMv8.0 cores); *-aarch64-neoni8mm.c: ARMv8.6
# i8mm kernels, the only files built with -march=armv8.2-a+dotprod+i8mm (called only when HWCAP2_I8MM is set).
ifeq ($(ARCH),aarch64)
  KERNEL_NEON_SRCS := $(wildcard kernels/*/*-aarch64-neon.c kernels/*/aarch64-neon.c)
  KERNEL_NEONDOT_SRCS := $(wildcard kernels/*/*-aarch64-neondot.c)
  KERNEL_NEONI8MM_SRCS := $(wildcard kernels/*/*-aarch64-neoni8mm.c)
else ifneq ($(filter arm%,$(ARCH)),)
  KERNEL_NEON_SRCS := $(wildcard kernels/*/*-aarch32-neon.c kernels/*/aarch32-neon.c)
endif
# Weight packing (src/pack): the runtime packs the raw blob weights for its kernel configurations.
RT_PACK_SRCS := $(wildcard src/pack/*.c)
RT_SRCS  := $(wildcard src/common/*.c src/quant/*.c src/runtime/*.c src/ops/*.c) src/blob/blob_read.c $(RT_PACK_SRCS)
CONV_SRCS := $(filter-out $(RT_PACK_SRCS),$(wildcard src/convert/*.c src/pack/*.c)) src/blob/blob_write.c \
             $(BUILD)/gen/caffe2.pb-c.c
CLI_SRCS := $(wildcard src/cli/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(patsubst $(BUILD)/%,%,$(1)))
RT_OBJS   := $(call obj,$(RT_SRCS) $(KERNEL_SRCS)) $(call obj,$(KERNEL_SSE41_SRCS) $(KERNEL_SSE_SRCS) $(KERNEL_AVX2_SRCS) $(KERNEL_AVX512VNNI_SRCS))
RT_OBJS   += $(call obj,$(KERNEL_NEON_SRCS) $(KERNEL_NEONDOT_SRCS) $(KERNEL_NEONI8MM_SRCS))
CONV_OBJS := $(call obj,$(CONV_SRCS))
CLI_OBJS  := $(call obj,$(CLI_SRCS))

LIB_A   := $(BUILD)/lib/libq8rt.a
# The shared library: the file libq8rt.so.$(VERSION), its SONAME libq8rt.so.MAJOR (a symlink to it, what programs
# load) and libq8rt.so (a symlink to that, what -lq8rt finds). It exports only the q8rt_* API of include/q8rt.h.
LIB_SO_REAL   := $(BUILD)/lib/libq8rt.so.$(VERSION)
LIB_SO_SONAME := $(BUILD)/lib/libq8rt.so.$(VERSION_MAJOR)
LIB_SO        := $(BUILD)/lib/libq8rt.so
CONV_A  := $(BUILD)/lib/libq8rt_convert.a
CLI     := $(BUILD)/bin/q8rt

TEST_SRCS := $(wildcard test/*/test_*.c)
TEST_BINS := $(patsubst test/%.c,$(BUILD)/test/%,$(TEST_SRCS))
TEST_COMMON := $(wildcard test/common/*.c)

.PHONY: android android-check-kernels
.PHONY: all lib cli tests deps demo check check-unit check-e2e check-asan check-sanitize fuzz fuzz-build weights clean
all: lib cli tests examples

lib: $(LIB_A) $(LIB_SO)
cli: $(CLI)
tests: $(TEST_BINS)

# ---- rules ---------------------------------------------------------------------------------------
ifneq ($(CROSS),)
# Cross builds compile against the target's libraries: fetch them first (scripts/cross-deps.sh).
$(RT_OBJS) $(CONV_OBJS) $(CLI_OBJS) $(BUILD)/gen/caffe2.pb-c.c: | $(DEPS)/.complete
$(DEPS)/.complete:
	scripts/cross-deps.sh $(DEB_ARCH)
endif

$(BUILD)/gen/caffe2.pb-c.c $(BUILD)/gen/caffe2.pb-c.h &: src/convert/caffe2.proto
	@mkdir -p $(BUILD)/gen
	protoc-c --proto_path=src/convert --c_out=$(BUILD)/gen src/convert/caffe2.proto

$(BUILD)/obj/gen/caffe2.pb-c.o: $(BUILD)/gen/caffe2.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-error -MMD -MP -c $< -o $@

$(CONV_OBJS) $(CLI_OBJS): $(BUILD)/gen/caffe2.pb-c.h

$(BUILD)/obj/kernels/%-sse41.o: ALL_CFLAGS += -msse4.1
$(BUILD)/obj/kernels/%/sse41.o: ALL_CFLAGS += -msse4.1
$(BUILD)/obj/kernels/%-sse.o $(BUILD)/obj/kernels/%/sse.o: ALL_CFLAGS += -msse2
$(BUILD)/obj/kernels/%-sse2.o $(BUILD)/obj/kernels/%/sse2.o: ALL_CFLAGS += -msse2
$(BUILD)/obj/kernels/%-avx2.o: ALL_CFLAGS += -mavx2 -mfma
$(BUILD)/obj/kernels/%/avx2.o: ALL_CFLAGS += -mavx2 -mfma
$(BUILD)/obj/kernels/%-avx512.o: ALL_CFLAGS += -mavx512f -mfma
$(BUILD)/obj/kernels/%-avx512vnni.o: ALL_CFLAGS += -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi

$(BUILD)/obj/kernels/%-aarch32-neon.o $(BUILD)/obj/kernels/%/aarch32-neon.o: ALL_CFLAGS += -mfpu=neon
# gcc's pre-allocation scheduler moves the next weight groups' loads above the current group's udots, where 16
# more vector registers no longer fit beside the 16 accumulators (spills in the inner loop): off for these files.
NEONDOT_FLAGS := -march=armv8.2-a+dotprod $(if $(findstring clang,$(CC)),,-fno-schedule-insns)
$(BUILD)/obj/kernels/%-aarch64-neondot.o: ALL_CFLAGS += $(NEONDOT_FLAGS)
NEONI8MM_FLAGS := -march=armv8.2-a+dotprod+i8mm $(if $(findstring clang,$(CC)),,-fno-schedule-insns)
$(BUILD)/obj/kernels/%-aarch64-neoni8mm.o: ALL_CFLAGS += $(NEONI8MM_FLAGS)
# The same scheduler issue in the fp32 8x8 tiles (16 accumulators, 8 A and 4 B registers) and the f32 depthwise
# pixel pairs (18 weight registers): it adds register moves and spills to the loops.
$(BUILD)/obj/kernels/f32gemm/8x8-aarch64-neon.o $(BUILD)/obj/kernels/f32conv/8x8-aarch64-neon.o \
$(BUILD)/obj/kernels/f32dwconv/up16x9p-aarch64-neon.o: \
  ALL_CFLAGS += $(if $(findstring clang,$(CC)),,-fno-schedule-insns)

# Library objects: only what include/q8rt.h declares (under `#pragma GCC visibility push(default)`) is exported
# from libq8rt.so; internal functions (test hooks such as q8rt_alloc_fail_after included) stay hidden. Static
# links of libq8rt.a (CLI, tests) are unaffected.
$(RT_OBJS): ALL_CFLAGS += -fvisibility=hidden
# (make does not track flags: the stamp makes build directories from before this flag rebuild them once)
$(RT_OBJS): $(BUILD)/obj/.visibility-hidden
$(BUILD)/obj/.visibility-hidden:
	@mkdir -p $(dir $@) && touch $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB_A): $(RT_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# --no-undefined: every symbol resolved by the runtime's own dependencies (not with sanitizers: clang leaves the
# sanitizer runtime out of shared libraries).
$(LIB_SO_REAL): $(RT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,$(notdir $(LIB_SO_SONAME)) $(if $(SAN_FLAGS),,-Wl,--no-undefined) \
	  -o $@ $^ $(LDLIBS_RT)
$(LIB_SO_SONAME): $(LIB_SO_REAL)
	ln -sf $(notdir $<) $@
$(LIB_SO): $(LIB_SO_SONAME)
	ln -sf $(notdir $<) $@

$(CONV_A): $(CONV_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(CLI): $(CLI_OBJS) $(CONV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(CONV_A) $(LIB_A) $(LDLIBS_CLI)

$(BUILD)/test/%: test/%.c $(TEST_COMMON) $(CONV_A) $(LIB_A) $(filter-out $(BUILD)/obj/src/cli/main.o,$(CLI_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itest/common -o $@ $< $(TEST_COMMON) $(filter-out $(BUILD)/obj/src/cli/main.o,$(CLI_OBJS)) $(CONV_A) $(LIB_A) $(LDFLAGS) $(LDLIBS_CLI)

# TSan build: test programs and the CLI get test/tsan/pthreadpool_tsan.c, which annotates the synchronization
# of the uninstrumented libpthreadpool for TSan (see that file).
ifeq ($(SANITIZE),thread)
TSAN_SHIM := $(BUILD)/obj/test/tsan/pthreadpool_tsan.o
$(TEST_BINS) $(CLI): $(TSAN_SHIM)
$(TEST_BINS) $(CLI): LDFLAGS += $(TSAN_SHIM) -ldl
endif

# The regression replayer includes the harness sources.
$(BUILD)/test/fuzz/test_regressions: $(wildcard test/fuzz/fuzz_*.c test/fuzz/fuzz_*.h)

# libFuzzer harnesses and the seed generator (make FUZZ=1 fuzz-build; `make fuzz` runs them).
FUZZ_HARNESSES := blob convert image tflite
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_HARNESSES))
FUZZ_LINK_OBJS := $(filter-out $(BUILD)/obj/src/cli/main.o,$(CLI_OBJS)) $(CONV_A) $(LIB_A)
$(FUZZ_BINS): $(BUILD)/fuzz/%: test/fuzz/%.c test/fuzz/fuzz_converted.h $(FUZZ_LINK_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LINK_OBJS) $(LDFLAGS) $(LDLIBS_CLI)
$(BUILD)/fuzz/fuzz_seeds: test/fuzz/fuzz_seeds.c $(FUZZ_LINK_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(FUZZ_LINK_OBJS) $(LDFLAGS) $(LDLIBS_CLI)
fuzz-build: $(FUZZ_BINS) $(BUILD)/fuzz/fuzz_seeds

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- install (README "Install and use the C library") ----------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=staging dir] [LIBDIR=$(PREFIX)/lib] [INCLUDEDIR=...] [BINDIR=...]:
# q8rt.h, libq8rt.a, libq8rt.so*, q8rt.pc (pkg-config) and the q8rt binary; `make uninstall` removes them.
PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL    ?= install
# q8rt.pc: ${prefix}-relative directories when they are under PREFIX
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

.PHONY: install uninstall examples
install: lib cli
	$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 644 include/q8rt.h $(DESTDIR)$(INCLUDEDIR)/q8rt.h
	$(INSTALL) -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libq8rt.a
	$(INSTALL) -m 755 $(LIB_SO_REAL) $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO_REAL))
	ln -sf $(notdir $(LIB_SO_REAL)) $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO_SONAME))
	ln -sf $(notdir $(LIB_SO_SONAME)) $(DESTDIR)$(LIBDIR)/libq8rt.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|' \
	  -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|' -e 's|@VERSION@|$(VERSION)|' q8rt.pc.in \
	  > $(DESTDIR)$(PKGCONFIGDIR)/q8rt.pc
	$(INSTALL) -m 755 $(CLI) $(DESTDIR)$(BINDIR)/q8rt
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && [ -z "$(CROSS)" ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/q8rt.h $(DESTDIR)$(LIBDIR)/libq8rt.a $(DESTDIR)$(LIBDIR)/libq8rt.so \
	  $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO_SONAME)) $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO_REAL)) \
	  $(DESTDIR)$(PKGCONFIGDIR)/q8rt.pc $(DESTDIR)$(BINDIR)/q8rt

# The examples/ programs, built here against the public header only (strict C11) and libq8rt.a; the install
# test (test/e2e/test_install.sh) builds them against the installed library through pkg-config.
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
examples: $(EXAMPLES)
$(EXAMPLES): $(BUILD)/examples/%: examples/%.c include/q8rt.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -pedantic $(OPT) -g $(WARN) -Iinclude $(CFLAGS) $(SAN_FLAGS) -o $@ $< $(LIB_A) $(LDFLAGS) $(LDLIBS_RT)

# ---- set-up, data, checks -------------------------------------------------------------------------
SHARED     ?= ../shared
IMAGES_DIR ?= $(or $(Q8RT_IMAGES_DIR),$(SHARED)/data/imagenet-val-1300)
# Full-resolution photos with reference top-5 (decoding, resizing, EXIF): test_image and test/e2e/test_photos.sh.
PHOTOS_DIR ?= $(or $(Q8RT_PHOTOS_DIR),$(SHARED)/data/imagenet-train-photos)
SYNSET     ?= $(or $(Q8RT_LABELS),$(SHARED)/data/imagenet-labels/synset_words.txt)
# TFLite uint8 MobileNets and schema.fbs: the reference executor's test (test/e2e/test_tflite_reference.sh).
TFLITE_DIR ?= $(or $(Q8RT_TFLITE_DIR),$(SHARED)/models/tflite-mobilenet-quant)
# Cross builds convert the model with the target binary into their own build directory (the e2e test
# compares it with the native weights/ blob).
BLOB       := $(if $(CROSS),$(BUILD)/)weights/mobilenet_v2_quant.q8rt
# TFLite uint8 MobileNets (V2 1.0 224, V1 0.5 160), checked against the folder's SHA256SUMS, converted with their
# 1001-name label file.
TFLITE_DIR ?= $(or $(Q8RT_TFLITE_DIR),$(SHARED)/models/tflite-mobilenet-quant)
TFLITE_V2  := $(if $(CROSS),$(BUILD)/)weights/mobilenet_v2_1.0_224_quant.q8rt
TFLITE_V1  := $(if $(CROSS),$(BUILD)/)weights/mobilenet_v1_0.5_160_quant.q8rt
DEMO_IMAGES ?= $(addprefix $(IMAGES_DIR)/images/,ILSVRC2012_val_00000347.JPEG ILSVRC2012_val_00000355.JPEG \
                 ILSVRC2012_val_00000361.JPEG ILSVRC2012_val_00000363.JPEG)
export Q8RT_BLOB := $(abspath $(BLOB))
export Q8RT_IMAGES_DIR := $(abspath $(IMAGES_DIR))
export Q8RT_LABELS := $(abspath $(SYNSET))
export Q8RT_PHOTOS_DIR := $(abspath $(PHOTOS_DIR))
export Q8RT_TFLITE_DIR := $(abspath $(TFLITE_DIR))
export Q8RT_TFLITE_V2_BLOB := $(abspath $(TFLITE_V2))
export Q8RT_TFLITE_V1_BLOB := $(abspath $(TFLITE_V1))

CROSS_PACKAGES = $(if $(CROSS),qemu-user gcc-$(TRIPLET) libc6-dev-$(DEB_ARCH)-cross $(if $(findstring clang,$(CC)),clang lld))
deps:
	@scripts/deps.sh $(CROSS_PACKAGES)
	@$(if $(CROSS),scripts/cross-deps.sh $(DEB_ARCH) >/dev/null)

# The blob is rebuilt when the CLI changes; the Caffe2 files are found (and checksummed) by find-model.sh. The
# ImageNet class names (SYNSET) are stored in it when that file exists.
weights: $(BLOB) $(TFLITE_V2) $(TFLITE_V1)
$(TFLITE_V2) $(TFLITE_V1): $(CLI)
	@mkdir -p $(dir $@)
	@cd $(TFLITE_DIR) && sha256sum --quiet -c SHA256SUMS
	$(RUNNER) $(CLI) convert $(TFLITE_DIR)/$(basename $(notdir $@)).tflite -o $@ \
	  --labels $(TFLITE_DIR)/imagenet_labels_1001.txt
$(BLOB): $(CLI) scripts/find-model.sh
	@mkdir -p $(dir $@)
	dir=$$(scripts/find-model.sh) && $(RUNNER) $(CLI) convert "$$dir/init_net.pb" "$$dir/predict_net.pb" -o $@ \
	  $(if $(wildcard $(SYNSET)),--labels $(SYNSET))

demo: deps
	@$(MAKE) --no-print-directory all weights
	$(RUNNER) $(CLI) classify $(BLOB) $(DEMO_IMAGES) --top 5 --labels $(SYNSET)

# Unit tests (kernels, packing, converter, loader, operators), then end-to-end tests on real images,
# then the unit tests again under ASan + UBSan.
# Cross (CROSS=...): everything runs under qemu-user; the kernel tests once per QEMU_CPUS model (each must
# take the NEON path), the other tests and the e2e script (50 images, bit-exact against the native binary
# build/bin/q8rt and the scalar kernels) once; no sanitizers, no 1300-image eval.
# Native: also compiles every ARM kernel for Android (android-check-kernels, needs clang).
KERNEL_TEST_BINS := $(filter $(BUILD)/test/kernels/%,$(TEST_BINS))
check: deps
	@$(MAKE) --no-print-directory all weights
ifneq ($(CROSS),)
	@for m in $(QEMU_CPUS); do cpu=$${m%%:*}; isa=$${m#*:}; \
	  echo "kernel tests under $(QEMU) with QEMU_CPU=$$cpu (dispatch must pick $$isa)"; \
	  QEMU_CPU=$$cpu Q8RT_TEST_EXPECT_ISA=$$isa VERBOSE= scripts/run-tests.sh $(BUILD) $(KERNEL_TEST_BINS) || exit 1; \
	  QEMU_CPU=$$cpu Q8RT_TEST_EXPECT_ISA=$$isa $(RUNNER) $(BUILD)/test/kernels/test_neon | grep 'test_neon: [cN]'; \
	done
	@scripts/run-tests.sh $(BUILD) $(filter-out $(KERNEL_TEST_BINS),$(TEST_BINS)) -- test/e2e/test_cli.sh test/e2e/test_photos.sh test/e2e/test_tflite.sh \
	  test/e2e/test_install.sh
else
	@scripts/deps.sh clang libxnnpack-dev
	@$(MAKE) --no-print-directory android-check-kernels $(XNN_COMPARE)
	@scripts/run-tests.sh $(BUILD) $(TEST_BINS) -- test/e2e/test_tflite_reference.sh test/e2e/test_cli.sh \
	  test/e2e/test_photos.sh test/e2e/test_tflite.sh test/e2e/test_install.sh test/e2e/test_xnnpack_compare.sh
	@$(MAKE) --no-print-directory check-asan
endif

check-asan:
	@$(MAKE) --no-print-directory SANITIZE=1 tests cli
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  scripts/run-tests.sh build-asan $(patsubst $(BUILD)/%,build-asan/%,$(TEST_BINS))

# The unit tests under ASan + UBSan, the sanitized CLI end to end on real images, and the concurrency test
# under ThreadSanitizer (test/tsan.supp: pthreadpool internals only).
check-sanitize:
	@$(MAKE) --no-print-directory check-asan
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  scripts/run-tests.sh build-asan -- test/e2e/test_sanitized_cli.sh
	@$(MAKE) --no-print-directory SANITIZE=thread build-tsan/test/runtime/test_concurrency
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(abspath test/tsan.supp)" \
	  scripts/run-tests.sh build-tsan build-tsan/test/runtime/test_concurrency

# libFuzzer: builds the harnesses (clang, ASan + UBSan), makes seed corpora from the real model and images
# in build-fuzz/corpus/, runs each harness FUZZ_SECONDS seconds; fails on any crash, leak, timeout or report.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh clang libclang-rt-14-dev llvm
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# ---- Android (NDK clang; libraries from scripts/android-deps.sh) -------------------------------------
# make android ANDROID_NDK=/path/to/ndk [ANDROID_ABI=arm64-v8a|armeabi-v7a] [ANDROID_API=24]
# builds build-android-<abi>/lib/libq8rt.a and build-android-<abi>/bin/q8rt (docs/arm.md).
ANDROID_ABI ?= arm64-v8a
ANDROID_API ?= 24
ANDROID_TARGET = $(if $(filter armeabi-v7a,$(ANDROID_ABI)),armv7a-linux-androideabi,aarch64-linux-android)
ANDROID_BIN = $(ANDROID_NDK)/toolchains/llvm/prebuilt/linux-x86_64/bin
ANDROID_DEPS = build/deps-android-$(ANDROID_ABI)
ANDROID_ABI_FLAGS = $(if $(filter armeabi-v7a,$(ANDROID_ABI)),-march=armv7-a -mfloat-abi=softfp -mfpu=vfpv3-d16 -mthumb)
android:
	@test -n "$(ANDROID_NDK)" -a -x "$(ANDROID_BIN)/$(ANDROID_TARGET)$(ANDROID_API)-clang" || \
	  { echo "make android: set ANDROID_NDK to an NDK (r23 or newer) with $(ANDROID_TARGET)$(ANDROID_API)-clang" >&2; exit 1; }
	@test -f $(ANDROID_DEPS)/.complete || \
	  { echo "make android: run scripts/android-deps.sh $(ANDROID_NDK) $(ANDROID_ABI) $(ANDROID_API) first" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build-android-$(ANDROID_ABI) \
	  CC="$(ANDROID_BIN)/$(ANDROID_TARGET)$(ANDROID_API)-clang" AR="$(ANDROID_BIN)/llvm-ar" \
	  CFLAGS="$(ANDROID_ABI_FLAGS) -I$(abspath $(ANDROID_DEPS))/include" \
	  LDFLAGS="$(ANDROID_ABI_FLAGS) -L$(abspath $(ANDROID_DEPS))/lib" \
	  LDLIBS_RT="-lpthreadpool -lcpuinfo -lz -lm -llog" \
	  build-android-$(ANDROID_ABI)/lib/libq8rt.a build-android-$(ANDROID_ABI)/bin/q8rt

# Compiles every ARM NEON kernel file freestanding with clang for both Android ABIs (no NDK needed).
ANDROID_KERNEL_FLAGS := -std=c11 -O2 -ffreestanding -nostdlibinc -Werror -Wall -Wextra -c -o /dev/null
android-check-kernels:
	@command -v clang >/dev/null || { echo "android-check-kernels: needs clang (scripts/deps.sh clang)" >&2; exit 1; }
	@n=0; for f in $(wildcard kernels/*/*aarch64-neon.c); do \
	  clang --target=aarch64-linux-android$(ANDROID_API) $(ANDROID_KERNEL_FLAGS) $$f || exit 1; n=$$((n+1)); done; \
	for f in $(wildcard kernels/*/*aarch64-neondot.c); do \
	  clang --target=aarch64-linux-android$(ANDROID_API) -march=armv8.2-a+dotprod $(ANDROID_KERNEL_FLAGS) $$f \
	    || exit 1; n=$$((n+1)); done; \
	for f in $(wildcard kernels/*/*aarch64-neoni8mm.c); do \
	  clang --target=aarch64-linux-android$(ANDROID_API) -march=armv8.2-a+dotprod+i8mm $(ANDROID_KERNEL_FLAGS) $$f \
	    || exit 1; n=$$((n+1)); done; \
	for f in $(wildcard kernels/*/*aarch32-neon.c); do \
	  clang --target=armv7a-linux-androideabi$(ANDROID_API) -mfpu=neon -mfloat-abi=softfp $(ANDROID_KERNEL_FLAGS) $$f \
	    || exit 1; n=$$((n+1)); done; \
	echo "android-check-kernels: $$n ARM kernel files compile for aarch64-linux-android$(ANDROID_API) and \
	armv7a-linux-androideabi$(ANDROID_API) (-mfpu=neon -mfloat-abi=softfp)"

# ---- benchmark: int8 vs fp32 (docs/performance.md, "Benchmarking int8 vs fp32 and XNNPACK") --------------------------------------
# `make bench`: q8rt bench on the real model, int8 and fp32 alternating, per layer, into $(BENCH_DIR)/results.json
# and results.csv, the chart per_layer.png (bench/plot.gp, gnuplot-nox), then, when libxnnpack-dev is installed,
# the outside reference bench/xnnpack_compare (XNNPACK QU8 and F32 on the same blob) into xnnpack.json.
.PHONY: bench
BENCH_DIR     := $(BUILD)/bench
BENCH_THREADS ?= 1
BENCH_RUNS    ?= 50
# e.g. BENCH_PREFIX="chrt -f 1" (root): real-time priority, so that other processes on the machine preempt the
# timed runs less (docs/performance.md, "Benchmarking int8 vs fp32 and XNNPACK").
BENCH_PREFIX  ?=
XNN_COMPARE   := $(BENCH_DIR)/xnnpack_compare
XNN_COMPARE_OBJS := $(BUILD)/obj/src/cli/image.o $(BUILD)/obj/src/cli/resize.o $(BUILD)/obj/src/cli/resize_tf.o
$(XNN_COMPARE): bench/xnnpack_compare.c $(XNN_COMPARE_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(XNN_COMPARE_OBJS) $(LIB_A) $(LDFLAGS) -lXNNPACK -ljpeg -lpng -lexif $(LDLIBS_RT)

bench:
	@scripts/deps.sh gnuplot-nox libxnnpack-dev 2>/dev/null || scripts/deps.sh gnuplot-nox
	@$(MAKE) --no-print-directory cli weights
	@mkdir -p $(BENCH_DIR)
	$(BENCH_PREFIX) $(RUNNER) $(CLI) bench $(BLOB) --precision int8,fp32 --per-layer --json --threads $(BENCH_THREADS) \
	  --runs $(BENCH_RUNS) --csv $(BENCH_DIR)/results.csv > $(BENCH_DIR)/results.json.tmp
	@mv $(BENCH_DIR)/results.json.tmp $(BENCH_DIR)/results.json
	@sed -n -e 's/,"arena_bytes".*//p' -e 's/,"samples".*//p' $(BENCH_DIR)/results.json
	gnuplot -e "csv='$(BENCH_DIR)/results.csv'; png='$(BENCH_DIR)/per_layer.png'; \
	  note='; threads: $(BENCH_THREADS), runs: $(BENCH_RUNS)'" bench/plot.gp
	@echo "wrote $(BENCH_DIR)/results.json, $(BENCH_DIR)/results.csv, $(BENCH_DIR)/per_layer.png"
	@if [ -z "$(CROSS)" ] && [ -f /usr/include/xnnpack.h ]; then \
	  $(MAKE) --no-print-directory $(XNN_COMPARE) && \
	  $(BENCH_PREFIX) $(XNN_COMPARE) $(BLOB) --images $(IMAGES_DIR)/images --threads $(BENCH_THREADS) --runs $(BENCH_RUNS) \
	    --json $(BENCH_DIR)/xnnpack.json && echo "wrote $(BENCH_DIR)/xnnpack.json"; \
	else echo "bench: libxnnpack-dev is not installed (or a cross build): skipping the XNNPACK comparison"; fi
	@if [ -z "$(CROSS)" ]; then bench/big-photo.sh $(BLOB) 11 $(CLI) | tee $(BENCH_DIR)/big-photo.txt; fi

# ---- ARM cost proxy: guest instructions under qemu-user (docs/arm-cost.md) ---------------------------------
# make CROSS=aarch64-linux-gnu- bench-insn (or CROSS=arm-linux-gnueabihf-): builds the instruction-count plugin
# from $(SHARED)/tools/qemu-insn (host gcc, glib), cross-builds bench/xnnpack_compare against Debian's XNNPACK for
# the target (scripts/cross-deps.sh ARCH xnnpack), and runs bench/insn-count.sh: per-inference instructions of
# q8rt int8 / fp32 and XNNPACK QU8 / F32 on each INSN_CPUS model, and per op for the INSN_PER_LAYER engines ("" for
# none), into $(BENCH_DIR)/insn.json, insn.csv and insn-layers.csv.
.PHONY: bench-insn
QEMU_INSN_SRC  := $(SHARED)/tools/qemu-insn
INSN_PLUGIN    := build/qemu-insn/libinsn.so
HOST_CC        ?= gcc
INSN_PER_LAYER ?= q8rt-int8 xnnpack-qu8
ifeq ($(DEB_ARCH),arm64)
  INSN_CPUS ?= cortex-a72 cortex-a76 max,sme=off,sve-default-vector-length=16
else
  INSN_CPUS ?= cortex-a15
endif
$(INSN_PLUGIN): $(QEMU_INSN_SRC)/insn.c $(QEMU_INSN_SRC)/qemu-plugin.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -shared -fPIC -O2 -I$(QEMU_INSN_SRC) $$(pkg-config --cflags glib-2.0) $< -o $@

ifneq ($(CROSS),)
# The target's XNNPACK headers and library (only this benchmark needs them).
$(XNN_COMPARE): | $(DEPS)/.complete-xnnpack
$(DEPS)/.complete-xnnpack:
	scripts/cross-deps.sh $(DEB_ARCH) xnnpack
endif

bench-insn:
ifeq ($(CROSS),)
	@echo "bench-insn counts ARM instructions under qemu-user: make CROSS=aarch64-linux-gnu- bench-insn" \
	  "(or CROSS=arm-linux-gnueabihf-)" >&2; exit 1
else
	@test -f $(QEMU_INSN_SRC)/insn.c || \
	  { echo "bench-insn: $(QEMU_INSN_SRC)/insn.c not found (the shared tools; set SHARED=DIR)" >&2; exit 1; }
	@scripts/deps.sh $(CROSS_PACKAGES) libglib2.0-dev
	@$(MAKE) --no-print-directory $(INSN_PLUGIN) $(XNN_COMPARE) weights
	bench/insn-count.sh --qemu $(QEMU) --sysroot /usr/$(TRIPLET) \
	  --libs $(abspath $(DEPS))/usr/lib/$(TRIPLET):$(abspath $(DEPS))/lib/$(TRIPLET) --plugin $(INSN_PLUGIN) \
	  --cpus "$(INSN_CPUS)" --per-layer "$(INSN_PER_LAYER)" --out $(BENCH_DIR) -- $(XNN_COMPARE) $(BLOB)
endif

clean:
	rm -rf build build-asan build-tsan build-fuzz

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
    CC := clang --target=$(TRIPLET)
  endif
  ifeq ($(DEB_ARCH),armhf)
    TARGET_FLAGS := -march=armv7-a -mfloat-abi=hard -mfpu=vfpv3-d16
  endif
  AR       := $(CROSS)ar
  BUILD    := build-$(DEB_ARCH)
  DEPS     := build/deps-$(DEB_ARCH)
  CFLAGS   += $(TARGET_FLAGS) -I$(DEPS)/usr/include -I$(DEPS)/usr/include/$(TRIPLET)
  LDFLAGS  += $(TARGET_FLAGS) -L$(DEPS)/usr/lib/$(TRIPLET) -Wl,-rpath-link,$(abspath $(DEPS))/usr/lib/$(TRIPLET)
  # qemu-user with the cross libc and the unpacked target libraries
  RUNNER   := $(QEMU) -L /usr/$(TRIPLET) -E LD_LIBRARY_PATH=$(abspath $(DEPS))/usr/lib/$(TRIPLET)
  export Q8RT_RUNNER := $(RUNNER)
endif
OPT      ?= -O2
WARN     := -Wall -Wextra -Werror
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L
CFLAGS   ?=
ALL_CFLAGS = $(CSTD) $(OPT) -g $(WARN) -fPIC -Iinclude -Isrc -I$(BUILD)/gen $(CFLAGS) $(SAN_FLAGS)
LDLIBS_RT := $(shell pkg-config --libs libcpuinfo 2>/dev/null || echo -lcpuinfo) -lpthreadpool -lz -lm -lpthread
LDLIBS_CLI := -lprotobuf-c -ljpeg $(LDLIBS_RT)

ifeq ($(SANITIZE),1)
  BUILD := build-asan
  SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
endif

ARCH := $(shell $(CC) -dumpmachine | cut -d- -f1)

# ---- sources -------------------------------------------------------------------------------------
KERNEL_SRCS := $(wildcard kernels/*/*-scalar.c kernels/*/scalar.c)
ifneq ($(filter x86_64 i686 i386,$(ARCH)),)
  KERNEL_SSE41_SRCS := $(wildcard kernels/*/*-sse41.c kernels/*/sse41.c)
endif
RT_SRCS  := $(wildcard src/common/*.c src/quant/*.c src/runtime/*.c src/ops/*.c) src/blob/blob_read.c
CONV_SRCS := $(wildcard src/convert/*.c src/pack/*.c) src/blob/blob_write.c $(BUILD)/gen/caffe2.pb-c.c
CLI_SRCS := $(wildcard src/cli/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(patsubst $(BUILD)/%,%,$(1)))
RT_OBJS   := $(call obj,$(RT_SRCS) $(KERNEL_SRCS)) $(call obj,$(KERNEL_SSE41_SRCS))
CONV_OBJS := $(call obj,$(CONV_SRCS))
CLI_OBJS  := $(call obj,$(CLI_SRCS))

LIB_A   := $(BUILD)/lib/libq8rt.a
LIB_SO  := $(BUILD)/lib/libq8rt.so
CONV_A  := $(BUILD)/lib/libq8rt_convert.a
CLI     := $(BUILD)/bin/q8rt

TEST_SRCS := $(wildcard test/*/test_*.c)
TEST_BINS := $(patsubst test/%.c,$(BUILD)/test/%,$(TEST_SRCS))
TEST_COMMON := $(wildcard test/common/*.c)

.PHONY: all lib cli tests deps demo check check-unit check-e2e check-asan weights clean
all: lib cli tests

lib: $(LIB_A) $(LIB_SO)
cli: $(CLI)
tests: $(TEST_BINS)

# ---- rules ---------------------------------------------------------------------------------------
$(BUILD)/gen/caffe2.pb-c.c $(BUILD)/gen/caffe2.pb-c.h: src/convert/caffe2.proto
	@mkdir -p $(BUILD)/gen
	protoc-c --proto_path=src/convert --c_out=$(BUILD)/gen src/convert/caffe2.proto

$(BUILD)/obj/gen/caffe2.pb-c.o: $(BUILD)/gen/caffe2.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-error -MMD -MP -c $< -o $@

$(CONV_OBJS) $(CLI_OBJS): $(BUILD)/gen/caffe2.pb-c.h

$(BUILD)/obj/kernels/%-sse41.o: ALL_CFLAGS += -msse4.1
$(BUILD)/obj/kernels/%/sse41.o: ALL_CFLAGS += -msse4.1

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB_A): $(RT_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(LIB_SO): $(RT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LDLIBS_RT)

$(CONV_A): $(CONV_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(CLI): $(CLI_OBJS) $(CONV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(CONV_A) $(LIB_A) $(LDLIBS_CLI)

$(BUILD)/test/%: test/%.c $(TEST_COMMON) $(CONV_A) $(LIB_A) $(filter-out $(BUILD)/obj/src/cli/main.o,$(CLI_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itest/common -o $@ $< $(TEST_COMMON) $(filter-out $(BUILD)/obj/src/cli/main.o,$(CLI_OBJS)) $(CONV_A) $(LIB_A) $(LDFLAGS) $(LDLIBS_CLI)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- set-up, data, checks -------------------------------------------------------------------------
SHARED     ?= ../shared
IMAGES_DIR ?= $(or $(Q8RT_IMAGES_DIR),$(SHARED)/data/imagenet-val-1300)
SYNSET     ?= $(or $(Q8RT_LABELS),$(SHARED)/data/imagenet-labels/synset_words.txt)
BLOB       := weights/mobilenet_v2_quant.q8rt
DEMO_IMAGES ?= $(addprefix $(IMAGES_DIR)/images/,ILSVRC2012_val_00000347.JPEG ILSVRC2012_val_00000355.JPEG \
                 ILSVRC2012_val_00000361.JPEG ILSVRC2012_val_00000363.JPEG)
export Q8RT_BLOB := $(abspath $(BLOB))
export Q8RT_IMAGES_DIR := $(abspath $(IMAGES_DIR))
export Q8RT_LABELS := $(abspath $(SYNSET))

CROSS_PACKAGES = $(if $(CROSS),qemu-user gcc-$(TRIPLET) libc6-dev-$(DEB_ARCH)-cross $(if $(findstring clang,$(CC)),clang lld))
deps:
	@scripts/deps.sh $(CROSS_PACKAGES)
	@$(if $(CROSS),scripts/cross-deps.sh $(DEB_ARCH) >/dev/null)

# The blob is rebuilt when the CLI changes; the Caffe2 files are found (and checksummed) by find-model.sh.
weights: $(BLOB)
$(BLOB): $(CLI) scripts/find-model.sh
	@mkdir -p weights
	dir=$$(scripts/find-model.sh) && $(RUNNER) $(CLI) convert "$$dir/init_net.pb" "$$dir/predict_net.pb" -o $@

demo: deps
	@$(MAKE) --no-print-directory all weights
	$(RUNNER) $(CLI) classify $(BLOB) $(DEMO_IMAGES) --top 5 --labels $(SYNSET)

# Unit tests (kernels, packing, converter, loader, operators), then end-to-end tests on real images,
# then the unit tests again under ASan + UBSan.
check: deps
	@$(MAKE) --no-print-directory all weights
	@scripts/run-tests.sh $(BUILD) $(TEST_BINS) -- test/e2e/test_cli.sh
	@$(MAKE) --no-print-directory check-asan

check-asan:
	@$(MAKE) --no-print-directory SANITIZE=1 tests cli
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  scripts/run-tests.sh build-asan $(patsubst $(BUILD)/%,build-asan/%,$(TEST_BINS))

clean:
	rm -rf build build-asan

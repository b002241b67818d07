/*
 * q8rt: int8 quantized neural-network inference runtime (QNNPACK-style micro-kernels).
 *
 * A model is a q8rt blob (made by `q8rt convert` from a Caffe2 quantized NetDef or a TFLite uint8 model). A
 * session holds the planned memory (activation arena, indirection buffers) and thread pool needed to run it.
 *
 * Arithmetic: each op of the blob records the rule it follows (docs/arithmetic.md).
 * Caffe2 models, bit-exact with Caffe2's QNNPACK-backed Int8 operators:
 *   - Int8Conv / Int8ConvRelu / Int8FC: int32 accumulation of (x - x_zero_point) * (w - w_zero_point)
 *     + bias, QNNPACK Q31 requantization with scale = (x_scale * w_scale) / y_scale.
 *   - Int8Sum / Int8SumRelu: QNNPACK q8vadd fixed point. Int8AveragePool: QNNPACK avgpool fixed point.
 *   - Int8Softmax: QNNPACK softargmax lookup table (output scale 1/256, zero point 0).
 *   - Input quantization (Int8Quantize): q = clamp(zero_point + nearbyint(x / scale), 0, 255).
 *   - Int8Dequantize: (q - zero_point) * scale.
 * TFLite models, bit-exact with TensorFlow Lite's reference integer kernels (tensorflow/lite/kernels/internal/
 * reference/, common.h): CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with QuantizeMultiplier and
 * MultiplyByQuantizedMultiplier (two roundings, or one with `q8rt convert --rounding tflite-single`), ADD with
 * its left-shift-20 scheme, AVERAGE_POOL_2D as (sum + n / 2) / n over the valid pixels, SOFTMAX with its
 * fixed-point exp; fused RELU / RELU6 / RELU_N1_TO_1 as output clamps.
 * Results do not depend on the thread count or on the instruction set chosen.
 *
 * Errors: every function that can fail returns a q8rt_status. A human-readable message for the most
 * recent failure on the calling thread is returned by q8rt_last_error() (thread-local). The library
 * never prints and never aborts. On failure every pointer out-parameter that is not itself NULL is set to
 * NULL (*model, *session, *logits), a struct out-parameter is zeroed (q8rt_model_info, q8rt_op_info: its
 * pointers NULL) and scalar outputs are set to 0; arrays the caller passes in (logits, probabilities, op
 * times) are left untouched. NULL or invalid arguments give Q8RT_ERROR_INVALID_ARGUMENT, never a crash.
 *
 * Thread safety: a q8rt_model is immutable after loading (apart from its internally synchronized cache of
 * packed weights) and may be shared by any number of sessions on any threads; sessions may be created
 * concurrently. A q8rt_session must be used by one thread at a time.
 *
 * Weights: the blob (format version 3, docs/blob-format.md) holds raw uint8 weights and int32 biases; the
 * weights are packed for the kernels a session picks the first time a session needs them, once per model and
 * kernel configuration, and shared read-only by every later session of the model (docs/design.md).
 */
#ifndef Q8RT_H
#define Q8RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libq8rt.so exports exactly the q8rt_* functions declared in this header: the library is compiled with
 * -fvisibility=hidden and this pragma marks the declarations below as exported. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* The library version (the Makefile reads it from here: shared library file name, SONAME libq8rt.so.MAJOR,
 * q8rt.pc). */
#define Q8RT_VERSION_MAJOR 0
#define Q8RT_VERSION_MINOR 3
#define Q8RT_VERSION_PATCH 0

/* Version of the library actually linked, "MAJOR.MINOR.PATCH" (e.g. "0.2.0"); compare with the
 * Q8RT_VERSION_* macros of the header compiled against. Static string, never NULL. */
const char* q8rt_version(void);

typedef enum q8rt_status {
  Q8RT_OK = 0,
  Q8RT_ERROR_INVALID_ARGUMENT = 1, /* NULL pointer, wrong size or format passed by the caller */
  Q8RT_ERROR_IO = 2,               /* a file could not be opened, read or written */
  Q8RT_ERROR_INVALID_MODEL = 3,    /* bad magic, checksum, offset, size, count, index or enum in a blob */
  Q8RT_ERROR_UNSUPPORTED = 4,      /* well-formed, but a version, op or parameter q8rt cannot run */
  Q8RT_ERROR_OUT_OF_MEMORY = 5,    /* an allocation failed */
  Q8RT_ERROR_LIMIT = 6,            /* the model exceeds a documented cap (Q8RT_MAX_*) */
} q8rt_status;

/* Caps enforced when loading (Q8RT_ERROR_LIMIT past them). */
#define Q8RT_MAX_MODEL_BYTES (UINT64_C(1) << 31)  /* blob file size */
#define Q8RT_MAX_ARENA_BYTES (UINT64_C(1) << 30)  /* activations + indirection buffers of a session */
#define Q8RT_MAX_THREADS 1024u                    /* q8rt_session_options.num_threads (INVALID_ARGUMENT past it) */

/* Short fixed name of a status ("ok", "invalid argument", ...). Never NULL. */
const char* q8rt_status_string(q8rt_status status);

/* Message describing the last failure on this thread (names the file, op or tensor involved),
 * or "" if none. Valid until the next q8rt call on this thread. */
const char* q8rt_last_error(void);

/* ---------------------------------------------------------------------------------------------- */
/* Models                                                                                          */

typedef struct q8rt_model q8rt_model;

/* Loads a blob from a file. Every offset, size, count, index and enum is validated, and the CRC-32
 * checksum checked, before use. The file is mapped read-only (not copied): the raw weights' pages are dropped
 * from memory once validated and once packed, and read from the file again if a later session needs them, so
 * the file must not be truncated or rewritten in place while the model is loaded (`q8rt convert` replaces
 * files atomically, which is safe). Errors: INVALID_ARGUMENT, IO, INVALID_MODEL, UNSUPPORTED (among others a
 * version 1 blob: re-convert it), OUT_OF_MEMORY, LIMIT. On failure *model is set to NULL. */
q8rt_status q8rt_model_load_file(const char* path, q8rt_model** model);

/* As q8rt_model_load_file, from `size` bytes at `data` (copied; the caller keeps ownership). */
q8rt_status q8rt_model_load_from_memory(const void* data, size_t size, q8rt_model** model);

/* Frees a model and its packed weights. All sessions of the model must have been freed. NULL is allowed. */
void q8rt_model_free(q8rt_model* model);

typedef enum q8rt_channel_order { Q8RT_RGB = 0, Q8RT_BGR = 1 } q8rt_channel_order;

/* How an image is brought to the input size (docs/preprocessing.md). */
typedef enum q8rt_resize_kind {
  /* Resize so the shorter side is resize_shorter pixels (Pillow's antialiased BILINEAR), then centre-crop to
   * height x width: the Caffe2 model card's evaluation. */
  Q8RT_RESIZE_SHORTER_CROP = 0,
  /* Central crop of central_fraction of each side (tf.image.central_crop), then TF1 resize_bilinear (no
   * antialiasing, align_corners false, no half-pixel centres) to height x width, rounded to uint8:
   * TensorFlow's slim evaluation, the convention of TFLite's ImageNet models. */
  Q8RT_CENTRAL_CROP_TF = 1,
} q8rt_resize_kind;

/* Image preprocessing the model expects, stored in the blob by the converter. The image is brought to
 * height x width as `kind` says; a float input value is then (pixel - mean[c]) / std[c], pixel in 0..255,
 * channels in channel_order. */
struct q8rt_preprocess {
  uint32_t resize_shorter;           /* Q8RT_RESIZE_SHORTER_CROP; 0 otherwise */
  uint32_t height, width;
  q8rt_channel_order channel_order;
  float mean[3];
  float std[3];
  q8rt_resize_kind kind;
  float central_fraction;            /* Q8RT_CENTRAL_CROP_TF: in (0, 1]; 0 otherwise */
};

struct q8rt_model_info {
  uint32_t input_height, input_width, input_channels; /* input tensor [1, H, W, C] (NHWC) */
  float input_scale;                                  /* quantized input: scale and zero point */
  uint8_t input_zero_point;
  uint32_t num_classes;                               /* size of the logits and of the probabilities */
  uint32_t op_count, tensor_count;
  uint64_t macs;                                      /* multiply-accumulates per inference */
  uint64_t weight_bytes;                              /* raw uint8 weights + int32 biases in the blob, bytes */
  struct q8rt_preprocess preprocess;
  /* Leading outputs that are not dataset classes: output i is dataset class i - class_offset (TFLite ImageNet
   * models have 1001 outputs, output 0 "background": class_offset 1). */
  uint32_t class_offset;
};

/* Fills *info. Errors: INVALID_ARGUMENT (then *info, if info is not NULL, is zeroed). */
q8rt_status q8rt_model_get_info(const q8rt_model* model, struct q8rt_model_info* info);

/* The name of output class `index` (0 <= index < num_classes), a NUL-terminated UTF-8 string owned by the model
 * (valid until q8rt_model_free), as stored by `q8rt convert --labels FILE`. Returns NULL when the blob holds no
 * class names, when index >= num_classes or when model is NULL (no error is recorded). Thread safety: any
 * number of threads may call it on one model. */
const char* q8rt_model_class_name(const q8rt_model* model, uint32_t index);

struct q8rt_op_info {
  const char* type;        /* "conv", "dwconv", "fc", "add", "avgpool", "softmax", "dequantize" */
  const char* output_name; /* name of the output tensor (the Caffe2 blob / TFLite tensor name), NOT NUL-terminated */
  uint32_t output_name_size; /* bytes of output_name */
  uint32_t source_op;      /* index of the Caffe2 operator in predict_net / of the TFLite operator */
  uint32_t input_dims[4];  /* first input, NHWC (unused dims 1) */
  uint32_t output_dims[4]; /* NHWC (unused dims 1) */
  uint32_t kernel_h, kernel_w, stride_h, stride_w, groups;
  uint64_t macs;
  uint64_t weight_bytes;
};

/* Fills *info for op `index` (0 <= index < op_count), in execution order. Errors: INVALID_ARGUMENT (then
 * *info, if info is not NULL, is zeroed: type and output_name NULL). */
q8rt_status q8rt_model_get_op_info(const q8rt_model* model, uint32_t index, struct q8rt_op_info* info);

/* ---------------------------------------------------------------------------------------------- */
/* Sessions                                                                                        */

typedef struct q8rt_session q8rt_session;

typedef enum q8rt_isa {
  Q8RT_ISA_AUTO = 0,   /* best available per cpuinfo; the environment variable
                          Q8RT_ISA=scalar|sse41|avx2|avx512|avx512vnni|neon|neondot|neoni8mm overrides it */
  Q8RT_ISA_SCALAR = 1, /* portable C reference micro-kernels */
  Q8RT_ISA_SSE41 = 2,  /* x86 SSE4.1 micro-kernels (Q8RT_ERROR_UNSUPPORTED if the CPU lacks SSE4.1) */
  Q8RT_ISA_AVX2 = 3,   /* x86 AVX2 + FMA: AVX2 int8 kernels (average pooling SSE4.1) and AVX2/FMA fp32 kernels */
  Q8RT_ISA_AVX512 = 4, /* x86 AVX-512F (+ AVX2, FMA): fp32 GEMM/conv/depthwise use AVX-512F, the rest as AVX2 */
  Q8RT_ISA_NEON = 5,   /* ARM NEON int8 and fp32 micro-kernels (aarch64; armv7 when cpuinfo reports NEON) */
  Q8RT_ISA_AVX512VNNI = 6, /* x86 AVX-512 F/BW/VL/VNNI/VBMI (Ice Lake, Sapphire Rapids, AMD Zen 4 and newer): int8
                              uses vpdpbusd kernels on their own weight layout (packed once per model), add as AVX2; fp32 as
                              Q8RT_ISA_AVX512 */
  Q8RT_ISA_NEONDOT = 7, /* aarch64 with the ARMv8.2 dot product extension (cpuinfo_has_arm_neon_dot: Cortex-A55, A76
                           and newer): int8 GEMMs and convolutions use udot kernels on their own weight layout (packed
                           once per model); everything else as Q8RT_ISA_NEON. Auto prefers it over Q8RT_ISA_NEON */
  Q8RT_ISA_NEONI8MM = 8, /* aarch64 with the ARMv8.6 int8 matrix multiply (i8mm: HWCAP2_I8MM from the kernel) and the
                            dot product (Cortex-A510/A710, Neoverse N2/V1 and newer): int8 GEMMs and convolutions use
                            ummla kernels on their own weight layout (packed once per model); everything else as
                            Q8RT_ISA_NEONDOT. Auto prefers it over Q8RT_ISA_NEONDOT */
} q8rt_isa;

typedef enum q8rt_precision {
  Q8RT_PRECISION_INT8 = 0, /* the quantized graph, bit-exact with Caffe2 (default) */
  Q8RT_PRECISION_FP32 = 1, /* the float network the int8 model stands for (docs/arithmetic.md, "fp32") */
} q8rt_precision;

struct q8rt_session_options {
  uint32_t num_threads; /* 0 or 1: run on the calling thread; N > 1: a private pthreadpool of
                           min(N, online CPUs) threads (sysconf(_SC_NPROCESSORS_ONLN)): more threads than
                           CPUs only contend. N > Q8RT_MAX_THREADS: INVALID_ARGUMENT */
  q8rt_isa isa;
  q8rt_precision precision;
  int profile;          /* Q8RT_PROFILE_*: 0 off; 1 (or any value but 2) each op's wall time; 2 cache-resident */
};

/* options.profile. Q8RT_PROFILE_OPS records each op's wall time during q8rt_session_run (two clock reads per op).
 * Q8RT_PROFILE_OPS_HOT runs every op twice back to back and records the second run: the op's time with its
 * input, weights and output already in cache as far as they fit, i.e. what keeping activations in cache between
 * layers (e.g. by fusing them) could save at most, compared with Q8RT_PROFILE_OPS. Results are unchanged (no op
 * reads the buffer it writes); a run takes about twice as long. */
#define Q8RT_PROFILE_OFF 0
#define Q8RT_PROFILE_OPS 1
#define Q8RT_PROFILE_OPS_HOT 2

/* Default options: 1 thread, Q8RT_ISA_AUTO, Q8RT_PRECISION_INT8, no profiling. */
void q8rt_session_options_init(struct q8rt_session_options* options);

/* Picks the kernels (options->isa), gets the model's weights packed for them (packing them on first use for
 * this model and kernel configuration; later sessions share them, so a further session costs only its arena
 * and indirection buffers), plans memory (one arena for all activations, from tensor lifetimes; indirection
 * buffers) and creates the thread pool. options may be NULL (defaults). Thread-safe for one model (packing is
 * serialized per model). Errors: INVALID_ARGUMENT, UNSUPPORTED, OUT_OF_MEMORY, LIMIT. On failure *session is
 * set to NULL. */
q8rt_status q8rt_session_create(const q8rt_model* model, const struct q8rt_session_options* options,
                                q8rt_session** session);

/* Frees a session. NULL is allowed. */
void q8rt_session_free(q8rt_session* session);

/* The instruction set actually used ("scalar", "sse41", "avx2", "avx512", "avx512vnni", "neon"); "none" for
 * a NULL session. */
const char* q8rt_session_isa_name(const q8rt_session* session);

/* Bytes planned for activations and indirection buffers (0 for a NULL session). */
size_t q8rt_session_arena_bytes(const q8rt_session* session);

/* After a successful run of a session created with options.profile: copies the wall time of each op of the
 * last run, in milliseconds, in execution order (op_count values, see q8rt_model_get_op_info).
 * Errors: INVALID_ARGUMENT (no profiled run yet, or count != op_count). */
q8rt_status q8rt_session_get_op_times(const q8rt_session* session, double* ms, size_t count);

typedef enum q8rt_input_format {
  Q8RT_INPUT_U8_NHWC = 0,  /* uint8 [1, H, W, C], already quantized with the model's input scale/zp */
  Q8RT_INPUT_F32_NCHW = 1, /* float32 [1, C, H, W], preprocessed; quantized like Caffe2 Int8Quantize */
  Q8RT_INPUT_F32_NHWC = 2, /* float32 [1, H, W, C] */
} q8rt_input_format;

/* Runs one inference. input_bytes must be H*W*C (u8) or 4*H*W*C (f32). Errors: INVALID_ARGUMENT.
 * After a failed run the outputs of any earlier run are gone: q8rt_session_get_logits, _get_logits_f32,
 * _get_probabilities and _get_op_times return INVALID_ARGUMENT until the next successful run. */
q8rt_status q8rt_session_run(q8rt_session* session, q8rt_input_format format, const void* input,
                             size_t input_bytes);

/* After a successful run: the raw uint8 logits (the final Int8FC output, input of the softmax),
 * num_classes bytes, valid until the next run or q8rt_session_free. Scale and zero point are optional
 * outputs (NULL to skip). Errors: INVALID_ARGUMENT (no successful last run; also for FP32 sessions, which
 * have float logits only: use q8rt_session_get_logits_f32); then *logits is NULL, *scale and *zero_point 0. */
q8rt_status q8rt_session_get_logits(const q8rt_session* session, const uint8_t** logits, float* scale,
                                    uint8_t* zero_point);

/* After a successful run: copies the num_classes logits as floats into logits. INT8 sessions: the uint8
 * logits dequantized ((q - zero_point) * scale, same order and ties as the uint8 values); FP32 sessions: the
 * float logits. Errors: INVALID_ARGUMENT (no successful last run, or count != num_classes). */
q8rt_status q8rt_session_get_logits_f32(const q8rt_session* session, float* logits, size_t count);

/* After a successful run: copies the num_classes float probabilities (the model's output) into probs. INT8
 * sessions: Int8Softmax dequantized, so multiples of 1/256; FP32 sessions: the float softmax.
 * Errors: INVALID_ARGUMENT (no successful last run, or count != num_classes). */
q8rt_status q8rt_session_get_probabilities(const q8rt_session* session, float* probs, size_t count);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* Q8RT_H */

/* Operators: each has a setup (at session creation: indirection and zero buffers, and the packed weights of its
 * kernel configuration from the model's weight cache) and a run. The operators know the kernel configurations
 * (config.h) and the kernels, never the runtime (src/runtime includes this header, not the reverse) and never an
 * instruction set. */
#pragma once

#include <pthreadpool.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../kernels/f32gemm/f32params.h"
#include "config.h"
#include "op.h"
#include "weight_cache.h"

/* Readable bytes every activation, zero buffer and indirection target has after its end. */
#define Q8RT_ARENA_SLACK 64

/* What the operators of one session share: the kernels, the thread pool, the model's packed-weight cache and
 * the session's buffer accounting. */
struct q8rt_op_ctx {
  const struct q8rt_kernels* kernels;
  pthreadpool_t pool;                /* NULL: one thread */
  struct q8rt_weight_cache* weights; /* the model's (shared by every session of the model) */
  size_t aux_bytes;                  /* indirection and zero buffers owned by the session */
  size_t packed_bytes;               /* packed weights the session reads (shared, owned by the model) */
};

/* Per-op state planned at session creation: one plan struct per operator kind (as XNNPACK has one operator
 * struct per kind), each beginning with this common header as its first member `base`. The session allocates
 * every op's plan with the size and alignment its q8rt_op_impl gives, zero-filled, sets the header (op at
 * creation; x, x2, y once the arena exists) and hands the ops the header; an op gets its own kind back with
 * that kind's q8rt_*_plan_of / q8rt_*_plan_of_const. x, x2, y point into the session's arena (at floats in fp32
 * sessions). Ops without per-session state (int8 add, softmax, dequantize; fp32 softmax, dequantize) use the
 * bare header. */
struct q8rt_op_plan {
  const struct q8rt_model_op* op;
  const uint8_t* x;
  const uint8_t* x2;
  void* y;
};

/* int8 convolution and fully connected. */
struct q8rt_conv_plan {
  struct q8rt_op_plan base;
  const void* packed_w;                /* shared: the model's weight cache */
  const struct q8rt_gemm_config* gemm; /* the configuration the op runs */
  const uint8_t** indirection;         /* indirect convolution: owned by the session */
  uint8_t* zero;                       /* padding (input zero point): owned by the session */
  bool direct_gemm;                    /* 1x1, stride 1, no padding (and fc): A is the input itself */
  struct q8rt_conv_params params;      /* the op's, with the configuration's prepare_params applied */
};

/* int8 depthwise convolution. */
struct q8rt_dwconv_plan {
  struct q8rt_op_plan base;
  const void* packed_w;        /* shared: the model's weight cache */
  const uint8_t** indirection; /* owned by the session */
  uint8_t* zero;               /* owned by the session */
  struct q8rt_conv_params params; /* the op's, with the configuration's prepare_params applied */
};

/* int8 average pooling. */
struct q8rt_avgpool_plan {
  struct q8rt_op_plan base;
  const uint8_t** indirection; /* owned by the session */
  uint8_t* zero;               /* owned by the session */
  uint32_t* valid;             /* TFLite rule: taps that are not padding, per output pixel (session); else NULL */
};

/* fp32 convolution and fully connected. */
struct q8rt_f32_conv_plan {
  struct q8rt_op_plan base;
  const void* packed_w;                   /* shared: the model's weight cache */
  const float** indirection;              /* indirect convolution: owned by the session */
  float* zero;                            /* padding (0.0f): owned by the session */
  bool direct_gemm;                       /* 1x1, stride 1, no padding (and fc) */
  struct q8rt_f32_minmax_params minmax;   /* output clamp: ReLU or none */
};

/* fp32 depthwise convolution. */
struct q8rt_f32_dwconv_plan {
  struct q8rt_op_plan base;
  const void* packed_w;                 /* shared: the model's weight cache */
  const float** indirection;            /* owned by the session */
  float* zero;                          /* owned by the session */
  struct q8rt_f32_minmax_params minmax; /* output clamp */
};

/* fp32 average pooling. */
struct q8rt_f32_avgpool_plan {
  struct q8rt_op_plan base;
  const float** indirection;            /* owned by the session */
  float* zero;                          /* owned by the session */
  struct q8rt_f32_minmax_params minmax; /* output clamp */
};

/* fp32 elementwise add. */
struct q8rt_f32_add_plan {
  struct q8rt_op_plan base;
  struct q8rt_f32_minmax_params minmax; /* output clamp */
};

/* The plan of a kind from its common header (container_of): valid only on the header of a plan of that kind,
 * i.e. in the operators of that kind (the session allocated the plan with the kind's q8rt_op_impl). */
static inline struct q8rt_conv_plan* q8rt_conv_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_conv_plan*) (void*) ((char*) base - offsetof(struct q8rt_conv_plan, base));
}
static inline const struct q8rt_conv_plan* q8rt_conv_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_conv_plan*) (const void*) ((const char*) base - offsetof(struct q8rt_conv_plan, base));
}
static inline struct q8rt_dwconv_plan* q8rt_dwconv_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_dwconv_plan*) (void*) ((char*) base - offsetof(struct q8rt_dwconv_plan, base));
}
static inline const struct q8rt_dwconv_plan* q8rt_dwconv_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_dwconv_plan*) (const void*) ((const char*) base - offsetof(struct q8rt_dwconv_plan, base));
}
static inline struct q8rt_avgpool_plan* q8rt_avgpool_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_avgpool_plan*) (void*) ((char*) base - offsetof(struct q8rt_avgpool_plan, base));
}
static inline const struct q8rt_avgpool_plan* q8rt_avgpool_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_avgpool_plan*) (const void*) ((const char*) base -
                                                          offsetof(struct q8rt_avgpool_plan, base));
}
static inline struct q8rt_f32_conv_plan* q8rt_f32_conv_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_f32_conv_plan*) (void*) ((char*) base - offsetof(struct q8rt_f32_conv_plan, base));
}
static inline const struct q8rt_f32_conv_plan* q8rt_f32_conv_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_f32_conv_plan*) (const void*) ((const char*) base -
                                                           offsetof(struct q8rt_f32_conv_plan, base));
}
static inline struct q8rt_f32_dwconv_plan* q8rt_f32_dwconv_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_f32_dwconv_plan*) (void*) ((char*) base - offsetof(struct q8rt_f32_dwconv_plan, base));
}
static inline const struct q8rt_f32_dwconv_plan* q8rt_f32_dwconv_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_f32_dwconv_plan*) (const void*) ((const char*) base -
                                                             offsetof(struct q8rt_f32_dwconv_plan, base));
}
static inline struct q8rt_f32_avgpool_plan* q8rt_f32_avgpool_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_f32_avgpool_plan*) (void*) ((char*) base - offsetof(struct q8rt_f32_avgpool_plan, base));
}
static inline const struct q8rt_f32_avgpool_plan* q8rt_f32_avgpool_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_f32_avgpool_plan*) (const void*) ((const char*) base -
                                                              offsetof(struct q8rt_f32_avgpool_plan, base));
}
static inline struct q8rt_f32_add_plan* q8rt_f32_add_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_f32_add_plan*) (void*) ((char*) base - offsetof(struct q8rt_f32_add_plan, base));
}
static inline const struct q8rt_f32_add_plan* q8rt_f32_add_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_f32_add_plan*) (const void*) ((const char*) base -
                                                          offsetof(struct q8rt_f32_add_plan, base));
}

/* setup may allocate the plan's indirection / zero buffers (freed by release) and add their bytes to
 * ctx->aux_bytes. Errors: OUT_OF_MEMORY, LIMIT. */
typedef q8rt_status (*q8rt_op_setup_fn)(struct q8rt_op_ctx* ctx, struct q8rt_op_plan* plan);
typedef void (*q8rt_op_run_fn)(struct q8rt_op_ctx* ctx, const struct q8rt_op_plan* plan);
typedef void (*q8rt_op_release_fn)(struct q8rt_op_plan* plan);

struct q8rt_op_impl {
  size_t plan_size;  /* sizeof the kind's plan struct (its header first) */
  size_t plan_align; /* _Alignof the kind's plan struct (<= _Alignof(max_align_t)) */
  /* NULL: no weights. Picks the op's kernel configuration and sets the plan's packed weights; called for every op
   * before the session's arena exists (x, x2, y are not set yet), so that the raw weights can be released before
   * the arena is touched. */
  q8rt_op_setup_fn pack;
  q8rt_op_setup_fn setup;     /* NULL: nothing to plan; runs after pack, with the arena pointers set */
  q8rt_op_run_fn run;
  q8rt_op_release_fn release; /* NULL: nothing owned; else frees what setup allocated (also after a failed setup) */
};

/* The implementation of a blob op type (validated by the loader, so never NULL for a loaded model). */
const struct q8rt_op_impl* q8rt_op_impl_for(uint32_t type);

/* The raw weights of a conv / dwconv / fc op, for a packer. */
void q8rt_op_pack_src(const struct q8rt_model_op* op, struct q8rt_pack_src* src);
/* *packed_w: op's weights packed by (pack, packed_size), from the model's cache (packed on first use).
 * Errors: OUT_OF_MEMORY, LIMIT. */
q8rt_status q8rt_op_packed_weights(struct q8rt_op_ctx* ctx, const struct q8rt_model_op* op, q8rt_pack_fn pack,
                                   q8rt_packed_size_fn packed_size, const void** packed_w);

/* Shared helpers: a zero buffer of channels (+ slack) bytes of op's input zero point in *zero; count indirection
 * pointers in *indirection. Owned by the plan (freed by its impl's release). */
q8rt_status q8rt_zero_buffer(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, size_t channels, uint8_t** zero);
q8rt_status q8rt_indirection_alloc(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, size_t count,
                                   const uint8_t*** indirection);

/* The int8 configuration a conv (kc input channels, ks taps) or fc (ks = 1) runs. */
const struct q8rt_gemm_config* q8rt_gemm_config_for(const struct q8rt_op_ctx* s, size_t kc, size_t ks, bool indirect);

/* int8 GEMM of M rows (A rows a_stride apart, K = k) by plan->packed_w (configuration plan->gemm), into y rows of
 * N bytes; tasks on the context's thread pool. */
/* A plan's copy of the op's requantization parameters, with its configuration's prepare_params (may be NULL)
 * applied: conv / fc (q8rt_gemm_config) and depthwise (q8rt_dwconv_config) plans. */
static inline void q8rt_plan_conv_params(struct q8rt_conv_params* params, const struct q8rt_model_op* op,
                                         void (*prepare_params)(struct q8rt_conv_params*)) {
  *params = op->params.conv;
  if (prepare_params != NULL) prepare_params(params);
}

void q8rt_run_gemm(struct q8rt_op_ctx* s, const struct q8rt_conv_plan* plan, size_t m, size_t n, size_t k,
                   const uint8_t* a, size_t a_stride, uint8_t* y);
/* int8 indirect convolution over plan->indirection (plan->gemm->mr pointers per tap and tile) into plan->y. */
void q8rt_run_igemm(struct q8rt_op_ctx* s, const struct q8rt_conv_plan* plan, size_t m, size_t n, size_t kc, size_t ks);

/* Input quantization (Caffe2 Int8Quantize) and output dequantization. */
void q8rt_quantize_f32(const float* x, size_t count, size_t channels, size_t pixels, int nchw, float scale,
                       uint8_t zero_point, uint8_t* y);

/* FP32 sessions: the float network the int8 model stands for. Weights are packed for the f32 kernels from the
 * blob's raw tensors (once per model, the weight cache); activations are floats. */
const struct q8rt_op_impl* q8rt_op_impl_f32_for(uint32_t type);
/* Output clamp of an op in the float network: ReLU (min 0) where the int8 op clamps at its output zero point
 * (output_min == output zero point), otherwise none. */
struct q8rt_f32_minmax_params q8rt_f32_clamp_for(const struct q8rt_model_op* op);
/* Float zero buffer of channels (+ slack) floats (0.0f) in *zero; count float indirection pointers in
 * *indirection. Owned by the plan (freed by its impl's release). */
q8rt_status q8rt_f32_zero_buffer(struct q8rt_op_ctx* s, size_t channels, float** zero);
q8rt_status q8rt_f32_indirection_alloc(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, size_t count,
                                       const float*** indirection);
/* GEMM of M rows (A rows a_stride floats apart) by plan->packed_w, into y rows of N floats, clamped to
 * plan->minmax. */
void q8rt_f32_run_gemm(struct q8rt_op_ctx* s, const struct q8rt_f32_conv_plan* plan, size_t m, size_t n, size_t k,
                       const float* a, size_t a_stride, float* y);
/* Input for FP32 sessions: float NCHW / NHWC to NHWC, or uint8 NHWC dequantized. */
void q8rt_f32_input(const void* input, int format, size_t channels, size_t pixels, float scale, uint8_t zero_point,
                    float* y);

extern const struct q8rt_op_impl q8rt_f32_conv_impl, q8rt_f32_dwconv_impl, q8rt_f32_fc_impl, q8rt_f32_add_impl,
    q8rt_f32_avgpool_impl, q8rt_f32_softmax_impl, q8rt_f32_dequantize_impl;

extern const struct q8rt_op_impl q8rt_conv_impl, q8rt_dwconv_impl, q8rt_fc_impl, q8rt_add_impl,
    q8rt_avgpool_impl, q8rt_softmax_impl, q8rt_dequantize_impl;

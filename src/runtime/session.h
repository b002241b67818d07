/* A session: planned arena, per-op plans (indirection buffers, zero buffers) and the thread pool. */
#pragma once

#include <pthreadpool.h>
#include <stdbool.h>

#include "../../kernels/f32gemm/f32params.h"
#include "isa.h"
#include "model.h"

/* Per-op state planned at session creation. Pointers point into the session's arena. */
struct q8rt_op_plan {
  const struct q8rt_model_op* op;
  const uint8_t* x;
  const uint8_t* x2;
  void* y;
  const uint8_t** indirection;  /* conv, dwconv, avgpool: owned */
  uint8_t* zero;                /* padding buffer filled with the input zero point: owned */
  bool direct_gemm;             /* 1x1, stride 1, no padding: A is the input itself */
  /* AVX-512 VNNI sessions (owned): Q8RT_LAYOUT_GEMM_VNNI weights of a GEMM op, Q8RT_LAYOUT_DWCONV_VNNI of a
   * depthwise op */
  void* vnni_w;
  /* FP32 sessions (x, x2, y then point at floats): */
  float* f32w;                  /* packed fp32 weights (conv, dwconv, fc): owned */
  const float** f32_indirection; /* conv, dwconv, avgpool: owned */
  float* f32_zero;              /* padding buffer of zeros: owned */
  struct q8rt_f32_minmax_params f32_minmax; /* output clamp: ReLU or none */
};

struct q8rt_session {
  const struct q8rt_model* model;
  const struct q8rt_kernels* kernels;
  q8rt_precision precision;
  size_t f32_weight_bytes;      /* FP32: packed fp32 weights owned by the session */
  size_t vnni_weight_bytes;     /* AVX-512 VNNI: repacked int8 weights owned by the session (about half the blob's) */
  pthreadpool_t pool;
  uint8_t* arena;
  size_t arena_bytes;
  size_t aux_bytes;             /* indirection and zero buffers */
  struct q8rt_op_plan* plans;
  double* op_ms;                /* per-op wall time of the last run when profiling, else NULL */
  bool has_run;
  bool profile_hot;             /* Q8RT_PROFILE_OPS_HOT: each op runs twice, the second run timed */
};

/* Arena offsets for the model's activation tensors (tensor_count entries, SIZE_MAX for non-activations),
 * from tensor lifetimes (first-fit, largest first). Each tensor gets Q8RT_ARENA_SLACK readable bytes
 * after it. Returns the arena size in *arena_bytes. Errors: OUT_OF_MEMORY, LIMIT. */
#define Q8RT_ARENA_SLACK 64
q8rt_status q8rt_plan_arena(const struct q8rt_model* model, size_t* offsets, size_t* arena_bytes);
/* As q8rt_plan_arena, with every activation element taking element_bytes (FP32 sessions: 4; 0: the tensor's
 * own dtype size, as q8rt_plan_arena). */
q8rt_status q8rt_plan_arena_elements(const struct q8rt_model* model, size_t element_bytes, size_t* offsets,
                                     size_t* arena_bytes);

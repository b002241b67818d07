/* A session: planned arena, per-op plans (indirection buffers, zero buffers) and the thread pool. */
#pragma once

#include <pthreadpool.h>
#include <stdbool.h>

#include "../ops/ops.h"
#include "isa.h"
#include "model.h"

struct q8rt_session {
  const struct q8rt_model* model;
  const struct q8rt_kernels* kernels;
  q8rt_precision precision;
  struct q8rt_op_ctx ctx;       /* kernels, pool, the model's weight cache, buffer accounting */
  uint8_t* arena;
  size_t arena_bytes;
  struct q8rt_op_plan** plans;  /* op_count headers of per-kind plans; one block (alloc_plans in session.c) */
  double* op_ms;                /* per-op wall time of the last run when profiling, else NULL */
  bool has_run;
  bool profile_hot;             /* Q8RT_PROFILE_OPS_HOT: each op runs twice, the second run timed */
};

/* Arena offsets for the model's activation tensors (tensor_count entries, SIZE_MAX for non-activations),
 * from tensor lifetimes (first-fit, largest first). Each tensor gets Q8RT_ARENA_SLACK readable bytes
 * after it. Returns the arena size in *arena_bytes. Errors: OUT_OF_MEMORY, LIMIT. */
q8rt_status q8rt_plan_arena(const struct q8rt_model* model, size_t* offsets, size_t* arena_bytes);
/* As q8rt_plan_arena, with every activation element taking element_bytes (FP32 sessions: 4; 0: the tensor's
 * own dtype size, as q8rt_plan_arena). */
q8rt_status q8rt_plan_arena_elements(const struct q8rt_model* model, size_t element_bytes, size_t* offsets,
                                     size_t* arena_bytes);

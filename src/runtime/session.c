/* Sessions: planning at creation, then running the ops in order. */
#include "session.h"

#include <stdalign.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/common.h"

void q8rt_session_options_init(struct q8rt_session_options* options) {
  if (options == NULL) return;
  memset(options, 0, sizeof *options);
  options->num_threads = 1;
  options->isa = Q8RT_ISA_AUTO;
}

static const struct q8rt_op_impl* op_impl(const q8rt_session* s, uint32_t i) {
  const uint32_t type = s->model->ops[i].rec->type;
  return s->precision == Q8RT_PRECISION_FP32 ? q8rt_op_impl_f32_for(type) : q8rt_op_impl_for(type);
}

void q8rt_session_free(q8rt_session* s) {
  if (s == NULL) return;
  if (s->plans != NULL) {
    for (uint32_t i = 0; i < s->model->op_count; i++) {
      const struct q8rt_op_impl* impl = op_impl(s, i);
      if (impl->release != NULL) impl->release(s->plans[i]); /* packed weights belong to the model */
    }
  }
  q8rt_free(s->plans);
  q8rt_free(s->op_ms);
  q8rt_free(s->arena);
  if (s->ctx.pool != NULL) pthreadpool_destroy(s->ctx.pool);
  q8rt_free(s);
}

/* Two passes: the packed weights of every op first (from the model's cache), then, with the model's raw weights
 * released again (q8rt_model_release_raw: file mappings), the arena and the per-op buffers. */
static size_t align_up(size_t n, size_t align) { return (n + align - 1) / align * align; }

/* One zero-filled block for all plans: op_count plan pointers, then each op's plan (its kind's size and
 * alignment, q8rt_op_impl), the common header set to the op. */
static q8rt_status alloc_plans(q8rt_session* s) {
  const q8rt_model* m = s->model;
  size_t bytes = align_up((size_t) m->op_count * sizeof(struct q8rt_op_plan*), alignof(max_align_t));
  for (uint32_t i = 0; i < m->op_count; i++) {
    const struct q8rt_op_impl* impl = op_impl(s, i);
    bytes = align_up(bytes, impl->plan_align) + impl->plan_size;
  }
  s->plans = q8rt_alloc_zeroed(1, bytes);
  if (s->plans == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory planning the session");
  char* block = (char*) s->plans;
  size_t offset = align_up((size_t) m->op_count * sizeof(struct q8rt_op_plan*), alignof(max_align_t));
  for (uint32_t i = 0; i < m->op_count; i++) {
    const struct q8rt_op_impl* impl = op_impl(s, i);
    offset = align_up(offset, impl->plan_align);
    s->plans[i] = (struct q8rt_op_plan*) (void*) (block + offset);
    s->plans[i]->op = &m->ops[i];
    offset += impl->plan_size;
  }
  return Q8RT_OK;
}

static q8rt_status plan_ops(q8rt_session* s) {
  const q8rt_model* m = s->model;
  const bool f32 = s->precision == Q8RT_PRECISION_FP32;
  q8rt_status status = alloc_plans(s);
  if (status != Q8RT_OK) return status;
  for (uint32_t i = 0; status == Q8RT_OK && i < m->op_count; i++) {
    const struct q8rt_op_impl* impl = op_impl(s, i);
    if (impl->pack != NULL) status = impl->pack(&s->ctx, s->plans[i]);
  }
  q8rt_model_release_raw(m);
  if (status != Q8RT_OK) return status;
  size_t* offsets = q8rt_alloc_zeroed(m->view.header->tensor_count, sizeof *offsets);
  if (offsets == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory planning the session");
  status = q8rt_plan_arena_elements(m, f32 ? sizeof(float) : 0, offsets, &s->arena_bytes);
  if (status == Q8RT_OK) {
    s->arena = q8rt_alloc_aligned(s->arena_bytes); /* zero-filled: slack bytes are defined */
    if (s->arena == NULL) status = q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for a %zu-byte arena", s->arena_bytes);
  }
  for (uint32_t i = 0; status == Q8RT_OK && i < m->op_count; i++) {
    struct q8rt_op_plan* plan = s->plans[i];
    const struct q8rt_model_op* op = plan->op;
    plan->x = s->arena + offsets[op->rec->inputs[0]];
    if (op->x2 != NULL) plan->x2 = s->arena + offsets[op->rec->inputs[1]];
    plan->y = s->arena + offsets[op->rec->output];
    const struct q8rt_op_impl* impl = op_impl(s, i);
    if (impl->setup != NULL) status = impl->setup(&s->ctx, plan);
  }
  q8rt_free(offsets);
  return status;
}

q8rt_status q8rt_session_create(const q8rt_model* model, const struct q8rt_session_options* options,
                                q8rt_session** session) {
  if (session != NULL) *session = NULL;
  if (session == NULL || model == NULL) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_create: NULL model or session pointer");
  }
  struct q8rt_session_options defaults;
  if (options == NULL) {
    q8rt_session_options_init(&defaults);
    options = &defaults;
  }
  if (options->num_threads > Q8RT_MAX_THREADS) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_create: %u threads, more than %u",
                      options->num_threads, Q8RT_MAX_THREADS);
  }
  /* More threads than CPUs only adds contention (pthreadpool spins): cap at the online CPUs. */
  uint32_t threads = options->num_threads;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus >= 1 && threads > (unsigned long) cpus) threads = (uint32_t) cpus;
  q8rt_session* s = q8rt_alloc_zeroed(1, sizeof *s);
  if (s == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory creating a session");
  s->model = model;
  q8rt_status status = q8rt_kernels_select(options->isa, &s->kernels);
  s->ctx.kernels = s->kernels;
  s->ctx.weights = model->packed;
  if (status == Q8RT_OK && threads > 1) {
    s->ctx.pool = pthreadpool_create(threads);
    if (s->ctx.pool == NULL) status = q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "cannot create a pool of %u threads", threads);
  }
  s->precision = options->precision;
  if (status == Q8RT_OK && options->precision != Q8RT_PRECISION_INT8 && options->precision != Q8RT_PRECISION_FP32) {
    status = q8rt_error(Q8RT_ERROR_UNSUPPORTED, "q8rt_session_create: precision %d is not available",
                        (int) options->precision);
  }
  if (status == Q8RT_OK) status = plan_ops(s);
  if (status == Q8RT_OK && options->profile) {
    s->profile_hot = options->profile == Q8RT_PROFILE_OPS_HOT;
    s->op_ms = q8rt_alloc_zeroed(model->op_count, sizeof *s->op_ms);
    if (s->op_ms == NULL) status = q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for the profile");
  }
  if (status != Q8RT_OK) {
    q8rt_session_free(s);
    return status;
  }
  *session = s;
  return Q8RT_OK;
}

const char* q8rt_session_isa_name(const q8rt_session* s) { return s != NULL ? s->kernels->name : "none"; }

size_t q8rt_session_arena_bytes(const q8rt_session* s) { return s != NULL ? s->arena_bytes + s->ctx.aux_bytes : 0; }

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

q8rt_status q8rt_session_get_op_times(const q8rt_session* s, double* ms, size_t count) {
  if (s == NULL || ms == NULL || s->op_ms == NULL || !s->has_run || count != s->model->op_count) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT,
                      "q8rt_session_get_op_times: needs a profiled session after a run and count == op_count");
  }
  memcpy(ms, s->op_ms, count * sizeof *ms);
  return Q8RT_OK;
}

q8rt_status q8rt_session_run(q8rt_session* s, q8rt_input_format format, const void* input, size_t input_bytes) {
  if (s != NULL) s->has_run = false; /* the outputs of an earlier run are no longer available */
  if (s == NULL || input == NULL) return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_run: NULL argument");
  const q8rt_model* m = s->model;
  const struct q8rt_blob_header* h = m->view.header;
  const struct q8rt_blob_tensor* in = &m->view.tensors[h->input_tensor];
  const size_t count = (size_t) q8rt_blob_tensor_elements(in);
  const size_t expected = format == Q8RT_INPUT_U8_NHWC ? count : count * sizeof(float);
  if (format > Q8RT_INPUT_F32_NHWC || input_bytes != expected) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_run: input of %zu bytes, expected %zu (format %d)",
                      input_bytes, expected, (int) format);
  }
  /* The input tensor is the first op's input (planned like any other activation). */
  uint8_t* x = NULL;
  for (uint32_t i = 0; i < m->op_count && x == NULL; i++) {
    for (int j = 0; j < 2; j++) {
      if (m->ops[i].rec->inputs[j] == h->input_tensor) x = (uint8_t*) (j == 0 ? s->plans[i]->x : s->plans[i]->x2);
    }
  }
  if (x == NULL) return q8rt_error(Q8RT_ERROR_INVALID_MODEL, "the model never reads its input");
  const bool f32 = s->precision == Q8RT_PRECISION_FP32;
  if (f32) {
    q8rt_f32_input(input, (int) format, in->dims[3], (size_t) in->dims[1] * in->dims[2], in->scale, in->zero_point,
                   (float*) (void*) x);
  } else if (format == Q8RT_INPUT_U8_NHWC) {
    memcpy(x, input, count);
  } else {
    q8rt_quantize_f32(input, count, in->dims[3], (size_t) in->dims[1] * in->dims[2], format == Q8RT_INPUT_F32_NCHW,
                      in->scale, in->zero_point, x);
  }
  for (uint32_t i = 0; i < m->op_count; i++) {
    const double t0 = s->op_ms != NULL ? now_ms() : 0.0;
    const struct q8rt_op_impl* impl = op_impl(s, i);
    impl->run(&s->ctx, s->plans[i]);
    if (s->op_ms != NULL) s->op_ms[i] = now_ms() - t0;
    if (s->profile_hot) { /* the op again, on cache-resident data (Q8RT_PROFILE_OPS_HOT) */
      const double t1 = now_ms();
      impl->run(&s->ctx, s->plans[i]);
      s->op_ms[i] = now_ms() - t1;
    }
  }
  s->has_run = true;
  return Q8RT_OK;
}

static const void* tensor_data(const q8rt_session* s, uint32_t tensor) {
  const q8rt_model* m = s->model;
  for (uint32_t i = 0; i < m->op_count; i++) {
    if (m->ops[i].rec->output == tensor) return s->plans[i]->y;
  }
  return NULL;
}

q8rt_status q8rt_session_get_logits(const q8rt_session* s, const uint8_t** logits, float* scale, uint8_t* zero_point) {
  if (logits != NULL) *logits = NULL;
  if (scale != NULL) *scale = 0.0f;
  if (zero_point != NULL) *zero_point = 0;
  if (s == NULL || logits == NULL || !s->has_run) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_get_logits: no successful run yet");
  }
  if (s->precision == Q8RT_PRECISION_FP32) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT,
                      "q8rt_session_get_logits: an fp32 session has float logits only; use q8rt_session_get_logits_f32");
  }
  const struct q8rt_blob_tensor* t = &s->model->view.tensors[s->model->view.header->logits_tensor];
  *logits = tensor_data(s, s->model->view.header->logits_tensor);
  if (scale != NULL) *scale = t->scale;
  if (zero_point != NULL) *zero_point = t->zero_point;
  return Q8RT_OK;
}

q8rt_status q8rt_session_get_probabilities(const q8rt_session* s, float* probs, size_t count) {
  if (s == NULL || probs == NULL || !s->has_run || count != s->model->num_classes) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_get_probabilities: no run yet or count %zu != %u",
                      count, s != NULL ? s->model->num_classes : 0);
  }
  memcpy(probs, tensor_data(s, s->model->view.header->output_tensor), count * sizeof(float));
  return Q8RT_OK;
}

q8rt_status q8rt_session_get_logits_f32(const q8rt_session* s, float* logits, size_t count) {
  if (s == NULL || logits == NULL || !s->has_run || count != s->model->num_classes) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_session_get_logits_f32: no run yet or count %zu != %u",
                      count, s != NULL ? s->model->num_classes : 0);
  }
  if (s->precision == Q8RT_PRECISION_FP32) {
    memcpy(logits, tensor_data(s, s->model->view.header->logits_tensor), count * sizeof(float));
    return Q8RT_OK;
  }
  const struct q8rt_blob_tensor* t = &s->model->view.tensors[s->model->view.header->logits_tensor];
  const uint8_t* q = tensor_data(s, s->model->view.header->logits_tensor);
  for (size_t i = 0; i < count; i++) logits[i] = (float) ((int32_t) q[i] - (int32_t) t->zero_point) * t->scale;
  return Q8RT_OK;
}

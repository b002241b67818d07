/* Operators: each has a setup (at session creation: indirection and zero buffers) and a run. */
#pragma once

#include "../runtime/session.h"

/* setup may allocate plan->indirection / plan->zero (freed by the session) and add their bytes to
 * session->aux_bytes. Errors: OUT_OF_MEMORY, LIMIT. */
typedef q8rt_status (*q8rt_op_setup_fn)(struct q8rt_session* session, struct q8rt_op_plan* plan);
typedef void (*q8rt_op_run_fn)(struct q8rt_session* session, const struct q8rt_op_plan* plan);

struct q8rt_op_impl {
  q8rt_op_setup_fn setup; /* NULL: nothing to plan */
  q8rt_op_run_fn run;
};

/* The implementation of a blob op type (validated by the loader, so never NULL for a loaded model). */
const struct q8rt_op_impl* q8rt_op_impl_for(uint32_t type);

/* Shared helpers. */
q8rt_status q8rt_zero_buffer(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t channels);
q8rt_status q8rt_indirection_alloc(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t count);

/* GEMM of M rows (A rows a_stride apart, K = weights' input size) by the packed weights, into y rows of
 * N bytes; tiles run on the session's thread pool. */
void q8rt_run_gemm(struct q8rt_session* s, const struct q8rt_model_op* op, size_t m, size_t n, size_t k,
                   const uint8_t* a, size_t a_stride, uint8_t* y);

/* Input quantization (Caffe2 Int8Quantize) and output dequantization. */
void q8rt_quantize_f32(const float* x, size_t count, size_t channels, size_t pixels, int nchw, float scale,
                       uint8_t zero_point, uint8_t* y);

extern const struct q8rt_op_impl q8rt_conv_impl, q8rt_dwconv_impl, q8rt_fc_impl, q8rt_add_impl,
    q8rt_avgpool_impl, q8rt_softmax_impl, q8rt_dequantize_impl;

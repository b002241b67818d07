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

/* AVX-512 VNNI sessions (kernels->gemm_vnni != NULL; else setup does nothing): setup repacks the op's GEMM
 * weights (n outputs, k inputs, ks = 1) into plan->vnni_w; run is q8rt_run_gemm on them (src/ops/gemm_vnni.c).
 * Errors: OUT_OF_MEMORY. */
q8rt_status q8rt_gemm_vnni_setup(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t n, size_t k);
void q8rt_run_gemm_vnni(struct q8rt_session* s, const struct q8rt_op_plan* plan, size_t m, size_t n, size_t k,
                        const uint8_t* a, size_t a_stride, uint8_t* y);
/* The same for indirect convolutions (kernels->conv_vnni; the indirection buffer then has vnni_mr pointers per
 * tap and tile): weights with ks taps of kc channels; run over the plan's indirection buffer into plan->y. */
q8rt_status q8rt_conv_vnni_setup(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t n, size_t kc, size_t ks);
void q8rt_run_conv_vnni(struct q8rt_session* s, const struct q8rt_op_plan* plan, size_t m, size_t n, size_t kc,
                        size_t ks);

/* Input quantization (Caffe2 Int8Quantize) and output dequantization. */
void q8rt_quantize_f32(const float* x, size_t count, size_t channels, size_t pixels, int nchw, float scale,
                       uint8_t zero_point, uint8_t* y);

/* FP32 sessions (README "fp32"): the float network the int8 model stands for. Weights are unpacked from the
 * blob and packed for the f32 kernels at setup (plan->f32w); activations are floats. */
const struct q8rt_op_impl* q8rt_op_impl_f32_for(uint32_t type);
/* Output clamp of an op in the float network: ReLU (min 0) where the int8 op clamps at its output zero point
 * (output_min == output zero point), otherwise none. */
struct q8rt_f32_minmax_params q8rt_f32_clamp_for(const struct q8rt_model_op* op);
/* Float zero buffer of channels (+ slack) floats in plan->zero; float indirection pointers are stored in
 * plan->indirection (same pointer size). */
q8rt_status q8rt_f32_zero_buffer(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t channels);
q8rt_status q8rt_f32_indirection_alloc(struct q8rt_session* s, struct q8rt_op_plan* plan, size_t count);
/* Packed fp32 weights for a conv / fc (GEMM panels of the session's f32_nr) or dwconv op, into plan->f32w. */
q8rt_status q8rt_f32_pack_weights(struct q8rt_session* s, struct q8rt_op_plan* plan);
/* GEMM of M rows (A rows a_stride floats apart) by plan->f32w, into y rows of N floats. */
void q8rt_f32_run_gemm(struct q8rt_session* s, const struct q8rt_op_plan* plan, size_t m, size_t n, size_t k,
                       const float* a, size_t a_stride, float* y);
/* Input for FP32 sessions: float NCHW / NHWC to NHWC, or uint8 NHWC dequantized. */
void q8rt_f32_input(const void* input, int format, size_t channels, size_t pixels, float scale, uint8_t zero_point,
                    float* y);

extern const struct q8rt_op_impl q8rt_f32_conv_impl, q8rt_f32_dwconv_impl, q8rt_f32_fc_impl, q8rt_f32_add_impl,
    q8rt_f32_avgpool_impl, q8rt_f32_softmax_impl, q8rt_f32_dequantize_impl;

extern const struct q8rt_op_impl q8rt_conv_impl, q8rt_dwconv_impl, q8rt_fc_impl, q8rt_add_impl,
    q8rt_avgpool_impl, q8rt_softmax_impl, q8rt_dequantize_impl;

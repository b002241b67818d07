/* Convolution (Caffe2 Int8Conv / Int8ConvRelu, groups = 1).
 * 1x1, stride 1, no padding: a plain GEMM over the NHWC input. Anything else: QNNPACK-style indirect
 * convolution, where an indirection buffer holds, per MR-pixel tile and kernel tap, MR pointers to input
 * pixels (or to the zero buffer for padding); no im2col copy is made.
 * With few input channels (kc <= Q8RT_Q8CONV_TP_MAX_KC, e.g. the first layer on 3 channels) and a tap-pair
 * kernel, the weights are repacked at setup into Q8RT_LAYOUT_GEMM_TAP_PAIRS (two taps per 8-k block), stored
 * 64-byte aligned after the indirection pointers in the same allocation. */
#include <stdint.h>

#include "../../kernels/layout.h"
#include "../common/common.h"
#include "../pack/pack_size.h"
#include "../pack/pack_tap_pairs.h"
#include "ops.h"
#include "window.h"

static bool use_tap_pairs(const struct q8rt_session* s, size_t kc, size_t ks) {
  return s->kernels->convtp != NULL && s->kernels->conv_vnni == NULL && kc <= Q8RT_Q8CONV_TP_MAX_KC && ks >= 2 &&
         ks <= Q8RT_Q8CONV_TP_MAX_KS;
}

/* The repacked weights: after the `pointers` indirection pointers, 64-byte aligned. */
static const uint8_t* tap_pair_weights(const struct q8rt_op_plan* plan, size_t pointers) {
  const uintptr_t p = (uintptr_t) (plan->indirection + pointers);
  return (const uint8_t*) ((p + 63) & ~(uintptr_t) 63);
}

static q8rt_status conv_setup(struct q8rt_session* s, struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  const struct q8rt_blob_op* r = op->rec;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t kh = r->kernel_h, kw = r->kernel_w, ks = kh * kw;
  plan->direct_gemm = ks == 1 && r->stride_h == 1 && r->stride_w == 1 && r->pad_top == 0 && r->pad_left == 0 &&
                      r->pad_bottom == 0 && r->pad_right == 0;
  if (plan->direct_gemm) return q8rt_gemm_vnni_setup(s, plan, yd[3], xd[3]);

  const size_t c = xd[3], ow = yd[2];
  const size_t m = (size_t) yd[1] * ow;
  const size_t mr = s->kernels->conv_vnni != NULL ? s->kernels->vnni_mr : s->kernels->mr; /* tile of the kernel run */
  const size_t tiles = q8rt_divide_round_up(m, mr);
  const size_t pointers = tiles * ks * mr;
  const bool tp = use_tap_pairs(s, c, ks);
  const size_t tp_bytes = tp ? q8rt_divide_round_up(yd[3], Q8RT_GEMM_NR) * q8rt_tap_pairs_panel_bytes(ks) : 0;
  q8rt_status status = q8rt_zero_buffer(s, plan, c);
  if (status == Q8RT_OK) status = q8rt_conv_vnni_setup(s, plan, yd[3], c, ks);
  if (status == Q8RT_OK) {
    status = q8rt_indirection_alloc(s, plan, pointers + (tp ? q8rt_divide_round_up(tp_bytes + 64, sizeof(void*)) : 0));
  }
  if (status != Q8RT_OK) return status;
  if (tp) q8rt_repack_tap_pairs(yd[3], c, ks, op->weights, (void*) tap_pair_weights(plan, pointers));
  struct q8rt_window w;
  q8rt_window_init(&w, op, plan->x, 1, plan->zero);
  q8rt_indirection_conv(&w, mr, plan->indirection, q8rt_store_u8_pointer);
  return Q8RT_OK;
}

struct conv_context {
  q8rt_q8conv_ukernel_fn ukernel;
  size_t m, n, kc, ks, mr, panel_bytes;
  const uint8_t* const* indirection;
  const uint8_t* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

static void conv_tile(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct conv_context* c = arg;
  const uint8_t* const* a = c->indirection + (m0 / c->mr) * c->ks * c->mr;
  for (size_t j = n0; j < n0 + nc; j += Q8RT_GEMM_NR) {
    c->ukernel(mr, q8rt_min_size(Q8RT_GEMM_NR, n0 + nc - j), c->kc, c->ks, a,
               c->w + (j / Q8RT_GEMM_NR) * c->panel_bytes, c->y + m0 * c->n + j, c->n, c->params);
  }
}

/* Tap-pair kernel: one call per pixel tile over columns [n0, n0 + nc) (n0 % NR == 0). */
static void conv_tile_n(void* arg, size_t m0, size_t n0, size_t mr, size_t nc) {
  const struct conv_context* c = arg;
  const uint8_t* const* a = c->indirection + (m0 / c->mr) * c->ks * c->mr;
  c->ukernel(mr, nc, c->kc, c->ks, a, c->w + (n0 / Q8RT_GEMM_NR) * c->panel_bytes, c->y + m0 * c->n + n0, c->n,
             c->params);
}

static void conv_run(struct q8rt_session* s, const struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t m = (size_t) yd[1] * yd[2], n = yd[3], kc = xd[3];
  if (plan->direct_gemm) {
    if (plan->vnni_w != NULL) {
      q8rt_run_gemm_vnni(s, plan, m, n, kc, plan->x, kc, plan->y);
    } else {
      q8rt_run_gemm(s, op, m, n, kc, plan->x, kc, plan->y);
    }
    return;
  }
  const size_t ks = (size_t) op->rec->kernel_h * op->rec->kernel_w;
  if (plan->vnni_w != NULL) {
    q8rt_run_conv_vnni(s, plan, m, n, kc, ks);
    return;
  }
  struct conv_context c = {
    .ukernel = s->kernels->conv, .m = m, .n = n, .kc = kc, .ks = ks, .mr = s->kernels->mr,
    .panel_bytes = (size_t) q8rt_gemm_panel_bytes(kc, ks),
    .indirection = plan->indirection, .w = op->weights, .y = plan->y, .params = &op->params.conv,
  };
  if (use_tap_pairs(s, kc, ks)) {
    c.ukernel = s->kernels->convtp;
    c.panel_bytes = q8rt_tap_pairs_panel_bytes(ks);
    c.w = tap_pair_weights(plan, q8rt_divide_round_up(m, c.mr) * ks * c.mr);
    pthreadpool_parallelize_2d_tile_2d(s->pool, conv_tile_n, &c, m, n, c.mr, n, 0);
    return;
  }
  pthreadpool_parallelize_2d_tile_2d(s->pool, conv_tile, &c, m, n, c.mr, n, 0);
}

const struct q8rt_op_impl q8rt_conv_impl = {conv_setup, conv_run};

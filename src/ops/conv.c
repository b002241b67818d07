/* Convolution (Caffe2 Int8Conv / Int8ConvRelu, groups = 1).
 * 1x1, stride 1, no padding: a plain GEMM over the NHWC input. Anything else: QNNPACK-style indirect
 * convolution, where an indirection buffer holds, per MR-pixel tile and kernel tap, MR pointers to input
 * pixels (or to the zero buffer for padding); no im2col copy is made. The kernel configuration
 * (q8rt_gemm_config_for: e.g. a small-kc tap-pair layout for a first layer on 3 channels) gives MR, the packed
 * weights (shared through the model's weight cache) and the kernels. */
#include <stdint.h>

#include "../common/common.h"
#include "ops.h"
#include "window.h"

static q8rt_status conv_pack(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_conv_plan* plan = q8rt_conv_plan_of(base);
  const struct q8rt_blob_op* r = base->op->rec;
  const size_t ks = (size_t) r->kernel_h * r->kernel_w, c = base->op->w->dims[3];
  plan->direct_gemm = ks == 1 && r->stride_h == 1 && r->stride_w == 1 && r->pad_top == 0 && r->pad_left == 0 &&
                      r->pad_bottom == 0 && r->pad_right == 0;
  plan->gemm = q8rt_gemm_config_for(s, c, ks, !plan->direct_gemm);
  q8rt_plan_conv_params(&plan->params, base->op, plan->gemm->prepare_params);
  return q8rt_op_packed_weights(s, base->op, plan->gemm->pack, plan->gemm->packed_size, &plan->packed_w);
}

static q8rt_status conv_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_conv_plan* plan = q8rt_conv_plan_of(base);
  const struct q8rt_model_op* op = base->op;
  const struct q8rt_blob_op* r = op->rec;
  if (plan->direct_gemm) return Q8RT_OK;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t ks = (size_t) r->kernel_h * r->kernel_w, c = xd[3];
  const size_t m = (size_t) yd[1] * yd[2], mr = plan->gemm->mr;
  q8rt_status status = q8rt_zero_buffer(s, op, c, &plan->zero);
  if (status == Q8RT_OK) {
    status = q8rt_indirection_alloc(s, op, q8rt_divide_round_up(m, mr) * ks * mr, &plan->indirection);
  }
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, base->x, 1, plan->zero);
  q8rt_indirection_conv(&w, mr, plan->indirection, q8rt_store_u8_pointer);
  return Q8RT_OK;
}

static void conv_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_conv_plan* plan = q8rt_conv_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t m = (size_t) yd[1] * yd[2], n = yd[3], kc = xd[3];
  if (plan->direct_gemm) {
    q8rt_run_gemm(s, plan, m, n, kc, base->x, kc, base->y);
  } else {
    q8rt_run_igemm(s, plan, m, n, kc, (size_t) op->rec->kernel_h * op->rec->kernel_w);
  }
}

static void conv_release(struct q8rt_op_plan* base) {
  struct q8rt_conv_plan* plan = q8rt_conv_plan_of(base);
  q8rt_free(plan->indirection); /* packed_w belongs to the model */
  q8rt_free(plan->zero);
}

const struct q8rt_op_impl q8rt_conv_impl = {
  .plan_size = sizeof(struct q8rt_conv_plan), .plan_align = _Alignof(struct q8rt_conv_plan),
  .pack = conv_pack, .setup = conv_setup, .run = conv_run, .release = conv_release,
};

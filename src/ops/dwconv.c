/* Depthwise 3x3 convolution (Caffe2 Int8Conv with group = channels), any stride and padding < 3.
 * Indirection buffer per output row: for each input column slot c = ox * stride_w + kx (0 .. (OW-1)*sw+2)
 * three pointers (ky = 0, 1, 2), so output pixel ox reads taps t = kx * 3 + ky at ox * 3 * stride_w + t. */
#include "../../kernels/layout.h"
#include "../common/common.h"
#include "ops.h"
#include "window.h"

static q8rt_status dwconv_setup(struct q8rt_session* s, struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  const struct q8rt_blob_op* r = op->rec;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t c = xd[3], oh = yd[1], ow = yd[2];
  const size_t row = q8rt_dw_row_pointers(ow, r->stride_w);
  q8rt_status status = q8rt_zero_buffer(s, plan, c);
  if (status == Q8RT_OK) status = q8rt_indirection_alloc(s, plan, oh * row);
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, plan->x, 1, plan->zero);
  q8rt_indirection_dw(&w, plan->indirection, q8rt_store_u8_pointer);
  return Q8RT_OK;
}

struct dwconv_context {
  q8rt_q8dwconv_ukernel_fn ukernel;
  size_t channels, ow, row, step;
  const uint8_t* const* indirection;
  const void* w;
  uint8_t* y;
  const struct q8rt_conv_params* params;
};

static void dwconv_row(void* arg, size_t oy) {
  const struct dwconv_context* c = arg;
  c->ukernel(c->channels, c->ow, c->indirection + oy * c->row, c->step, c->w, c->y + oy * c->ow * c->channels, 0,
             c->params);
}

static void dwconv_run(struct q8rt_session* s, const struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  uint32_t yd[4];
  q8rt_tensor_nhwc(op->y, yd);
  struct dwconv_context c = {
    .ukernel = s->kernels->dwconv, .channels = yd[3], .ow = yd[2], .row = q8rt_dw_row_pointers(yd[2], op->rec->stride_w),
    .step = 3 * (size_t) op->rec->stride_w, .indirection = plan->indirection, .w = op->weights, .y = plan->y,
    .params = &op->params.conv,
  };
  pthreadpool_parallelize_1d(s->pool, dwconv_row, &c, yd[1], 0);
}

const struct q8rt_op_impl q8rt_dwconv_impl = {dwconv_setup, dwconv_run};

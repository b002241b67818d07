/* Depthwise 3x3 convolution (Caffe2 Int8Conv with group = channels), any stride and padding < 3.
 * Indirection buffer per output row: for each input column slot c = ox * stride_w + kx (0 .. (OW-1)*sw+2)
 * three pointers (ky = 0, 1, 2), so output pixel ox reads taps t = kx * 3 + ky at ox * 3 * stride_w + t. */
#include "../common/common.h"
#include "ops.h"
#include "window.h"

static q8rt_status dwconv_pack(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_dwconv_plan* plan = q8rt_dwconv_plan_of(base);
  q8rt_plan_conv_params(&plan->params, base->op, s->kernels->dwconv->prepare_params);
  return q8rt_op_packed_weights(s, base->op, s->kernels->dwconv->pack, s->kernels->dwconv->packed_size,
                                &plan->packed_w);
}

static q8rt_status dwconv_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_dwconv_plan* plan = q8rt_dwconv_plan_of(base);
  const struct q8rt_model_op* op = base->op;
  const struct q8rt_blob_op* r = op->rec;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const size_t c = xd[3], oh = yd[1], ow = yd[2];
  const size_t row = q8rt_dw_row_pointers(ow, r->stride_w);
  q8rt_status status = q8rt_zero_buffer(s, op, c, &plan->zero);
  if (status == Q8RT_OK) status = q8rt_indirection_alloc(s, op, oh * row, &plan->indirection);
  if (status != Q8RT_OK) return status;
  struct q8rt_window w;
  q8rt_window_init(&w, op, base->x, 1, plan->zero);
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

/* Output row oy, pixels [ox, ox + count): one micro-kernel call (pixel ox reads its taps at ox * step). */
static void dwconv_row(void* arg, size_t oy, size_t ox, size_t count) {
  const struct dwconv_context* c = arg;
  c->ukernel(c->channels, count, c->indirection + oy * c->row + ox * c->step, c->step, c->w,
             c->y + (oy * c->ow + ox) * c->channels, 0, c->params);
}

static void dwconv_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_dwconv_plan* plan = q8rt_dwconv_plan_of_const(base);
  const struct q8rt_model_op* op = base->op;
  uint32_t yd[4];
  q8rt_tensor_nhwc(op->y, yd);
  struct dwconv_context c = {
    .ukernel = s->kernels->dwconv->ukernel, .channels = yd[3], .ow = yd[2], .row = q8rt_dw_row_pointers(yd[2], op->rec->stride_w),
    .step = 3 * (size_t) op->rec->stride_w, .indirection = plan->indirection,
    .w = plan->packed_w, .y = base->y,
    .params = &plan->params,
  };
  /* Whole rows per task, unless there are few rows for the threads (7x7, 14x14 maps): then row segments. Each
   * output pixel is computed alike whatever the split. */
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  size_t tile = c.ow;
  if (threads > 1 && yd[1] < 8 * threads) tile = q8rt_divide_round_up(c.ow, q8rt_divide_round_up(8 * threads, yd[1]));
  pthreadpool_parallelize_2d_tile_1d(s->pool, dwconv_row, &c, yd[1], c.ow, tile, 0);
}

static void dwconv_release(struct q8rt_op_plan* base) {
  struct q8rt_dwconv_plan* plan = q8rt_dwconv_plan_of(base);
  q8rt_free(plan->indirection); /* packed_w belongs to the model */
  q8rt_free(plan->zero);
}

const struct q8rt_op_impl q8rt_dwconv_impl = {
  .plan_size = sizeof(struct q8rt_dwconv_plan), .plan_align = _Alignof(struct q8rt_dwconv_plan),
  .pack = dwconv_pack, .setup = dwconv_setup, .run = dwconv_run, .release = dwconv_release,
};

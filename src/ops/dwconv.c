/* Depthwise 3x3 convolution (Caffe2 Int8Conv with group = channels), any stride and padding < 3.
 * Indirection buffer per output row: for each input column slot c = ox * stride_w + kx (0 .. (OW-1)*sw+2)
 * three pointers (ky = 0, 1, 2), so output pixel ox reads taps t = kx * 3 + ky at ox * 3 * stride_w + t. */
#include "../../kernels/layout.h"
#include "../common/common.h"
#include "../pack/pack_dw_vnni.h"
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
  if (s->kernels->dwconv_vnni_layout) { /* the AVX-512 VNNI kernel's Q8RT_LAYOUT_DWCONV_VNNI, owned by the plan */
    const size_t bytes = q8rt_dw_vnni_packed_bytes(c, op->w->zero_point);
    plan->vnni_w = q8rt_alloc_aligned(bytes);
    if (plan->vnni_w == NULL) {
      return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for %zu bytes of repacked weights", bytes);
    }
    q8rt_repack_dw_vnni(c, op->w->zero_point, op->weights, plan->vnni_w);
    s->vnni_weight_bytes += bytes;
  }
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

static void dwconv_run(struct q8rt_session* s, const struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  uint32_t yd[4];
  q8rt_tensor_nhwc(op->y, yd);
  struct dwconv_context c = {
    .ukernel = s->kernels->dwconv, .channels = yd[3], .ow = yd[2], .row = q8rt_dw_row_pointers(yd[2], op->rec->stride_w),
    .step = 3 * (size_t) op->rec->stride_w, .indirection = plan->indirection,
    .w = plan->vnni_w != NULL ? plan->vnni_w : op->weights, .y = plan->y,
    .params = &op->params.conv,
  };
  /* Whole rows per task, unless there are few rows for the threads (7x7, 14x14 maps): then row segments. Each
   * output pixel is computed alike whatever the split. */
  const size_t threads = s->pool != NULL ? pthreadpool_get_threads_count(s->pool) : 1;
  size_t tile = c.ow;
  if (threads > 1 && yd[1] < 8 * threads) tile = q8rt_divide_round_up(c.ow, q8rt_divide_round_up(8 * threads, yd[1]));
  pthreadpool_parallelize_2d_tile_1d(s->pool, dwconv_row, &c, yd[1], c.ow, tile, 0);
}

const struct q8rt_op_impl q8rt_dwconv_impl = {dwconv_setup, dwconv_run};

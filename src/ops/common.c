/* Helpers shared by the operators: op table, zero buffers, indirection buffers. */
#include <string.h>

#include "../blob/format.h"
#include "../common/common.h"
#include "ops.h"

const struct q8rt_op_impl* q8rt_op_impl_for(uint32_t type) {
  switch (type) {
    case Q8RT_OP_CONV: return &q8rt_conv_impl;
    case Q8RT_OP_DWCONV: return &q8rt_dwconv_impl;
    case Q8RT_OP_FC: return &q8rt_fc_impl;
    case Q8RT_OP_ADD: return &q8rt_add_impl;
    case Q8RT_OP_AVGPOOL: return &q8rt_avgpool_impl;
    case Q8RT_OP_SOFTMAX: return &q8rt_softmax_impl;
    case Q8RT_OP_DEQUANTIZE: return &q8rt_dequantize_impl;
  }
  return NULL;
}

const struct q8rt_op_impl* q8rt_op_impl_f32_for(uint32_t type) {
  switch (type) {
    case Q8RT_OP_CONV: return &q8rt_f32_conv_impl;
    case Q8RT_OP_DWCONV: return &q8rt_f32_dwconv_impl;
    case Q8RT_OP_FC: return &q8rt_f32_fc_impl;
    case Q8RT_OP_ADD: return &q8rt_f32_add_impl;
    case Q8RT_OP_AVGPOOL: return &q8rt_f32_avgpool_impl;
    case Q8RT_OP_SOFTMAX: return &q8rt_f32_softmax_impl;
    case Q8RT_OP_DEQUANTIZE: return &q8rt_f32_dequantize_impl;
  }
  return NULL;
}

void q8rt_op_pack_src(const struct q8rt_model_op* op, struct q8rt_pack_src* src) {
  const struct q8rt_blob_tensor* w = op->w;
  const uint32_t type = op->rec->type;
  src->n = w->dims[0];
  src->kc = type == Q8RT_OP_CONV ? w->dims[3] : type == Q8RT_OP_DWCONV ? 1 : w->dims[1];
  src->ks = type == Q8RT_OP_CONV ? (size_t) w->dims[1] * w->dims[2] : type == Q8RT_OP_DWCONV ? 9 : 1;
  src->input_zero_point = op->x->zero_point;
  src->kernel_zero_point = w->zero_point;
  src->w = op->weights;
  src->bias = op->bias;
  src->weight_scale = w->scale;
  src->bias_scale = op->x->scale * w->scale; /* the bias scale the int8 arithmetic implies */
}

q8rt_status q8rt_op_packed_weights(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, q8rt_pack_fn pack,
                                   q8rt_packed_size_fn packed_size, const void** packed_w) {
  struct q8rt_pack_src src;
  q8rt_op_pack_src(op, &src);
  size_t bytes = 0;
  q8rt_status status = q8rt_weight_cache_get(s->weights, op->index, pack, packed_size, &src, packed_w, &bytes, NULL);
  if (status == Q8RT_OK) s->packed_bytes += bytes;
  return status;
}

q8rt_status q8rt_zero_buffer(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, size_t channels, uint8_t** zero) {
  const size_t bytes = q8rt_round_up(channels + Q8RT_ARENA_SLACK, 64);
  *zero = q8rt_alloc_aligned(bytes);
  if (*zero == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for a zero buffer");
  memset(*zero, op->x->zero_point, bytes);
  s->aux_bytes += bytes;
  return Q8RT_OK;
}

q8rt_status q8rt_indirection_alloc(struct q8rt_op_ctx* s, const struct q8rt_model_op* op, size_t count,
                                   const uint8_t*** indirection) {
  size_t bytes;
  if (q8rt_mul_overflow(count, sizeof(const uint8_t*), &bytes) || s->aux_bytes + bytes > Q8RT_MAX_ARENA_BYTES) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "op %u: indirection buffer of %zu pointers exceeds the memory cap",
                      op->rec->source_op, count);
  }
  *indirection = q8rt_alloc(bytes);
  if (*indirection == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for an indirection buffer");
  s->aux_bytes += bytes;
  return Q8RT_OK;
}

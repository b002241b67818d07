/* A loaded model: the validated blob plus per-op resolved tensors and kernel parameters. Immutable. */
#pragma once

#include <stdint.h>

#include "../../kernels/params.h"
#include "../blob/blob_read.h"
#include "q8rt.h"

struct q8rt_model_op {
  const struct q8rt_blob_op* rec;
  const struct q8rt_blob_tensor* x;      /* first input */
  const struct q8rt_blob_tensor* x2;     /* second input (add) or NULL */
  const struct q8rt_blob_tensor* w;      /* packed weights (conv, dwconv, fc) or NULL */
  const struct q8rt_blob_tensor* y;
  const void* weights;                   /* packed weight bytes inside the blob */
  uint64_t macs;
  union {
    struct q8rt_conv_params conv;
    struct q8rt_add_params add;
    struct q8rt_avgpool_params pool;
  } params;
  uint32_t softmax_table[256];
};

struct q8rt_model {
  void* blob;                            /* 64-byte aligned private copy */
  struct q8rt_blob_view view;
  struct q8rt_model_op* ops;
  uint32_t op_count;
  uint32_t num_classes;
  uint64_t macs;
  uint64_t weight_bytes;
};

/* Dimensions of an activation tensor as NHWC (rank-2 [N, C] is N x 1 x 1 x C). */
static inline void q8rt_tensor_nhwc(const struct q8rt_blob_tensor* t, uint32_t d[4]) {
  d[0] = t->dims[0];
  d[1] = t->rank == 4 ? t->dims[1] : 1;
  d[2] = t->rank == 4 ? t->dims[2] : 1;
  d[3] = t->dims[t->rank - 1];
}

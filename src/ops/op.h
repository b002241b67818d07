/* One operator of a loaded model, as the operators see it: the blob records of its tensors (validated by the
 * model loader, src/runtime/model.c), its raw weights and its precomputed kernel parameters. Immutable. */
#pragma once

#include <stdint.h>

#include "../../kernels/params.h"
#include "../blob/format.h"

struct q8rt_model_op {
  const struct q8rt_blob_op* rec;
  uint32_t index;                        /* position in the model (key of its packed weights) */
  const struct q8rt_blob_tensor* x;      /* first input */
  const struct q8rt_blob_tensor* x2;     /* second input (add) or NULL */
  const struct q8rt_blob_tensor* w;      /* uint8 weights, OHWI (conv, dwconv, fc) or NULL */
  const struct q8rt_blob_tensor* b;      /* int32 bias or NULL */
  const struct q8rt_blob_tensor* y;
  const uint8_t* weights;                /* raw weight bytes inside the blob */
  const int32_t* bias;                   /* raw bias values inside the blob (64-byte aligned) or NULL */
  uint64_t macs;
  union {
    struct q8rt_conv_params conv;
    struct q8rt_add_params add;
    struct q8rt_avgpool_params pool;
    struct q8rt_tflite_add_params tflite_add;         /* rule TFLite */
    struct q8rt_tflite_softmax_params tflite_softmax; /* rule TFLite */
  } params;
  uint32_t softmax_table[256];
};

/* Dimensions of an activation tensor as NHWC (rank-2 [N, C] is N x 1 x 1 x C). */
static inline void q8rt_tensor_nhwc(const struct q8rt_blob_tensor* t, uint32_t d[4]) {
  d[0] = t->dims[0];
  d[1] = t->rank == 4 ? t->dims[1] : 1;
  d[2] = t->rank == 4 ? t->dims[2] : 1;
  d[3] = t->dims[t->rank - 1];
}

/* Elements of a tensor (exact for tensors the loader accepted). */
static inline uint64_t q8rt_tensor_elements(const struct q8rt_blob_tensor* t) {
  uint64_t n = 1;
  for (uint32_t i = 0; i < t->rank && i < 4; i++) n *= t->dims[i];
  return n;
}

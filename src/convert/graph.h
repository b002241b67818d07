/* The converter's small graph IR: tensors (name, dtype, shape, quantization, constant data) and ops
 * (kind, Caffe2 / TFLite type, attributes). Built by caffe2_import.c or tflite_import.c, rewritten by lower.c,
 * written by emit.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CV_NONE UINT32_MAX
#define CV_MAX_RANK 4

enum cv_dtype { CV_DTYPE_U8 = 1, CV_DTYPE_I32 = 2, CV_DTYPE_F32 = 3 };

struct cv_tensor {
  char* name;
  enum cv_dtype dtype;
  uint32_t rank;              /* 0 = shape not known yet (TFLite: the declared shape, checked by lower.c) */
  uint32_t dims[CV_MAX_RANK];
  float scale;                /* quantized tensors: > 0, finite */
  uint8_t zero_point;
  bool has_qparams;
  bool is_const;              /* created by init_net */
  bool is_graph_input;        /* the float image input ("data") */
  uint32_t init_op;           /* init_net op index of a constant */
  void* data;                 /* constants: count uint8 or int32 values; packed: packed_size bytes */
  size_t count;
  uint32_t producer;          /* index of the op writing it, CV_NONE for constants / graph input */
  uint32_t consumers;         /* references by live ops (recomputed by cv_graph_count_uses) */
  uint32_t blob_index;        /* emit.c */
};

enum cv_op_kind {
  CV_OP_NCHW2NHWC = 1,
  CV_OP_QUANTIZE,
  CV_OP_CONV,
  CV_OP_FC,
  CV_OP_ADD,
  CV_OP_AVGPOOL,
  CV_OP_RELU,
  CV_OP_SOFTMAX,
  CV_OP_DEQUANTIZE,
};

struct cv_op {
  enum cv_op_kind kind;
  char* type;                 /* Caffe2 op type, for messages */
  uint32_t source;            /* index in predict_net */
  uint32_t inputs[3];
  uint32_t input_count;
  uint32_t output;
  uint32_t kernel_h, kernel_w, stride_h, stride_w;
  uint32_t pad_t, pad_l, pad_b, pad_r;
  uint32_t groups;
  bool kernel_given;          /* else taken from the weights (conv) */
  bool global_pooling;
  bool relu;                  /* Int8ConvRelu / Int8SumRelu, or a folded Int8Relu */
  float y_scale;
  uint8_t y_zero_point;
  bool has_y;
  uint8_t rule;               /* enum q8rt_blob_rule: the arithmetic (Caffe2 / TFLite) */
  bool has_range;             /* TFLite fused activation: the output clamp [range_min, range_max] */
  uint8_t activation;         /* TFLite fused activation (enum q8rt_blob_activation) */
  uint8_t range_min, range_max;
  bool dead;                  /* removed by a lowering pass */
  /* Lowering results. */
  uint8_t output_min, output_max;
  uint16_t blob_type;         /* enum q8rt_blob_op_type */
  uint32_t flags;
  uint32_t weights;           /* uint8 weight tensor (conv / fc), CV_NONE otherwise */
  uint32_t bias;              /* int32 bias tensor (conv / fc) or CV_NONE */
};

struct cv_graph {
  struct cv_tensor* tensors;
  uint32_t tensor_count, tensor_cap;
  struct cv_op* ops;
  uint32_t op_count, op_cap;
  uint32_t* map;              /* open addressing: name -> newest tensor with that name */
  uint32_t map_cap;
  char* output_name;          /* predict_net external_output */
  uint32_t graph_input;       /* float "data" */
  uint32_t model_input;       /* uint8 NHWC output of Int8Quantize */
  uint32_t logits, output;
  uint32_t source_format;     /* enum q8rt_blob_source */
  const char* init_label;     /* file names for messages */
  const char* predict_label;
  char* err;
  size_t err_size;
};

void cv_graph_init(struct cv_graph* g, const char* init_label, const char* predict_label, char* err,
                   size_t err_size);
void cv_graph_free(struct cv_graph* g);

/* Adds a tensor named `name` (it becomes the one `cv_graph_find` returns). CV_NONE on failure (err set). */
uint32_t cv_graph_add_tensor(struct cv_graph* g, const char* name);
uint32_t cv_graph_find(const struct cv_graph* g, const char* name);
/* Appends a zeroed op; NULL on failure (err set). Pointers into g->ops are invalidated by the next call. */
struct cv_op* cv_graph_add_op(struct cv_graph* g, enum cv_op_kind kind, const char* type, uint32_t source);
/* Recomputes tensor consumers/producers over the live ops. */
void cv_graph_count_uses(struct cv_graph* g);

/* Error helpers: write the message into g->err and return false. */
bool cv_fail(struct cv_graph* g, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefixes "predict_net.pb: op 5 (Int8Conv, output \"13\"): ". */
bool cv_op_fail(struct cv_graph* g, const struct cv_op* op, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Number of elements of a shape, false if a dim is 0 or > 65536 or the product exceeds 2^31. */
bool cv_shape_elements(uint32_t rank, const uint32_t* dims, size_t* elements);
/* "[1,224,224,3]" into buf. */
const char* cv_shape_str(uint32_t rank, const uint32_t* dims, char* buf, size_t size);

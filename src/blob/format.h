/*
 * The q8rt blob: on-disk format, version 3 (docs/blob-format.md). All integers little-endian, all floats
 * IEEE-754 binary32. Since version 2 the blob stores raw quantized tensors only: uint8 weights in OHWI order, int32 biases,
 * per-tensor scale and zero point. Nothing in it depends on a micro-kernel: the runtime packs the weights for
 * whichever kernels it picks (src/pack/, once per model and kernel configuration).
 *
 *   offset 0      struct q8rt_blob_header (192 bytes)
 *   tensor_table  tensor_count x struct q8rt_blob_tensor (64 bytes each)
 *   op_table      op_count x struct q8rt_blob_op (64 bytes each), in execution order
 *   string_table  string_size bytes: tensor names (not NUL-terminated, referenced by offset + size)
 *   label table   optional: label_count NUL-terminated UTF-8 class names, label_size bytes in all
 *   constant data one section per constant tensor, each starting at a 64-byte aligned offset
 *
 * checksum: CRC-32 (zlib's crc32) of the whole file, computed with the checksum field set to 0.
 * The tables follow the header in the order above, each at an 8-byte aligned offset; gaps are zero.
 * A reader must check every offset, size, count, index and enum before use (src/blob/blob_read.c).
 */
#pragma once

#include <stdint.h>

#define Q8RT_BLOB_MAGIC "Q8RTBLOB" /* 8 bytes, no NUL */
#define Q8RT_BLOB_VERSION 3u
#define Q8RT_BLOB_ALIGN 64u
#define Q8RT_BLOB_NONE UINT32_MAX /* "no tensor" in index fields */

/* Sanity caps, checked before any allocation. */
#define Q8RT_BLOB_MAX_TENSORS 4096u
#define Q8RT_BLOB_MAX_OPS 4096u
#define Q8RT_BLOB_MAX_DIM 65536u
#define Q8RT_BLOB_MAX_FILE_SIZE (UINT64_C(1) << 31)
#define Q8RT_BLOB_MAX_LABELS 65536u

enum q8rt_blob_channel_order { Q8RT_CHANNELS_RGB = 0, Q8RT_CHANNELS_BGR = 1 };

/* How an image becomes the input (docs/preprocessing.md). */
enum q8rt_blob_preprocess {
  /* resize (Pillow's antialiased BILINEAR) so the shorter side is resize_shorter, centre crop crop_height x
   * crop_width: the Caffe2 model card's evaluation */
  Q8RT_PREPROCESS_RESIZE_CROP = 0,
  /* TensorFlow's slim evaluation: central crop of crop_fraction of each side, then TF1 resize_bilinear (no
   * antialiasing, align_corners false, no half-pixel centres) to crop_height x crop_width, rounded to uint8;
   * resize_shorter is 0 */
  Q8RT_PREPROCESS_CENTRAL_CROP = 1,
};

/* The file the blob was converted from (diagnostics: `q8rt info`). */
enum q8rt_blob_source { Q8RT_SOURCE_UNKNOWN = 0, Q8RT_SOURCE_CAFFE2 = 1, Q8RT_SOURCE_TFLITE = 2 };

struct q8rt_blob_header {
  char magic[8];                 /*   0: "Q8RTBLOB" */
  uint32_t version;              /*   8: Q8RT_BLOB_VERSION */
  uint32_t header_size;          /*  12: 128 */
  uint64_t file_size;            /*  16: total bytes */
  uint32_t checksum;             /*  24: CRC-32, see above */
  uint32_t tensor_count;         /*  28 */
  uint32_t op_count;             /*  32 */
  uint32_t string_size;          /*  36 */
  uint64_t tensor_table_offset;  /*  40 */
  uint64_t op_table_offset;      /*  48 */
  uint64_t string_table_offset;  /*  56 */
  uint32_t input_tensor;         /*  64: the quantized model input, uint8 NHWC [1, H, W, C] */
  uint32_t logits_tensor;        /*  68: uint8 input of the final softmax (the "logits") */
  uint32_t output_tensor;        /*  72: float32 probabilities [1, classes] (final Dequantize) */
  /* Image preprocessing (not in the Caffe2 files; converter options, model card defaults). */
  uint32_t resize_shorter;       /*  76: resize so the shorter side is this many pixels (bilinear) */
  uint32_t crop_height;          /*  80: then center-crop to crop_height x crop_width (= input H, W) */
  uint32_t crop_width;           /*  84 */
  uint32_t channel_order;        /*  88: enum q8rt_blob_channel_order: order of the input channels */
  float mean[3];                 /*  92: per input channel (in channel_order), pixel units 0..255 */
  float std[3];                  /* 104: per input channel; value = (pixel - mean) / std */
  /* Optional class names (0, 0, 0: none): label_count = the model's classes, each a NUL-terminated UTF-8 string
   * without a NUL inside, packed back to back in label_size bytes at the 8-byte aligned label_offset. */
  uint32_t label_count;          /* 116 */
  uint32_t label_size;           /* 120 */
  uint32_t label_offset;         /* 124 */
  uint32_t preprocess;           /* 128: enum q8rt_blob_preprocess */
  float crop_fraction;           /* 132: Q8RT_PREPROCESS_CENTRAL_CROP: in (0, 1]; otherwise 0 */
  /* Leading model outputs that are not dataset classes: output i is dataset class i - class_offset (TFLite
   * ImageNet models: 1, output 0 is "background"). Less than the number of outputs. */
  uint32_t class_offset;         /* 136 */
  uint32_t source;               /* 140: enum q8rt_blob_source */
  uint8_t reserved[48];          /* 144: zero */
};

enum q8rt_blob_tensor_kind {
  Q8RT_TENSOR_ACTIVATION = 1,    /* computed at run time; no data */
  Q8RT_TENSOR_CONSTANT = 2,      /* weights or bias; data_offset/data_size valid */
};

enum q8rt_blob_dtype {
  Q8RT_DTYPE_U8 = 1,             /* quantized uint8 (scale, zero_point) */
  Q8RT_DTYPE_F32 = 2,            /* float32 (activations only) */
  /* 3 was version 1's kernel-specific packed weights; never valid in version 2 */
  Q8RT_DTYPE_I32 = 4,            /* int32 bias (scale, zero point 0; constants only) */
};

/* Constants: uint8 weights of conv [Cout,KH,KW,Cin] (OHWI), depthwise [C,KH,KW,1] (element (c, ky, kx) at
 * c * KH * KW + ky * KW + kx) or FC [Cout,K], row-major; int32 biases [Cout]. */
struct q8rt_blob_tensor {
  uint32_t name_offset;          /*  0: into the string table */
  uint32_t name_size;            /*  4 */
  uint8_t kind;                  /*  8: enum q8rt_blob_tensor_kind */
  uint8_t dtype;                 /*  9: enum q8rt_blob_dtype */
  uint8_t reserved0;             /* 10: zero */
  uint8_t rank;                  /* 11: 1..4 */
  uint32_t dims[4];              /* 12: activations NHWC [N,H,W,C] or [N,C]; constants as above; unused dims 0 */
  float scale;                   /* 28: > 0, finite */
  uint8_t zero_point;            /* 32: int32 tensors: 0 */
  uint8_t reserved1[7];          /* 33: zero */
  uint64_t data_offset;          /* 40: constants: 64-byte aligned offset into the file; activations 0 */
  uint64_t data_size;            /* 48: constants: elements x element size exactly; activations 0 */
  uint8_t reserved[8];           /* 56: zero */
};

enum q8rt_blob_op_type {
  Q8RT_OP_CONV = 1,              /* Int8Conv / Int8ConvRelu, dense (groups = 1): inputs x, weights, bias or NONE */
  Q8RT_OP_DWCONV = 2,            /* depthwise 3x3 (groups = channels): inputs x, weights, bias or NONE */
  Q8RT_OP_FC = 3,                /* Int8FC: inputs x [N, K] (or any [N, ..] flattened), weights, bias or NONE */
  Q8RT_OP_ADD = 4,               /* Int8Sum / Int8SumRelu: inputs a, b */
  Q8RT_OP_AVGPOOL = 5,           /* Int8AveragePool (windowed, or global if Q8RT_OP_FLAG_GLOBAL) */
  Q8RT_OP_SOFTMAX = 6,           /* Int8Softmax: output scale 1/256, zero point 0 */
  Q8RT_OP_DEQUANTIZE = 7,        /* Int8Dequantize: uint8 -> float32 */
};

#define Q8RT_OP_FLAG_GLOBAL 1u

/* A TFLite op's fused activation. The uint8 clamp output_min / output_max already holds its effect on the int8
 * path; the fp32 network (docs/arithmetic.md "fp32") applies it in float. */
enum q8rt_blob_activation {
  Q8RT_ACTIVATION_NONE = 0,
  Q8RT_ACTIVATION_RELU = 1,         /* [0, inf) */
  Q8RT_ACTIVATION_RELU_N1_TO_1 = 2, /* [-1, 1] */
  Q8RT_ACTIVATION_RELU6 = 3,        /* [0, 6] */
};

/* The arithmetic an op follows (docs/arithmetic.md). */
enum q8rt_blob_rule {
  Q8RT_BLOB_RULE_CAFFE2 = 0,        /* Caffe2 Int8* ops: QNNPACK's requantization, q8vadd, average pooling, softargmax */
  Q8RT_BLOB_RULE_TFLITE = 1,        /* TFLite reference kernels (default build: two roundings) */
  Q8RT_BLOB_RULE_TFLITE_SINGLE = 2, /* TFLite reference kernels built with TFLITE_SINGLE_ROUNDING */
};

struct q8rt_blob_op {
  uint16_t type;                 /*  0: enum q8rt_blob_op_type */
  uint8_t output_min;            /*  2: output clamp (Relu folded: output zero point) */
  uint8_t output_max;            /*  3 */
  uint32_t inputs[3];            /*  4: tensor indices, Q8RT_BLOB_NONE when unused */
  uint32_t output;               /* 16: tensor index */
  uint16_t kernel_h, kernel_w;   /* 20 */
  uint16_t stride_h, stride_w;   /* 24 */
  uint16_t dilation_h, dilation_w; /* 28: 1 */
  uint16_t pad_top, pad_left;    /* 32 */
  uint16_t pad_bottom, pad_right; /* 36 */
  uint32_t groups;               /* 40 */
  uint32_t flags;                /* 44: Q8RT_OP_FLAG_* */
  uint32_t source_op;            /* 48: index of the Caffe2 / TFLite operator it came from (diagnostics) */
  uint8_t rule;                  /* 52: enum q8rt_blob_rule */
  uint8_t activation;            /* 53: TFLite ops: enum q8rt_blob_activation (the fp32 network's clamp); else 0 */
  uint8_t reserved[10];          /* 54: zero */
};

_Static_assert(sizeof(struct q8rt_blob_header) == 192, "blob header is 192 bytes");
_Static_assert(sizeof(struct q8rt_blob_tensor) == 64, "tensor record is 64 bytes");
_Static_assert(sizeof(struct q8rt_blob_op) == 64, "op record is 64 bytes");

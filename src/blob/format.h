/*
 * The q8rt blob: on-disk format, version 1. All integers little-endian, all floats IEEE-754 binary32.
 *
 *   offset 0      struct q8rt_blob_header (128 bytes)
 *   tensor_table  tensor_count x struct q8rt_blob_tensor (64 bytes each)
 *   op_table      op_count x struct q8rt_blob_op (64 bytes each), in execution order
 *   string_table  string_size bytes: tensor names (not NUL-terminated, referenced by offset + size)
 *   weight data   one section per constant tensor, each starting at a 64-byte aligned offset
 *
 * checksum: CRC-32 (zlib's crc32) of the whole file, computed with the checksum field set to 0.
 * The tables follow the header in the order above, each at an 8-byte aligned offset; gaps are zero.
 * A reader must check every offset, size, count, index and enum before use (src/blob/blob_read.c).
 */
#pragma once

#include <stdint.h>

#define Q8RT_BLOB_MAGIC "Q8RTBLOB" /* 8 bytes, no NUL */
#define Q8RT_BLOB_VERSION 1u
#define Q8RT_BLOB_ALIGN 64u
#define Q8RT_BLOB_NONE UINT32_MAX /* "no tensor" in index fields */

/* Sanity caps, checked before any allocation. */
#define Q8RT_BLOB_MAX_TENSORS 4096u
#define Q8RT_BLOB_MAX_OPS 4096u
#define Q8RT_BLOB_MAX_DIM 65536u
#define Q8RT_BLOB_MAX_FILE_SIZE (UINT64_C(1) << 31)

enum q8rt_blob_channel_order { Q8RT_CHANNELS_RGB = 0, Q8RT_CHANNELS_BGR = 1 };

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
  uint8_t reserved[12];          /* 116: zero */
};

enum q8rt_blob_tensor_kind {
  Q8RT_TENSOR_ACTIVATION = 1,    /* computed at run time; no data */
  Q8RT_TENSOR_WEIGHTS = 2,       /* constant, packed; data_offset/data_size valid */
};

enum q8rt_blob_dtype {
  Q8RT_DTYPE_U8 = 1,             /* quantized uint8 (scale, zero_point) */
  Q8RT_DTYPE_F32 = 2,            /* float32 */
  Q8RT_DTYPE_PACKED = 3,         /* packed weights, see layout */
};

/* layout values: 0 = plain row-major (activations are NHWC), or a packed layout tag from
 * kernels/layout.h (Q8RT_LAYOUT_GEMM, Q8RT_LAYOUT_DWCONV) with layout_nr/layout_kr recorded. */
struct q8rt_blob_tensor {
  uint32_t name_offset;          /*  0: into the string table */
  uint32_t name_size;            /*  4 */
  uint8_t kind;                  /*  8: enum q8rt_blob_tensor_kind */
  uint8_t dtype;                 /*  9: enum q8rt_blob_dtype */
  uint8_t layout;                /* 10 */
  uint8_t rank;                  /* 11: 1..4 */
  uint32_t dims[4];              /* 12: activations NHWC [N,H,W,C] or [N,C]; conv weights OHWI
                                        [Cout,KH,KW,Cin]; depthwise [C,KH,KW,1]; FC [N,K] */
  float scale;                   /* 28: > 0, finite */
  uint8_t zero_point;            /* 32 */
  uint8_t layout_nr;             /* 33: NR (GEMM) or CR (depthwise) of the packing; 0 otherwise */
  uint8_t layout_kr;             /* 34: KR of the packing; 0 otherwise */
  uint8_t reserved0;             /* 35 */
  float bias_scale;              /* 36: scale of the int32 bias folded into packed weights (info) */
  uint64_t data_offset;          /* 40: weights: 64-byte aligned offset into the file */
  uint64_t data_size;            /* 48: weights: bytes, must equal the packed size for dims/layout */
  uint8_t reserved[8];           /* 56 */
};

enum q8rt_blob_op_type {
  Q8RT_OP_CONV = 1,              /* Int8Conv / Int8ConvRelu, dense (groups = 1): inputs x, weights */
  Q8RT_OP_DWCONV = 2,            /* depthwise 3x3 (groups = channels): inputs x, weights */
  Q8RT_OP_FC = 3,                /* Int8FC: inputs x [N, K] (or any [N, ..] flattened), weights */
  Q8RT_OP_ADD = 4,               /* Int8Sum / Int8SumRelu: inputs a, b */
  Q8RT_OP_AVGPOOL = 5,           /* Int8AveragePool (windowed, or global if Q8RT_OP_FLAG_GLOBAL) */
  Q8RT_OP_SOFTMAX = 6,           /* Int8Softmax: output scale 1/256, zero point 0 */
  Q8RT_OP_DEQUANTIZE = 7,        /* Int8Dequantize: uint8 -> float32 */
};

#define Q8RT_OP_FLAG_GLOBAL 1u

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
  uint32_t source_op;            /* 48: index of the Caffe2 operator it came from (diagnostics) */
  uint8_t reserved[12];          /* 52 */
};

_Static_assert(sizeof(struct q8rt_blob_header) == 128, "blob header is 128 bytes");
_Static_assert(sizeof(struct q8rt_blob_tensor) == 64, "tensor record is 64 bytes");
_Static_assert(sizeof(struct q8rt_blob_op) == 64, "op record is 64 bytes");

/* Weight packers of the kernel configurations (src/ops/config.h): each builds one kernel's packed layout
 * (kernels/layout.h, kernels/f32gemm/f32params.h) straight from the blob's raw tensors (docs/blob-format.md:
 * uint8 weights in OHWI order, int32 bias), with one signature, so that a configuration names its packer and its
 * size function and nothing else needs to know the layout. The runtime calls them once per model and
 * configuration (src/ops/weight_cache.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The raw weights of one conv / depthwise / fully connected op. */
struct q8rt_pack_src {
  size_t n;                   /* output channels (depthwise: channels) */
  size_t kc;                  /* input channels per tap (depthwise: 1) */
  size_t ks;                  /* taps KH * KW (fully connected: 1; depthwise: 9) */
  uint8_t input_zero_point;
  uint8_t kernel_zero_point;
  const uint8_t* w;           /* n x ks x kc uint8 (OHWI); depthwise: channels x 3 x 3 ([c][ky][kx]) */
  const int32_t* bias;        /* n int32 or NULL (zeros) */
  float weight_scale;         /* fp32 packers: w_f = (w - kernel_zero_point) * weight_scale */
  float bias_scale;           /* fp32 packers: bias_f = bias * bias_scale */
};

/* Bytes a packer writes for src (at most 2^40 for any shape the loader accepts). */
typedef size_t (*q8rt_packed_size_fn)(const struct q8rt_pack_src* src);
/* Writes the packed weights into out (q8rt_packed_size_fn bytes, 64-byte aligned). Every folded int32 bias,
 * bias - input_zero_point * sum(w - kernel_zero_point), must fit int32 (q8rt_pack_bias_fits; the model loader
 * checks it). */
typedef void (*q8rt_pack_fn)(const struct q8rt_pack_src* src, void* out);

/* True if every folded bias of src fits int32. */
bool q8rt_pack_bias_fits(const struct q8rt_pack_src* src);

/* int8, Q8RT_LAYOUT_GEMM (4-column panels, int16 w - kzp, rotated c8 blocks). */
size_t q8rt_packed_size_gemm_4x8(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_4x8(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_TAP_PAIRS (kc <= 4: two taps per 8-k block). */
size_t q8rt_packed_size_gemm_tap_pairs(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_tap_pairs(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_VNNI (16-column panels, int8 w - 128, groups of 4 k). */
size_t q8rt_packed_size_gemm_16x4(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_16x4(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_8X8 (8-column panels, uint8 w k-major, blocks of 8 k). */
size_t q8rt_packed_size_gemm_8x8(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_8x8(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_8X8_W16 (the same panels with int16 w - kzp). */
size_t q8rt_packed_size_gemm_8x8_w16(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_8x8_w16(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_DOT (16-column panels, raw uint8 w in groups of 4 k per column, for udot). */
size_t q8rt_packed_size_gemm_16x4_dot(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_16x4_dot(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_I8MM (16-column panels, raw uint8 w in groups of 8 k per column, for ummla). */
size_t q8rt_packed_size_gemm_16x8_i8mm(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_16x8_i8mm(const struct q8rt_pack_src* src, void* out);
/* int8, Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS (kc <= 4: the i8mm panels with two taps of 4-byte slots per 8-k group). */
size_t q8rt_packed_size_gemm_16x8_i8mm_tp(const struct q8rt_pack_src* src);
void q8rt_pack_gemm_16x8_i8mm_tp(const struct q8rt_pack_src* src, void* out);
/* int8 depthwise, Q8RT_LAYOUT_DWCONV (16-channel tiles, int16 w - kzp). */
size_t q8rt_packed_size_dw_16(const struct q8rt_pack_src* src);
void q8rt_pack_dw_16(const struct q8rt_pack_src* src, void* out);
/* int8 depthwise, Q8RT_LAYOUT_DWCONV_16P (16-channel tiles, plain channel order, int16 w - kzp; pack_dw16p.c). */
size_t q8rt_packed_size_dw_16p(const struct q8rt_pack_src* src);
void q8rt_pack_dw_16p(const struct q8rt_pack_src* src, void* out);
/* int8 depthwise, Q8RT_LAYOUT_DWCONV_DOT (16-channel tiles, raw uint8 column triples for udot; pack_dw_dot.c). */
size_t q8rt_packed_size_dw_dot(const struct q8rt_pack_src* src);
void q8rt_pack_dw_dot(const struct q8rt_pack_src* src, void* out);
/* int8 depthwise, Q8RT_LAYOUT_DWCONV_VNNI (64-channel int8 blocks, then 16-channel tiles). */
size_t q8rt_packed_size_dw_64(const struct q8rt_pack_src* src);
void q8rt_pack_dw_64(const struct q8rt_pack_src* src, void* out);
/* fp32 GEMM panels of 8, 16 or 32 floats (kernels/f32gemm/f32params.h: bias, then [ks][kc][nr]). */
size_t q8rt_packed_size_f32_gemm_8(const struct q8rt_pack_src* src);
void q8rt_pack_f32_gemm_8(const struct q8rt_pack_src* src, void* out);
size_t q8rt_packed_size_f32_gemm_16(const struct q8rt_pack_src* src);
void q8rt_pack_f32_gemm_16(const struct q8rt_pack_src* src, void* out);
size_t q8rt_packed_size_f32_gemm_32(const struct q8rt_pack_src* src);
void q8rt_pack_f32_gemm_32(const struct q8rt_pack_src* src, void* out);
/* fp32 depthwise tiles of Q8RT_F32_DW_CR channels. */
size_t q8rt_packed_size_f32_dw(const struct q8rt_pack_src* src);
void q8rt_pack_f32_dw_src(const struct q8rt_pack_src* src, void* out);

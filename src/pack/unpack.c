/* Unpacking of the int8 packed layouts (kernels/layout.h): the exact inverse of pack_gemm.c / pack_dw.c. */
#include "pack/unpack.h"

#include <string.h>

#include "../../kernels/layout.h"
#include "../common/common.h"
#include "pack_size.h"

void q8rt_unpack_gemm_int(size_t n, size_t kc, size_t ks, uint8_t input_zero_point, uint8_t kernel_zero_point,
                          const void* packed, int16_t* w, int32_t* bias) {
  (void) kernel_zero_point; /* stored pre-subtracted */
  const size_t kc_padded = (kc + Q8RT_GEMM_KR - 1) / Q8RT_GEMM_KR * Q8RT_GEMM_KR;
  const size_t panel_bytes = (size_t) q8rt_gemm_panel_bytes(kc, ks);
  for (size_t n0 = 0; n0 < n; n0 += Q8RT_GEMM_NR) {
    const uint8_t* in = (const uint8_t*) packed + (n0 / Q8RT_GEMM_NR) * panel_bytes;
    const size_t nb = n - n0 < Q8RT_GEMM_NR ? n - n0 : Q8RT_GEMM_NR;
    int32_t panel_bias[Q8RT_GEMM_NR];
    memcpy(panel_bias, in, sizeof panel_bias);
    in += sizeof panel_bias;
    for (size_t t = 0; t < ks; t++) {
      for (size_t k0 = 0; k0 < kc_padded; k0 += Q8RT_GEMM_KR) {
        for (size_t r = 0; r < Q8RT_GEMM_NR; r++) {
          for (size_t i = 0; i < Q8RT_GEMM_KR; i++) {
            const size_t j = (i / 2 + r) % Q8RT_GEMM_NR, k = k0 + i;
            int16_t v;
            memcpy(&v, in, sizeof v);
            in += sizeof v;
            if (j < nb && k < kc) w[((n0 + j) * ks + t) * kc + k] = v;
          }
        }
      }
    }
    for (size_t j = 0; j < nb; j++) {
      const int16_t* wn = w + (n0 + j) * ks * kc;
      int64_t wsum = 0;
      for (size_t i = 0; i < ks * kc; i++) wsum += wn[i];
      bias[n0 + j] = (int32_t) ((int64_t) panel_bias[j] + (int64_t) input_zero_point * wsum);
    }
  }
}

void q8rt_unpack_dw_int(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point, const void* packed,
                        int16_t* w, int32_t* bias) {
  (void) kernel_zero_point; /* stored pre-subtracted */
  const uint8_t* in = (const uint8_t*) packed;
  for (size_t c0 = 0; c0 < channels; c0 += Q8RT_DW_CR) {
    const size_t cb = channels - c0 < Q8RT_DW_CR ? channels - c0 : Q8RT_DW_CR;
    int32_t tile_bias[Q8RT_DW_CR];
    int16_t tile_w[Q8RT_DW_TAP_PAIRS][Q8RT_DW_CR][2];
    memcpy(tile_bias, in, sizeof tile_bias);
    in += sizeof tile_bias;
    memcpy(tile_w, in, sizeof tile_w);
    in += sizeof tile_w;
    for (size_t j = 0; j < cb; j++) {
      const size_t lane = Q8RT_DW_LANE(j);
      int64_t wsum = 0;
      for (size_t kx = 0; kx < 3; kx++) {
        for (size_t ky = 0; ky < 3; ky++) {
          const size_t t = kx * 3 + ky;
          const int16_t v = tile_w[t / 2][lane][t % 2];
          w[(c0 + j) * 9 + ky * 3 + kx] = v;
          wsum += v;
        }
      }
      bias[c0 + j] = (int32_t) ((int64_t) tile_bias[lane] + (int64_t) input_zero_point * wsum);
    }
  }
}

static bool dequantize(size_t n, size_t count, int16_t* wi, int32_t* bi, float weight_scale, float bias_scale,
                       float* w, float* bias) {
  for (size_t i = 0; i < count; i++) w[i] = (float) wi[i] * weight_scale;
  for (size_t i = 0; i < n; i++) bias[i] = (float) ((double) bi[i] * (double) bias_scale);
  q8rt_free(wi);
  q8rt_free(bi);
  return true;
}

bool q8rt_unpack_gemm(size_t n, size_t kc, size_t ks, uint8_t input_zero_point, uint8_t kernel_zero_point,
                      float weight_scale, float bias_scale, const void* packed, float* w, float* bias) {
  const size_t count = n * ks * kc;
  int16_t* wi = q8rt_alloc_zeroed(count, sizeof *wi);
  int32_t* bi = q8rt_alloc_zeroed(n, sizeof *bi);
  if (wi == NULL || bi == NULL) {
    q8rt_free(wi);
    q8rt_free(bi);
    return false;
  }
  q8rt_unpack_gemm_int(n, kc, ks, input_zero_point, kernel_zero_point, packed, wi, bi);
  return dequantize(n, count, wi, bi, weight_scale, bias_scale, w, bias);
}

bool q8rt_unpack_dw(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point, float weight_scale,
                    float bias_scale, const void* packed, float* w, float* bias) {
  const size_t count = channels * 9;
  int16_t* wi = q8rt_alloc_zeroed(count, sizeof *wi);
  int32_t* bi = q8rt_alloc_zeroed(channels, sizeof *bi);
  if (wi == NULL || bi == NULL) {
    q8rt_free(wi);
    q8rt_free(bi);
    return false;
  }
  q8rt_unpack_dw_int(channels, input_zero_point, kernel_zero_point, packed, wi, bi);
  return dequantize(channels, count, wi, bi, weight_scale, bias_scale, w, bias);
}

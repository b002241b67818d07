/* Weight packing for the micro-kernels (layouts in kernels/layout.h). */
#include "pack/pack.h"

#include <string.h>

#include "../../kernels/layout.h"

static size_t round_up(size_t x, size_t q) { return (x + q - 1) / q * q; }

size_t q8rt_pack_gemm_size(size_t n, size_t kc, size_t ks) {
  const size_t panels = round_up(n, Q8RT_GEMM_NR) / Q8RT_GEMM_NR;
  const size_t kc_padded = round_up(kc, Q8RT_GEMM_KR);
  return panels * (Q8RT_GEMM_NR * sizeof(int32_t) + ks * kc_padded * Q8RT_GEMM_NR);
}

static bool fold_bias(int32_t bias, int64_t wsum, uint8_t input_zero_point, int32_t* out) {
  const int64_t v = (int64_t) bias - (int64_t) input_zero_point * wsum;
  if (v < INT32_MIN || v > INT32_MAX) return false;
  *out = (int32_t) v;
  return true;
}

bool q8rt_pack_gemm(size_t n, size_t kc, size_t ks, uint8_t input_zero_point, uint8_t kernel_zero_point,
                    const uint8_t* w, const int32_t* bias, void* packed) {
  const size_t kc_padded = round_up(kc, Q8RT_GEMM_KR);
  uint8_t* out = (uint8_t*) packed;
  bool ok = true;
  for (size_t n0 = 0; n0 < n; n0 += Q8RT_GEMM_NR) {
    const size_t nb = n - n0 < Q8RT_GEMM_NR ? n - n0 : Q8RT_GEMM_NR;
    int32_t panel_bias[Q8RT_GEMM_NR] = {0};
    for (size_t j = 0; j < nb; j++) {
      const uint8_t* wn = w + (n0 + j) * ks * kc;
      int64_t wsum = 0;
      for (size_t i = 0; i < ks * kc; i++) wsum += (int64_t) wn[i] - (int64_t) kernel_zero_point;
      if (!fold_bias(bias != NULL ? bias[n0 + j] : 0, wsum, input_zero_point, &panel_bias[j])) ok = false;
    }
    memcpy(out, panel_bias, sizeof panel_bias);
    out += sizeof panel_bias;
    for (size_t t = 0; t < ks; t++) {
      for (size_t k0 = 0; k0 < kc_padded; k0 += Q8RT_GEMM_KR) {
        for (size_t j = 0; j < Q8RT_GEMM_NR; j++) {
          for (size_t r = 0; r < Q8RT_GEMM_KR; r++) {
            const size_t k = k0 + r;
            *out++ = (j < nb && k < kc) ? w[((n0 + j) * ks + t) * kc + k] : kernel_zero_point;
          }
        }
      }
    }
  }
  return ok;
}

size_t q8rt_pack_dw_size(size_t channels) {
  const size_t tiles = round_up(channels, Q8RT_DW_CR) / Q8RT_DW_CR;
  return tiles * (Q8RT_DW_CR * sizeof(int32_t) + Q8RT_DW_TAPS * Q8RT_DW_CR);
}

bool q8rt_pack_dw(size_t channels, uint8_t input_zero_point, uint8_t kernel_zero_point, const uint8_t* w,
                  const int32_t* bias, void* packed) {
  uint8_t* out = (uint8_t*) packed;
  bool ok = true;
  for (size_t c0 = 0; c0 < channels; c0 += Q8RT_DW_CR) {
    const size_t cb = channels - c0 < Q8RT_DW_CR ? channels - c0 : Q8RT_DW_CR;
    int32_t tile_bias[Q8RT_DW_CR] = {0};
    for (size_t j = 0; j < cb; j++) {
      const uint8_t* wc = w + (c0 + j) * Q8RT_DW_TAPS;
      int64_t wsum = 0;
      for (size_t i = 0; i < Q8RT_DW_TAPS; i++) wsum += (int64_t) wc[i] - (int64_t) kernel_zero_point;
      if (!fold_bias(bias != NULL ? bias[c0 + j] : 0, wsum, input_zero_point, &tile_bias[j])) ok = false;
    }
    memcpy(out, tile_bias, sizeof tile_bias);
    out += sizeof tile_bias;
    for (size_t kx = 0; kx < 3; kx++) {
      for (size_t ky = 0; ky < 3; ky++) {
        /* tap t = kx * 3 + ky */
        for (size_t j = 0; j < Q8RT_DW_CR; j++) {
          *out++ = j < cb ? w[(c0 + j) * Q8RT_DW_TAPS + ky * 3 + kx] : kernel_zero_point;
        }
      }
    }
  }
  return ok;
}

/* fp32 weight packing (kernels/f32gemm/f32params.h). */
#include "pack/pack_f32.h"

#include <string.h>

#include "../../kernels/f32gemm/f32params.h"

size_t q8rt_pack_f32_gemm_panel_floats(size_t kc, size_t ks, size_t nr) { return nr + ks * kc * nr; }

size_t q8rt_pack_f32_gemm_floats(size_t n, size_t kc, size_t ks, size_t nr) {
  return (n + nr - 1) / nr * q8rt_pack_f32_gemm_panel_floats(kc, ks, nr);
}

void q8rt_pack_f32_gemm(size_t n, size_t kc, size_t ks, size_t nr, const float* w, const float* bias, float* packed) {
  float* out = packed;
  for (size_t n0 = 0; n0 < n; n0 += nr) {
    const size_t nb = n - n0 < nr ? n - n0 : nr;
    for (size_t j = 0; j < nr; j++) *out++ = j < nb ? bias[n0 + j] : 0.0f;
    for (size_t t = 0; t < ks; t++) {
      for (size_t k = 0; k < kc; k++) {
        for (size_t j = 0; j < nr; j++) *out++ = j < nb ? w[((n0 + j) * ks + t) * kc + k] : 0.0f;
      }
    }
  }
}

size_t q8rt_pack_f32_dw_floats(size_t channels) {
  return (channels + Q8RT_F32_DW_CR - 1) / Q8RT_F32_DW_CR * (Q8RT_F32_DW_TAPS + 1) * Q8RT_F32_DW_CR;
}

void q8rt_pack_f32_dw(size_t channels, const float* w, const float* bias, float* packed) {
  float* out = packed;
  for (size_t c0 = 0; c0 < channels; c0 += Q8RT_F32_DW_CR) {
    const size_t cb = channels - c0 < Q8RT_F32_DW_CR ? channels - c0 : Q8RT_F32_DW_CR;
    for (size_t j = 0; j < Q8RT_F32_DW_CR; j++) out[j] = j < cb ? bias[c0 + j] : 0.0f;
    for (size_t kx = 0; kx < 3; kx++) {
      for (size_t ky = 0; ky < 3; ky++) {
        float* row = out + (1 + kx * 3 + ky) * Q8RT_F32_DW_CR;
        for (size_t j = 0; j < Q8RT_F32_DW_CR; j++) row[j] = j < cb ? w[(c0 + j) * 9 + ky * 3 + kx] : 0.0f;
      }
    }
    out += (Q8RT_F32_DW_TAPS + 1) * Q8RT_F32_DW_CR;
  }
}

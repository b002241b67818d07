/* GEMM / convolution weight packing (Q8RT_LAYOUT_GEMM, kernels/layout.h). */
#include "pack/pack.h"

#include <string.h>

#include "../../kernels/layout.h"
#include "fold.h"
#include "pack_size.h"

_Static_assert(Q8RT_GEMM_KR == 2 * Q8RT_GEMM_NR, "rotated c8 blocks: one int32 lane per column");

static size_t round_up(size_t x, size_t q) { return (x + q - 1) / q * q; }

size_t q8rt_pack_gemm_size(size_t n, size_t kc, size_t ks) { return (size_t) q8rt_packed_gemm_bytes(n, kc, ks); }

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
      if (!q8rt_fold_bias(bias != NULL ? bias[n0 + j] : 0, wsum, input_zero_point, &panel_bias[j])) ok = false;
    }
    memcpy(out, panel_bias, sizeof panel_bias);
    out += sizeof panel_bias;
    for (size_t t = 0; t < ks; t++) {
      for (size_t k0 = 0; k0 < kc_padded; k0 += Q8RT_GEMM_KR) {
        for (size_t r = 0; r < Q8RT_GEMM_NR; r++) {
          for (size_t i = 0; i < Q8RT_GEMM_KR; i++) {
            /* lane pair i / 2 of vector r holds column (i / 2 + r) % NR (kernels/layout.h) */
            const size_t j = (i / 2 + r) % Q8RT_GEMM_NR, k = k0 + i;
            const int16_t v = (j < nb && k < kc)
                                  ? (int16_t) ((int) w[((n0 + j) * ks + t) * kc + k] - (int) kernel_zero_point)
                                  : 0;
            memcpy(out, &v, sizeof v);
            out += sizeof v;
          }
        }
      }
    }
  }
  return ok;
}


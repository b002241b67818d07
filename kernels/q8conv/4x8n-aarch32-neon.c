/*
 * q8conv 4x8n multi-panel micro-kernel, armv7 NEON: indirect convolution on Q8RT_LAYOUT_GEMM_8X8 panels (uint8
 * weights [ks][round_up(kc, 8)][8]), mr <= 4 pixels x any nc >= 1 columns over consecutive panels (each
 * 32 + ks * round_up(kc, 8) * 8 bytes), for a first layer's few channels: kc <= 4. Scalar twin: q8conv
 * 4x8-scalar.c per panel (the same int32 sums and requantization).
 *
 * The 4 rows of every tap (4 pointers per tap, as q8conv 4x8) are widened once per call into one group of 4 k
 * per tap (kernels/q8gemm/4x8n-aarch32-neon.h, which also holds the register use and the requantization); the
 * panel loop is inline assembly: per tap one A load, one weight load (the tap's padded k skipped by the
 * post-increment), kc vsubl and 8 kc vmlal.s16 by scalar (kc <= 3: three k, kc = 4: four). Other kc, or more
 * than Q8RT_Q8CONV_4X8N_MAX_KS taps, run the 4x8 kernel per panel.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x8n-aarch32-neon.h"
#include "q8conv.h"

#define Q8RT_Q8CONV_4X8N_MAX_KS 64

void q8rt_q8conv_ukernel_4x8n__aarch32_neon(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t kc8 = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  if (kc > 4 || ks > Q8RT_Q8CONV_4X8N_MAX_KS) {
    const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + ks * kc8 * Q8RT_GEMM8_NR;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      q8rt_q8conv_ukernel_4x8__aarch32_neon(mr, nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR, kc, ks, a,
                                            (const uint8_t*) packed_w + (n0 / Q8RT_GEMM8_NR) * panel_bytes, c + n0,
                                            c_stride, params);
    }
    return;
  }
  int16_t abuf[Q8RT_Q8CONV_4X8N_MAX_KS * 16] __attribute__((aligned(16)));
  for (size_t t = 0; t < ks; t++) {
    q8rt_aarch32_4x8n_widen2(abuf + t * 16, a[t * 4], a[t * 4 + 1], a[t * 4 + 2], a[t * 4 + 3], 0);
  }
  struct q8rt_aarch32_4x8n_params p __attribute__((aligned(16)));
  const size_t mode = q8rt_aarch32_4x8n_init(&p, params, mr);
  const size_t tap_bytes = kc8 * Q8RT_GEMM8_NR;
  const uint8_t* w = (const uint8_t*) packed_w;
  const struct q8rt_aarch32_4x8n_params* pp = &p;
  for (;;) {
    const int16_t* pa;
    size_t count;
    const uint8_t* t;
    if (kc == 4) {
      __asm__ volatile(
          "0:\n\t"
          Q8RT_4X8N_BEGIN Q8RT_4X8N_KZP
          "mov %[pa], %[abuf]\n\t"
          "mov %[count], %[ks]\n\t"
          "1:\n\t"
          "vld1.16 {d0-d3}, [%[pa]]!\n\t"
          "vld1.8 {d8-d11}, [%[w]], %[step]\n\t"
          Q8RT_4X8N_K0 Q8RT_4X8N_K1 Q8RT_4X8N_K2 Q8RT_4X8N_K3
          "subs %[count], %[count], #1\n\t"
          "bne 1b\n\t"
          Q8RT_4X8N_END
          : [w] "+r"(w), [c] "+r"(c), [nc] "+r"(nc), [pa] "=&r"(pa), [count] "=&r"(count), [t] "=&r"(t)
          : [abuf] "r"(abuf), [ks] "r"(ks), [pp] "r"(pp), [mode] "r"(mode), [cs] "r"(c_stride), [step] "r"(tap_bytes)
          : Q8RT_4X8N_CLOBBERS);
    } else { /* kc 1..3: three k (the padded ones meet zero weights) */
      __asm__ volatile(
          "0:\n\t"
          Q8RT_4X8N_BEGIN Q8RT_4X8N_KZP
          "mov %[pa], %[abuf]\n\t"
          "mov %[count], %[ks]\n\t"
          "1:\n\t"
          "vld1.16 {d0-d3}, [%[pa]]!\n\t"
          "vld1.8 {d8-d10}, [%[w]], %[step]\n\t"
          Q8RT_4X8N_K0 Q8RT_4X8N_K1 Q8RT_4X8N_K2
          "subs %[count], %[count], #1\n\t"
          "bne 1b\n\t"
          Q8RT_4X8N_END
          : [w] "+r"(w), [c] "+r"(c), [nc] "+r"(nc), [pa] "=&r"(pa), [count] "=&r"(count), [t] "=&r"(t)
          : [abuf] "r"(abuf), [ks] "r"(ks), [pp] "r"(pp), [mode] "r"(mode), [cs] "r"(c_stride), [step] "r"(tap_bytes)
          : Q8RT_4X8N_CLOBBERS);
    }
    if (nc == 0) return;
    /* a partial tile, in p.out */
    const size_t nr = nc < Q8RT_GEMM8_NR ? nc : Q8RT_GEMM8_NR;
    q8rt_aarch32_4x8n_store_partial(&p, mr, nr, c, c_stride);
    if (nc <= Q8RT_GEMM8_NR) return;
    nc -= Q8RT_GEMM8_NR;
    c += Q8RT_GEMM8_NR;
  }
}

/*
 * q8gemm 4x8n multi-panel micro-kernel, armv7 NEON, on the Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h): mr <= 4
 * rows x any nc >= 1 columns over consecutive panels (the multi-panel contract of q8gemm.h). Scalar twin:
 * q8gemm 1x8n-scalar.c (any mr x nc on the same panels, the same int32 sums and requantization).
 *
 * The mr rows of A are widened to int16 once per call into a stack buffer (building blocks and register use:
 * 4x8n-aarch32-neon.h), per block of 8 k two groups of 4 k. The panel loop is inline assembly: per 4 k one A
 * load, one 32-byte weight load, per k a vsubl against the kernel zero point and 8 vmlal.s16 by scalar (256 MACs
 * in 78 instructions per 8 k), then the requantization and the four row stores of a whole tile. One row (mr = 1)
 * runs the 1x8n GEMV kernel; k above Q8RT_Q8GEMM_4X8N_MAX_K (the stack buffer) the 4x8 kernel per panel.
 * Not in the armv7 table, whose GEMMs run 4x8w16n on int16 panels (6 instructions fewer per 8 k, twice the weight
 * bytes); kept, and tested, for a table that prefers the uint8 panels.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__ARM_NEON) || defined(__aarch64__)
#error "this file is for armv7 with -mfpu=neon"
#endif

#include "../layout.h"
#include "../params.h"
#include "4x8n-aarch32-neon.h"
#include "q8gemm.h"

#define Q8RT_Q8GEMM_4X8N_MAX_K 2048

void q8rt_q8gemm_ukernel_4x8n__aarch32_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t blocks = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR;
  if (mr == 1) { /* one row: the GEMV kernel (half the instructions of a 4-row tile with 3 unused rows) */
    q8rt_q8gemm_ukernel_1x8n__aarch32_neon(1, nc, k, a, a_stride, packed_w, c, c_stride, params);
    return;
  }
  if (k > Q8RT_Q8GEMM_4X8N_MAX_K) {
    const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + blocks * Q8RT_GEMM8_KR * Q8RT_GEMM8_NR;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      q8rt_q8gemm_ukernel_4x8__aarch32_neon(mr, nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR, k, a, a_stride,
                                            (const uint8_t*) packed_w + (n0 / Q8RT_GEMM8_NR) * panel_bytes, c + n0,
                                            c_stride, params);
    }
    return;
  }
  int16_t abuf[Q8RT_Q8GEMM_4X8N_MAX_K / Q8RT_GEMM8_KR * 32] __attribute__((aligned(16)));
  {
    /* rows mr..3 are never stored: they alias the last real row */
    const uint8_t* a0 = a;
    const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
    const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
    const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;
    int16_t* buf = abuf;
    for (size_t b = blocks; b != 0; b--) {
      q8rt_aarch32_4x8n_widen2(buf, a0, a1, a2, a3, 1);
      a0 += 8;
      a1 += 8;
      a2 += 8;
      a3 += 8;
      buf += 32;
    }
  }
  struct q8rt_aarch32_4x8n_params p __attribute__((aligned(16)));
  const size_t mode = q8rt_aarch32_4x8n_init(&p, params, mr);
  const uint8_t* w = (const uint8_t*) packed_w;
  const struct q8rt_aarch32_4x8n_params* pp = &p;
  for (;;) {
    const int16_t* pa;
    size_t count;
    const uint8_t* t;
    __asm__ volatile(
        "0:\n\t"
        Q8RT_4X8N_BEGIN Q8RT_4X8N_KZP
        "mov %[pa], %[abuf]\n\t"
        "mov %[count], %[blocks]\n\t"
        "1:\n\t"
        "vld1.16 {d0-d3}, [%[pa]]!\n\t"
        "vld1.8 {d8-d11}, [%[w]]!\n\t"
        Q8RT_4X8N_K0 Q8RT_4X8N_K1 Q8RT_4X8N_K2 Q8RT_4X8N_K3
        "vld1.16 {d0-d3}, [%[pa]]!\n\t"
        "vld1.8 {d8-d11}, [%[w]]!\n\t"
        Q8RT_4X8N_K0 Q8RT_4X8N_K1 Q8RT_4X8N_K2 Q8RT_4X8N_K3
        "subs %[count], %[count], #1\n\t"
        "bne 1b\n\t"
        Q8RT_4X8N_END
        : [w] "+r"(w), [c] "+r"(c), [nc] "+r"(nc), [pa] "=&r"(pa), [count] "=&r"(count), [t] "=&r"(t)
        : [abuf] "r"(abuf), [blocks] "r"(blocks), [pp] "r"(pp), [mode] "r"(mode), [cs] "r"(c_stride)
        : Q8RT_4X8N_CLOBBERS);
    if (nc == 0) return;
    /* a partial tile, in p.out */
    const size_t nr = nc < Q8RT_GEMM8_NR ? nc : Q8RT_GEMM8_NR;
    q8rt_aarch32_4x8n_store_partial(&p, mr, nr, c, c_stride);
    if (nc <= Q8RT_GEMM8_NR) return;
    nc -= Q8RT_GEMM8_NR;
    c += Q8RT_GEMM8_NR;
  }
}

/*
 * q8gemm 4x8w16n multi-panel micro-kernel, armv7 NEON, on Q8RT_LAYOUT_GEMM_8X8_W16 panels (kernels/layout.h: the
 * panels of Q8RT_LAYOUT_GEMM_8X8 with int16 w - kernel_zero_point): mr <= 4 rows x any nc >= 1 columns over
 * consecutive panels (the multi-panel contract of q8gemm.h). Scalar twin: q8gemm 1x8w16n-scalar.c.
 *
 * The scheme of q8gemm 4x8n (4x8n-aarch32-neon.c, building blocks and register use in 4x8n-aarch32-neon.h) without
 * the widening of the weights: per 4 k one A load, two 32-byte weight loads and 32 vmlal.s16 by scalar (256 MACs
 * in 72 instructions per 8 k, against 78 with uint8 weights). One row (mr = 1), or k above
 * Q8RT_Q8GEMM_4X8W16N_MAX_K (the stack buffer), runs the 1x8w16n GEMV kernel.
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

#define Q8RT_Q8GEMM_4X8W16N_MAX_K 2048

void q8rt_q8gemm_ukernel_4x8w16n__aarch32_neon(size_t mr, size_t nc, size_t k, const uint8_t* a, size_t a_stride,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t blocks = (k + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR;
  if (mr == 1 || k > Q8RT_Q8GEMM_4X8W16N_MAX_K) {
    q8rt_q8gemm_ukernel_1x8w16n__aarch32_neon(mr, nc, k, a, a_stride, packed_w, c, c_stride, params);
    return;
  }
  int16_t abuf[Q8RT_Q8GEMM_4X8W16N_MAX_K / Q8RT_GEMM8_KR * 32] __attribute__((aligned(16)));
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
        Q8RT_4X8N_BEGIN
        "mov %[pa], %[abuf]\n\t"
        "mov %[count], %[blocks]\n\t"
        "1:\n\t"
        "vld1.16 {d0-d3}, [%[pa]]!\n\t"
        Q8RT_4X8N_W16_K4
        "vld1.16 {d0-d3}, [%[pa]]!\n\t"
        Q8RT_4X8N_W16_K4
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

/*
 * q8conv 8x8n micro-kernel, aarch64 (A64) NEON: indirect convolution of 8 output pixels x any nc columns over
 * consecutive Q8RT_LAYOUT_GEMM_8X8 panels (kernels/layout.h: folded int32 bias[8], then uint8 weights
 * [ks][round_up(kc, 8)][8] per panel), on the indirection buffer of the q8conv 8x8 kernel (8 row pointers per tap).
 * Twin: 8x8n-scalar.c (each panel through the q8conv 8x8 scalar kernel).
 *
 * The 8 rows of every tap are widened to int16 once per call, into a stack buffer laid out tap by tap and block
 * by block (per 8 k: the 8 rows' 8 int16 one after the other), then every panel runs on it (building blocks:
 * kernels/q8gemm/8x8-neon.h), where the q8conv 8x8 kernel loads and widens the 8 rows of every tap again for each
 * panel. kc a multiple of 8: the taps' blocks follow each other in the buffer and in the panel, so a panel is the
 * k loop of the q8gemm 8x8n kernel over ks x kc / 8 blocks (141 instructions per block of 8 rows x 8 k x 8
 * columns). kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC = 4 (a first layer on 3 input channels): per tap two `ld1 {4 regs}`
 * (the 8 rows), one load of the first 16 or 32 weight bytes, and for each of the kc k one usubl / usubl2 and 16
 * smlal / smlal2 by lane, the block's padded k skipped (in assembly, instantiated per kc: 57 instructions per tap
 * for kc = 3). The requantization is set up once per call, in the sequence the parameters select.
 * Rows are read for round_up(kc, 8) bytes per tap (8-byte loads). When ks x round_up(kc, 8) / 8 exceeds
 * Q8RT_Q8CONV8N_MAX_BLOCKS (a 16 KiB buffer), or kc > 4 is not a multiple of 8, each panel runs through the q8conv
 * 8x8 kernel (which takes the kc % 8 last k of a tap one at a time).
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__)
#error "this file is for aarch64"
#endif

#include "../layout.h"
#include "../params.h"
#include "../requantize-neon.h"
#include "../q8gemm/8x8-neon.h"
#include "q8conv.h"

/* Widens the 8 rows of every tap: tap t, block b, row r, k 8b + j at buf[((t * blocks + b) * 8 + r) * 8 + j]. */
static void conv8n_widen(int16_t* buf, size_t ks, size_t blocks, const uint8_t* const* a) {
  for (; ks != 0; ks--) {
    const uint8_t* a0 = a[0];
    const uint8_t* a1 = a[1];
    const uint8_t* a2 = a[2];
    const uint8_t* a3 = a[3];
    const uint8_t* a4 = a[4];
    const uint8_t* a5 = a[5];
    const uint8_t* a6 = a[6];
    const uint8_t* a7 = a[7];
    a += Q8RT_GEMM8_MR;
    for (size_t b = blocks; b != 0; b--) {
      int16x8x4_t v0123, v4567;
      v0123.val[0] = q8rt_neon_8x8_load_row(&a0);
      v0123.val[1] = q8rt_neon_8x8_load_row(&a1);
      v0123.val[2] = q8rt_neon_8x8_load_row(&a2);
      v0123.val[3] = q8rt_neon_8x8_load_row(&a3);
      v4567.val[0] = q8rt_neon_8x8_load_row(&a4);
      v4567.val[1] = q8rt_neon_8x8_load_row(&a5);
      v4567.val[2] = q8rt_neon_8x8_load_row(&a6);
      v4567.val[3] = q8rt_neon_8x8_load_row(&a7);
      vst1q_s16_x4(buf, v0123);
      vst1q_s16_x4(buf + 32, v4567);
      buf += 64;
    }
  }
}

/* The tap loop for kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC (a compile-time constant: the assembler keeps the lanes below
 * it), in assembly like q8rt_neon_8x8_rows8_k8 (gcc 12 adds 9 to 11 register moves per tap to the intrinsics
 * version): the bias of the panel at w into the 16 accumulators, then per tap the 8 widened rows (pa .. pa_end: one
 * block of 8 rows x 8 k per tap) in v0..v7, the tap's first 16 or 32 weight bytes in v8 / v9, per k usubl / usubl2
 * and 16 smlal / smlal2 by lane, the block's padded k skipped. Returns the end of the panel (the next panel). */
static inline __attribute__((always_inline)) const uint8_t* conv8n_small_kc(
    struct q8rt_neon_8x8_acc* acc, const int kc, const uint8_t* w, const int16_t* pa, const int16_t* pa_end,
    uint8x16_t vkzp) {
  __asm__ volatile(
      "ldp %q[l0], %q[h0], [%[w]]\n\t" "ldp %q[l1], %q[h1], [%[w]]\n\t"
      "ldp %q[l2], %q[h2], [%[w]]\n\t" "ldp %q[l3], %q[h3], [%[w]]\n\t"
      "ldp %q[l4], %q[h4], [%[w]]\n\t" "ldp %q[l5], %q[h5], [%[w]]\n\t"
      "ldp %q[l6], %q[h6], [%[w]]\n\t" "ldp %q[l7], %q[h7], [%[w]], #32\n\t"
      "0:\n\t"
      "ld1 {v0.8h-v3.8h}, [%[a]], #64\n\t" "ld1 {v4.8h-v7.8h}, [%[a]], #64\n\t"
      ".if %c[kc] <= 2\n\t" "ld1 {v8.16b}, [%[w]]\n\t" ".else\n\t" "ld1 {v8.16b, v9.16b}, [%[w]]\n\t" ".endif\n\t"
      "add %[w], %[w], #64\n\t"
      "usubl v12.8h, v8.8b, %[kzp].8b\n\t"
      "smlal %[l0].4s, v12.4h, v0.h[0]\n\t" "smlal2 %[h0].4s, v12.8h, v0.h[0]\n\t"
      "smlal %[l1].4s, v12.4h, v1.h[0]\n\t" "smlal2 %[h1].4s, v12.8h, v1.h[0]\n\t"
      "smlal %[l2].4s, v12.4h, v2.h[0]\n\t" "smlal2 %[h2].4s, v12.8h, v2.h[0]\n\t"
      "smlal %[l3].4s, v12.4h, v3.h[0]\n\t" "smlal2 %[h3].4s, v12.8h, v3.h[0]\n\t"
      "smlal %[l4].4s, v12.4h, v4.h[0]\n\t" "smlal2 %[h4].4s, v12.8h, v4.h[0]\n\t"
      "smlal %[l5].4s, v12.4h, v5.h[0]\n\t" "smlal2 %[h5].4s, v12.8h, v5.h[0]\n\t"
      "smlal %[l6].4s, v12.4h, v6.h[0]\n\t" "smlal2 %[h6].4s, v12.8h, v6.h[0]\n\t"
      "smlal %[l7].4s, v12.4h, v7.h[0]\n\t" "smlal2 %[h7].4s, v12.8h, v7.h[0]\n\t"
      ".if %c[kc] > 1\n\t"
      "usubl2 v13.8h, v8.16b, %[kzp].16b\n\t"
      "smlal %[l0].4s, v13.4h, v0.h[1]\n\t" "smlal2 %[h0].4s, v13.8h, v0.h[1]\n\t"
      "smlal %[l1].4s, v13.4h, v1.h[1]\n\t" "smlal2 %[h1].4s, v13.8h, v1.h[1]\n\t"
      "smlal %[l2].4s, v13.4h, v2.h[1]\n\t" "smlal2 %[h2].4s, v13.8h, v2.h[1]\n\t"
      "smlal %[l3].4s, v13.4h, v3.h[1]\n\t" "smlal2 %[h3].4s, v13.8h, v3.h[1]\n\t"
      "smlal %[l4].4s, v13.4h, v4.h[1]\n\t" "smlal2 %[h4].4s, v13.8h, v4.h[1]\n\t"
      "smlal %[l5].4s, v13.4h, v5.h[1]\n\t" "smlal2 %[h5].4s, v13.8h, v5.h[1]\n\t"
      "smlal %[l6].4s, v13.4h, v6.h[1]\n\t" "smlal2 %[h6].4s, v13.8h, v6.h[1]\n\t"
      "smlal %[l7].4s, v13.4h, v7.h[1]\n\t" "smlal2 %[h7].4s, v13.8h, v7.h[1]\n\t"
      ".endif\n\t"
      ".if %c[kc] > 2\n\t"
      "usubl v12.8h, v9.8b, %[kzp].8b\n\t"
      "smlal %[l0].4s, v12.4h, v0.h[2]\n\t" "smlal2 %[h0].4s, v12.8h, v0.h[2]\n\t"
      "smlal %[l1].4s, v12.4h, v1.h[2]\n\t" "smlal2 %[h1].4s, v12.8h, v1.h[2]\n\t"
      "smlal %[l2].4s, v12.4h, v2.h[2]\n\t" "smlal2 %[h2].4s, v12.8h, v2.h[2]\n\t"
      "smlal %[l3].4s, v12.4h, v3.h[2]\n\t" "smlal2 %[h3].4s, v12.8h, v3.h[2]\n\t"
      "smlal %[l4].4s, v12.4h, v4.h[2]\n\t" "smlal2 %[h4].4s, v12.8h, v4.h[2]\n\t"
      "smlal %[l5].4s, v12.4h, v5.h[2]\n\t" "smlal2 %[h5].4s, v12.8h, v5.h[2]\n\t"
      "smlal %[l6].4s, v12.4h, v6.h[2]\n\t" "smlal2 %[h6].4s, v12.8h, v6.h[2]\n\t"
      "smlal %[l7].4s, v12.4h, v7.h[2]\n\t" "smlal2 %[h7].4s, v12.8h, v7.h[2]\n\t"
      ".endif\n\t"
      ".if %c[kc] > 3\n\t"
      "usubl2 v13.8h, v9.16b, %[kzp].16b\n\t"
      "smlal %[l0].4s, v13.4h, v0.h[3]\n\t" "smlal2 %[h0].4s, v13.8h, v0.h[3]\n\t"
      "smlal %[l1].4s, v13.4h, v1.h[3]\n\t" "smlal2 %[h1].4s, v13.8h, v1.h[3]\n\t"
      "smlal %[l2].4s, v13.4h, v2.h[3]\n\t" "smlal2 %[h2].4s, v13.8h, v2.h[3]\n\t"
      "smlal %[l3].4s, v13.4h, v3.h[3]\n\t" "smlal2 %[h3].4s, v13.8h, v3.h[3]\n\t"
      "smlal %[l4].4s, v13.4h, v4.h[3]\n\t" "smlal2 %[h4].4s, v13.8h, v4.h[3]\n\t"
      "smlal %[l5].4s, v13.4h, v5.h[3]\n\t" "smlal2 %[h5].4s, v13.8h, v5.h[3]\n\t"
      "smlal %[l6].4s, v13.4h, v6.h[3]\n\t" "smlal2 %[h6].4s, v13.8h, v6.h[3]\n\t"
      "smlal %[l7].4s, v13.4h, v7.h[3]\n\t" "smlal2 %[h7].4s, v13.8h, v7.h[3]\n\t"
      ".endif\n\t"
      "cmp %[a], %[a_end]\n\t" "b.ne 0b\n\t"
      : [l0] "=&w"(acc->lo[0]), [h0] "=&w"(acc->hi[0]), [l1] "=&w"(acc->lo[1]), [h1] "=&w"(acc->hi[1]),
        [l2] "=&w"(acc->lo[2]), [h2] "=&w"(acc->hi[2]), [l3] "=&w"(acc->lo[3]), [h3] "=&w"(acc->hi[3]),
        [l4] "=&w"(acc->lo[4]), [h4] "=&w"(acc->hi[4]), [l5] "=&w"(acc->lo[5]), [h5] "=&w"(acc->hi[5]),
        [l6] "=&w"(acc->lo[6]), [h6] "=&w"(acc->hi[6]), [l7] "=&w"(acc->lo[7]), [h7] "=&w"(acc->hi[7]),
        [a] "+r"(pa), [w] "+r"(w)
      : [a_end] "r"(pa_end), [kzp] "w"(vkzp), [kc] "i"(kc)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v12", "v13");
  return w;
}

/* One panel on the widened taps at buf: kc = 8 x blocks (rem = 0) or kc = rem <= Q8RT_Q8CONV8N_MAX_SMALL_KC
 * (blocks = 1), rem a compile-time constant once inlined. Returns the next panel. */
static inline __attribute__((always_inline)) const uint8_t* conv8n_panel(
    const int rem, const enum q8rt_neon_8x8_requant mode, size_t ks, size_t blocks, const int16_t* buf,
    const uint8_t* panel, uint8x16_t vkzp, size_t mr, size_t nr, uint8_t* c, size_t c_stride,
    const struct q8rt_neon_q31* vq, enum q8rt_dot_output out) {
  struct q8rt_neon_8x8_acc acc;
  const uint8_t* next;
  if (rem == 0) { /* the taps' blocks follow each other in the buffer and in the panel: one GEMM loop */
    next = q8rt_neon_8x8_rows8_k8(&acc, panel, buf, buf + ks * blocks * 64, vkzp);
  } else {
    next = conv8n_small_kc(&acc, rem, panel, buf, buf + ks * 64, vkzp);
  }
  q8rt_neon_8x8_store_rows(&acc, 8, mr, nr, c, c_stride, vq, mode, out);
  return next;
}

static inline __attribute__((always_inline)) void conv8n(
    const int rem, const enum q8rt_neon_8x8_requant mode, size_t mr, size_t nc, size_t ks, size_t blocks,
    const int16_t* buf, const uint8_t* panel, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  /* one output stage (with the clamp) in every instance: the three stages would save up to 12 instructions per
   * panel and double the code (gcc copies the tap loop per stage) */
  const enum q8rt_dot_output out = Q8RT_DOT_OUT_CLAMP;
  for (;;) {
    if (nc <= Q8RT_GEMM8_NR) {
      conv8n_panel(rem, mode, ks, blocks, buf, panel, vkzp, mr, nc, c, c_stride, &vq, out);
      return;
    }
    panel = conv8n_panel(rem, mode, ks, blocks, buf, panel, vkzp, mr, Q8RT_GEMM8_NR, c, c_stride, &vq, out);
    c += Q8RT_GEMM8_NR;
    nc -= Q8RT_GEMM8_NR;
  }
}

/* One instance per requantization sequence. */
static inline __attribute__((always_inline)) void conv8n_rem(
    const int rem, size_t mr, size_t nc, size_t ks, size_t blocks, const int16_t* buf, const uint8_t* panel,
    uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  switch (q8rt_neon_8x8_requant_of(params)) {
    case Q8RT_NEON_8X8_SINGLE:
      conv8n(rem, Q8RT_NEON_8X8_SINGLE, mr, nc, ks, blocks, buf, panel, c, c_stride, params);
      break;
    case Q8RT_NEON_8X8_SHIFTED:
      conv8n(rem, Q8RT_NEON_8X8_SHIFTED, mr, nc, ks, blocks, buf, panel, c, c_stride, params);
      break;
    default:
      conv8n(rem, Q8RT_NEON_8X8_DOUBLE, mr, nc, ks, blocks, buf, panel, c, c_stride, params);
      break;
  }
}

void q8rt_q8conv_ukernel_8x8n__aarch64_neon(size_t mr, size_t nc, size_t kc, size_t ks, const uint8_t* const* a,
    const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  const size_t blocks = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR; /* per tap */
  const uint8_t* panel = (const uint8_t*) packed_w;
  if (ks * blocks > Q8RT_Q8CONV8N_MAX_BLOCKS || (kc > Q8RT_Q8CONV8N_MAX_SMALL_KC && kc % Q8RT_GEMM8_KR != 0)) {
    const size_t panel_bytes = Q8RT_GEMM8_NR * sizeof(int32_t) + ks * blocks * Q8RT_GEMM8_KR * Q8RT_GEMM8_NR;
    for (size_t n0 = 0; n0 < nc; n0 += Q8RT_GEMM8_NR) {
      const size_t nr = nc - n0 < Q8RT_GEMM8_NR ? nc - n0 : Q8RT_GEMM8_NR;
      q8rt_q8conv_ukernel_8x8__aarch64_neon(mr, nr, kc, ks, a, panel, c + n0, c_stride, params);
      panel += panel_bytes;
    }
    return;
  }
  int16_t buf[Q8RT_Q8CONV8N_MAX_BLOCKS * Q8RT_GEMM8_MR * Q8RT_GEMM8_KR] __attribute__((aligned(16)));
  conv8n_widen(buf, ks, blocks, a);
  switch (kc <= Q8RT_Q8CONV8N_MAX_SMALL_KC ? kc : 0) {
    case 0: conv8n_rem(0, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    case 1: conv8n_rem(1, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    case 2: conv8n_rem(2, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    case 3: conv8n_rem(3, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
    default: conv8n_rem(4, mr, nc, ks, blocks, buf, panel, c, c_stride, params); break;
  }
}

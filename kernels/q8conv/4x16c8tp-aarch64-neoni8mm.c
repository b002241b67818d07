/*
 * q8conv 4x16c8tp indirect convolution micro-kernel for kc <= 4 (a first layer on 3 channels), aarch64 ARMv8.6 i8mm
 * (`ummla`, built with -march=armv8.2-a+dotprod+i8mm; called only when the CPU reports i8mm and the dot product) on
 * Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS panels (kernels/layout.h): up to Q8RT_Q8CONV_I8MMTP_MR = 16 output pixels per call
 * (16 pointers per tap in the indirection buffer), in tiles of 4 pixels, x any nc columns.
 *
 * Every tap is a 4-byte slot of k and a group of 8 k holds two taps, so the `ummla` operands are built directly
 * from the indirection pointers with 32-bit lane loads, no zips: for taps (t, t') = (2g, 2g + 1) and the row pair
 * (m, m + 1), one vector [m t | m t' | m+1 t | m+1 t'] (4 bytes each: `ld1r` of the first slot, then 3 `ld1 {v.s}`
 * lanes; the 4 pointers by 2 `ldp`). A 3x3 kernel is 5 groups (9 taps, the second slot of the last group empty)
 * instead of the 9 groups of 4 k of the `udot` 4x16c4 kernel. For ks = 9 or 10 the 2 row pairs x 5 groups = 10
 * vectors of a 4-pixel tile are gathered once and used for all 16-column panels of the call, from a 160-byte stack
 * buffer (one `ldp q` per group and panel): kept in registers beside the 16 accumulators, 4 weight vectors, the row
 * sums and the requantization constants they made gcc 12 spill and shuffle (about 60 instructions per panel).
 * Per panel: 8 bias loads and 16 `sub`, per group 2 weight loads of 4 registers and 16 `ummla`, then the
 * requantization and stores of 4x16c8-neoni8mm.h (mode and output stage chosen once per call, 9 instances; a full
 * 4-row tile stored without per-row checks). Any other ks runs a general body that gathers each group again per
 * panel. The per-call setup (the mode switch, masks, requantization constants, register saves) is shared by the
 * call's 4 tiles.
 *
 * Each pointer is read for exactly 4 bytes: with kc < 4 the slot's last bytes belong to the next pixel (or to
 * the slack after the tensor, Q8RT_ARENA_SLACK, or to the zero buffer, which is channels + Q8RT_ARENA_SLACK bytes
 * of the input zero point). They meet zero weights in the products, and the kernel zero point row sums take
 * kernel_zero_point * sum(a) from the same vectors with `ummla` against a vector of kernel_zero_point bytes masked
 * to the kc real bytes of each slot (16 bytes: the same 8 for both "columns", so the 2x2 result is
 * [s_m s_m s_m+1 s_m+1], the layout of the accumulator initialization; 2 x 5 `ummla` per tile). For an odd ks
 * the last group's second slot re-reads the last tap (no branch, no extra pointer), which meets zero weights and
 * a mask with that slot zero. Twin: 4x16c8tp-scalar.c.
 */
#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD) || !defined(__ARM_FEATURE_MATMUL_INT8)
#error "this file is for aarch64 with the dot product and i8mm extensions (-march=armv8.2-a+dotprod+i8mm)"
#endif

#include "../layout.h"
#include "../params.h"
#include "../q8gemm/4x16c8-neoni8mm.h"
#include "q8conv.h"

/* The 4 bytes at p (any alignment) in 32-bit lane `lane` (a compile-time constant once inlined) of v. */
static inline __attribute__((always_inline)) uint32x4_t tp_load_lane(uint32x4_t v, const uint8_t* p,
                                                                    const int lane) {
  uint32_t x;
  __builtin_memcpy(&x, p, sizeof x);
  switch (lane) {
    case 1: return vsetq_lane_u32(x, v, 1);
    case 2: return vsetq_lane_u32(x, v, 2);
    default: return vsetq_lane_u32(x, v, 3);
  }
}

/* The two pointers at p (*p0 = p[0], *p1 = p[1]) with one `ldp`: gcc 12 loads each pointer next to its lane load
 * with its own `ldr` (the "Ump" operand is an address valid for ldp; clang, without that constraint, gets the plain
 * loads). */
struct tp_pointer_pair {
  const uint8_t* p[2];
};
static inline __attribute__((always_inline)) void tp_load_pointers(const uint8_t* const* p, const uint8_t** p0,
                                                                  const uint8_t** p1) {
#if defined(__clang__)
  *p0 = p[0];
  *p1 = p[1];
#else
  __asm__("ldp %x0, %x1, %2" : "=r"(*p0), "=r"(*p1) : "Ump"(*(const struct tp_pointer_pair*) p));
#endif
}

/* Row pair (m, m + 1) of the taps whose 4 pointers are at0 and at1: [m t0 | m t1 | m+1 t0 | m+1 t1]. */
static inline __attribute__((always_inline)) uint8x16_t tp_pair(const uint8_t* const* at0, const uint8_t* const* at1,
                                                               size_t m) {
  const uint8_t *p0, *p1, *q0, *q1;
  tp_load_pointers(at0 + m, &p0, &p1);
  tp_load_pointers(at1 + m, &q0, &q1);
  uint32_t x;
  __builtin_memcpy(&x, p0, sizeof x);
  uint32x4_t v = vdupq_n_u32(x);
  v = tp_load_lane(v, q0, 1);
  v = tp_load_lane(v, p1, 2);
  v = tp_load_lane(v, q1, 3);
  return vreinterpretq_u8_u32(v);
}

/* Group g (taps 2g and 2g + 1, or 2g twice when 2g + 1 = ks) of both row pairs: *vx0 rows 0, 1, *vx1 rows 2, 3. */
static inline __attribute__((always_inline)) void tp_gather(const uint8_t* const* a, size_t ks, size_t g,
                                                           uint8x16_t* vx0, uint8x16_t* vx1) {
  const uint8_t* const* at0 = a + 2 * g * Q8RT_Q8CONV_I8MMTP_MR;
  const uint8_t* const* at1 = a + (2 * g + 1 < ks ? 2 * g + 1 : 2 * g) * Q8RT_Q8CONV_I8MMTP_MR;
  *vx0 = tp_pair(at0, at1, 0);
  *vx1 = tp_pair(at0, at1, 2);
}

/* The tile's accumulators from the panel's column-pair biases minus the row sums (as q8rt_i8mm4x16_init), with one
 * 16-byte load per bias vector (gcc 12 stores a 4-register load's struct to the stack and reloads it here). */
static inline __attribute__((always_inline)) void tp_init(struct q8rt_i8mm4x16_acc* acc, const uint8_t* panel,
                                                         uint32x4_t vsum01, uint32x4_t vsum23) {
  /* written out: gcc 12 keeps the loop */
  const uint32_t* b = (const uint32_t*) panel;
  const uint32x4_t vb0 = vld1q_u32(b);
  const uint32x4_t vb1 = vld1q_u32(b + 4);
  const uint32x4_t vb2 = vld1q_u32(b + 8);
  const uint32x4_t vb3 = vld1q_u32(b + 12);
  const uint32x4_t vb4 = vld1q_u32(b + 16);
  const uint32x4_t vb5 = vld1q_u32(b + 20);
  const uint32x4_t vb6 = vld1q_u32(b + 24);
  const uint32x4_t vb7 = vld1q_u32(b + 28);
  acc->v[0][0] = vsubq_u32(vb0, vsum01);
  acc->v[1][0] = vsubq_u32(vb0, vsum23);
  acc->v[0][1] = vsubq_u32(vb1, vsum01);
  acc->v[1][1] = vsubq_u32(vb1, vsum23);
  acc->v[0][2] = vsubq_u32(vb2, vsum01);
  acc->v[1][2] = vsubq_u32(vb2, vsum23);
  acc->v[0][3] = vsubq_u32(vb3, vsum01);
  acc->v[1][3] = vsubq_u32(vb3, vsum23);
  acc->v[0][4] = vsubq_u32(vb4, vsum01);
  acc->v[1][4] = vsubq_u32(vb4, vsum23);
  acc->v[0][5] = vsubq_u32(vb5, vsum01);
  acc->v[1][5] = vsubq_u32(vb5, vsum23);
  acc->v[0][6] = vsubq_u32(vb6, vsum01);
  acc->v[1][6] = vsubq_u32(vb6, vsum23);
  acc->v[0][7] = vsubq_u32(vb7, vsum01);
  acc->v[1][7] = vsubq_u32(vb7, vsum23);
}

/* Group g of the tile (tp_gather) stored at vxbuf + 32 g (rows 0, 1 then rows 2, 3), and its kernel-zero-point row
 * sums added to *vsum01 / *vsum23 (`ummla` against vmask: the kernel zero point on the real bytes of each slot). */
static inline __attribute__((always_inline)) void tp_gather_store(const uint8_t* const* a, size_t ks, size_t g,
                                                                 uint8x16_t vmask, uint8_t* vxbuf,
                                                                 uint32x4_t* vsum01, uint32x4_t* vsum23) {
  uint8x16_t vx0, vx1;
  tp_gather(a, ks, g, &vx0, &vx1);
  *vsum01 = vmmlaq_u32(*vsum01, vx0, vmask);
  *vsum23 = vmmlaq_u32(*vsum23, vx1, vmask);
  vst1q_u8(vxbuf + 32 * g, vx0);
  vst1q_u8(vxbuf + 32 * g + 16, vx1);
}

/* A tile of 4 pixels (pointers a[t * Q8RT_Q8CONV_I8MMTP_MR + m], m < 4; its first `rows` stored) x nc columns for
 * ks = 9 or 10 (5 groups): the 10 vectors gathered once, kept for all panels in a 160-byte stack buffer (one `ldp q`
 * per group and panel): in registers beside the 16 accumulators, 4 weight vectors, the row sums and the
 * requantization constants they make gcc 12 spill and shuffle (about 60 instructions per panel). */
static inline __attribute__((always_inline)) void tp_tile5(size_t rows, size_t nc, size_t ks, const uint8_t* const* a,
    const uint8_t* w, uint8_t* c, size_t c_stride, uint8x16_t vmask, uint8x16_t vmask_last,
    const struct q8rt_neon_q31* vq, const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  uint8_t vxbuf[160] __attribute__((aligned(16)));
  uint32x4_t vsum01 = vdupq_n_u32(0), vsum23 = vdupq_n_u32(0);
  tp_gather_store(a, ks, 0, vmask, vxbuf, &vsum01, &vsum23);
  tp_gather_store(a, ks, 1, vmask, vxbuf, &vsum01, &vsum23);
  tp_gather_store(a, ks, 2, vmask, vxbuf, &vsum01, &vsum23);
  tp_gather_store(a, ks, 3, vmask, vxbuf, &vsum01, &vsum23);
  tp_gather_store(a, ks, 4, vmask_last, vxbuf, &vsum01, &vsum23);
  for (;;) {
    /* the buffer's address through an empty asm per panel: its loads stay in the panel loop */
    const uint8_t* xb = vxbuf;
    __asm__ volatile("" : "+r"(xb) : : "memory");
    struct q8rt_i8mm4x16_acc acc;
    if (nc <= Q8RT_GEMMI8MM_NR / 2) { /* a last panel of at most 8 columns: column pairs 0..3 of each group */
      q8rt_i8mm4x8_init(&acc, w, vsum01, vsum23);
      w += Q8RT_GEMMI8MM_BIAS_BYTES;
      for (size_t g = 0; g < 5; g++) {
        q8rt_i8mm4x16_half(&acc.v[0][0], &acc.v[1][0], &w, vld1q_u8(xb + 32 * g), vld1q_u8(xb + 32 * g + 16));
        w += 64;
      }
      q8rt_i8mm4x8_store_tile(&acc, rows, nc, c, c_stride, vq, mode, out);
      return;
    }
    tp_init(&acc, w, vsum01, vsum23);
    w += Q8RT_GEMMI8MM_BIAS_BYTES;
    q8rt_i8mm4x16_group(&acc, &w, vld1q_u8(xb), vld1q_u8(xb + 16));
    q8rt_i8mm4x16_group(&acc, &w, vld1q_u8(xb + 32), vld1q_u8(xb + 48));
    q8rt_i8mm4x16_group(&acc, &w, vld1q_u8(xb + 64), vld1q_u8(xb + 80));
    q8rt_i8mm4x16_group(&acc, &w, vld1q_u8(xb + 96), vld1q_u8(xb + 112));
    q8rt_i8mm4x16_group(&acc, &w, vld1q_u8(xb + 128), vld1q_u8(xb + 144));
    if (rows == 4 && nc >= Q8RT_GEMMI8MM_NR) { /* a full tile: 4 row stores without the per-row checks */
      q8rt_i8mm4x16_store_tile(&acc, 4, Q8RT_GEMMI8MM_NR, c, c_stride, vq, mode, out);
    } else {
      q8rt_i8mm4x16_store_tile(&acc, rows, nc < Q8RT_GEMMI8MM_NR ? nc : Q8RT_GEMMI8MM_NR, c, c_stride, vq, mode, out);
    }
    if (nc <= Q8RT_GEMMI8MM_NR) return;
    nc -= Q8RT_GEMMI8MM_NR;
    c += Q8RT_GEMMI8MM_NR;
  }
}

/* A tile of 4 pixels for any other ks: the row sums in one pass over the groups, then each panel gathers the groups
 * again. */
static inline __attribute__((always_inline)) void tp_tile_any(size_t rows, size_t nc, size_t ks,
    const uint8_t* const* a, const uint8_t* w, uint8_t* c, size_t c_stride, uint8x16_t vmask, uint8x16_t vmask_last,
    const struct q8rt_neon_q31* vq, const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  const size_t groups = (ks + 1) / 2;
  uint32x4_t vsum01 = vdupq_n_u32(0), vsum23 = vdupq_n_u32(0);
  for (size_t g = 0; g < groups; g++) {
    uint8x16_t vx0, vx1;
    tp_gather(a, ks, g, &vx0, &vx1);
    const uint8x16_t vm = g + 1 < groups ? vmask : vmask_last;
    vsum01 = vmmlaq_u32(vsum01, vx0, vm);
    vsum23 = vmmlaq_u32(vsum23, vx1, vm);
  }
  for (;;) {
    struct q8rt_i8mm4x16_acc acc;
    if (nc <= Q8RT_GEMMI8MM_NR / 2) {
      q8rt_i8mm4x8_init(&acc, w, vsum01, vsum23);
      w += Q8RT_GEMMI8MM_BIAS_BYTES;
      for (size_t g = 0; g < groups; g++) {
        uint8x16_t vx0, vx1;
        tp_gather(a, ks, g, &vx0, &vx1);
        q8rt_i8mm4x16_half(&acc.v[0][0], &acc.v[1][0], &w, vx0, vx1);
        w += 64;
      }
      q8rt_i8mm4x8_store_tile(&acc, rows, nc, c, c_stride, vq, mode, out);
      return;
    }
    q8rt_i8mm4x16_init(&acc, w, vsum01, vsum23);
    w += Q8RT_GEMMI8MM_BIAS_BYTES;
    for (size_t g = 0; g < groups; g++) {
      uint8x16_t vx0, vx1;
      tp_gather(a, ks, g, &vx0, &vx1);
      q8rt_i8mm4x16_group(&acc, &w, vx0, vx1);
    }
    if (nc <= Q8RT_GEMMI8MM_NR) {
      q8rt_i8mm4x16_store_tile(&acc, rows, nc, c, c_stride, vq, mode, out);
      return;
    }
    q8rt_i8mm4x16_store_tile(&acc, rows, Q8RT_GEMMI8MM_NR, c, c_stride, vq, mode, out);
    nc -= Q8RT_GEMMI8MM_NR;
    c += Q8RT_GEMMI8MM_NR;
  }
}

/* The kernel for one requantization mode and output stage (compile-time constants once inlined): the constants and
 * masks set up once per call, then the call's 4-pixel tiles. */
static inline __attribute__((always_inline)) void conv_4x16c8tp(size_t mr, size_t nc, size_t kc, size_t ks,
    const uint8_t* const* a, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params,
    const enum q8rt_dot_requant mode, const enum q8rt_dot_output out) {
  /* kernel_zero_point in the kc real bytes of every slot (vmask), and of the first slot of each 8 only (the last
   * group of an odd ks) */
  static const uint8_t slot_index[16] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
  static const uint8_t group_index[16] = {0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7};
  const uint8x16_t vkzp = vdupq_n_u8(params->kernel_zero_point);
  const uint8x16_t vkc = vdupq_n_u8((uint8_t) kc);
  const uint8x16_t vmask = vandq_u8(vkzp, vcltq_u8(vld1q_u8(slot_index), vkc));
  const uint8x16_t vmask_last = (ks & 1) != 0 ? vandq_u8(vkzp, vcltq_u8(vld1q_u8(group_index), vkc)) : vmask;
  const struct q8rt_neon_q31 vq = q8rt_neon_q31_init(params);
  const uint8_t* w = (const uint8_t*) packed_w;
  if ((ks + 1) / 2 == 5) {
    for (size_t m0 = 0; m0 < mr; m0 += 4) {
      tp_tile5(mr - m0 < 4 ? mr - m0 : 4, nc, ks, a + m0, w, c + m0 * c_stride, c_stride, vmask, vmask_last, &vq,
               mode, out);
    }
  } else {
    for (size_t m0 = 0; m0 < mr; m0 += 4) {
      tp_tile_any(mr - m0 < 4 ? mr - m0 : 4, nc, ks, a + m0, w, c + m0 * c_stride, c_stride, vmask, vmask_last, &vq,
                  mode, out);
    }
  }
}

void q8rt_q8conv_ukernel_4x16c8tp__aarch64_neoni8mm(size_t mr, size_t nc, size_t kc, size_t ks,
    const uint8_t* const* a, const void* packed_w, uint8_t* c, size_t c_stride, const struct q8rt_conv_params* params) {
  switch (3 * q8rt_dot_requant_of(params) + q8rt_dot_output_of(params)) {
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_PLAIN:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_ZP:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_SHIFT + Q8RT_DOT_OUT_CLAMP:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_SHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_PLAIN:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_ZP:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_ZP);
      break;
    case 3 * Q8RT_DOT_Q31_NOSHIFT + Q8RT_DOT_OUT_CLAMP:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_Q31_NOSHIFT, Q8RT_DOT_OUT_CLAMP);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_PLAIN:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_PLAIN);
      break;
    case 3 * Q8RT_DOT_SINGLE + Q8RT_DOT_OUT_ZP:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_ZP);
      break;
    default:
      conv_4x16c8tp(mr, nc, kc, ks, a, packed_w, c, c_stride, params, Q8RT_DOT_SINGLE, Q8RT_DOT_OUT_CLAMP);
      break;
  }
}

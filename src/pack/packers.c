/* The configuration packers (packers.h): raw OHWI uint8 weights + int32 bias -> one kernel layout. */
#include "pack/packers.h"

#include <string.h>

#include "../../kernels/f32gemm/f32params.h"
#include "../../kernels/layout.h"
#include "../../kernels/q8conv/q8conv.h"
#include "../../kernels/q8dwconv/q8dwconv.h"
#include "fold.h"
#include "pack.h"
#include "pack_f32.h"
#include "pack_size.h"
#include "pack_tap_pairs.h"
#include "pack_vnni.h"

/* bias[j] - izp * sum(w - kzp) over output channel j's ks * kc weights (fits int32: q8rt_pack_bias_fits). */
static int32_t folded_bias(const struct q8rt_pack_src* s, size_t j) {
  const size_t per = s->ks * s->kc;
  const uint8_t* wj = s->w + j * per;
  int64_t wsum = 0;
  for (size_t i = 0; i < per; i++) wsum += (int64_t) wj[i] - (int64_t) s->kernel_zero_point;
  int32_t out = 0;
  (void) q8rt_fold_bias(s->bias != NULL ? s->bias[j] : 0, wsum, s->input_zero_point, &out);
  return out;
}

bool q8rt_pack_bias_fits(const struct q8rt_pack_src* s) {
  const size_t per = s->ks * s->kc;
  for (size_t j = 0; j < s->n; j++) {
    int64_t wsum = 0;
    for (size_t i = 0; i < per; i++) wsum += (int64_t) s->w[j * per + i] - (int64_t) s->kernel_zero_point;
    int32_t out;
    if (!q8rt_fold_bias(s->bias != NULL ? s->bias[j] : 0, wsum, s->input_zero_point, &out)) return false;
  }
  return true;
}

size_t q8rt_packed_size_gemm_4x8(const struct q8rt_pack_src* s) {
  return (size_t) q8rt_packed_gemm_bytes(s->n, s->kc, s->ks);
}

void q8rt_pack_gemm_4x8(const struct q8rt_pack_src* s, void* out) {
  (void) q8rt_pack_gemm(s->n, s->kc, s->ks, s->input_zero_point, s->kernel_zero_point, s->w, s->bias, out);
}

size_t q8rt_packed_size_gemm_tap_pairs(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_GEMM_NR - 1) / Q8RT_GEMM_NR * q8rt_tap_pairs_panel_bytes(s->ks);
}

/* Panel by panel through the Q8RT_LAYOUT_GEMM panel of the same 4 channels (kc <= 4: small). */
void q8rt_pack_gemm_tap_pairs(const struct q8rt_pack_src* s, void* out) {
  uint8_t panel[Q8RT_GEMM_NR * 4 + 128 * Q8RT_GEMM_KR * Q8RT_GEMM_NR * 2]; /* ks <= Q8RT_Q8CONV_TP_MAX_KS = 128 */
  const size_t out_panel = q8rt_tap_pairs_panel_bytes(s->ks);
  for (size_t n0 = 0; n0 < s->n; n0 += Q8RT_GEMM_NR) {
    const size_t nb = s->n - n0 < Q8RT_GEMM_NR ? s->n - n0 : Q8RT_GEMM_NR;
    (void) q8rt_pack_gemm(nb, s->kc, s->ks, s->input_zero_point, s->kernel_zero_point, s->w + n0 * s->ks * s->kc,
                          s->bias != NULL ? s->bias + n0 : NULL, panel);
    q8rt_repack_tap_pairs(nb, s->kc, s->ks, panel, (uint8_t*) out + n0 / Q8RT_GEMM_NR * out_panel);
  }
}

size_t q8rt_packed_size_gemm_16x4(const struct q8rt_pack_src* s) { return q8rt_vnni_packed_bytes(s->n, s->kc, s->ks); }

void q8rt_pack_gemm_16x4(const struct q8rt_pack_src* s, void* out) {
  const size_t kc4 = (s->kc + Q8RT_VNNI_KR - 1) / Q8RT_VNNI_KR * Q8RT_VNNI_KR;
  const size_t panel = q8rt_vnni_panel_bytes(s->kc, s->ks);
  memset(out, 0, q8rt_vnni_packed_bytes(s->n, s->kc, s->ks));
  for (size_t j = 0; j < s->n; j++) {
    uint8_t* dst = (uint8_t*) out + (j / Q8RT_VNNI_NR) * panel;
    const size_t lane = j % Q8RT_VNNI_NR;
    const int32_t b = folded_bias(s, j);
    memcpy(dst + lane * sizeof(int32_t), &b, sizeof b);
    int8_t* dw = (int8_t*) (dst + Q8RT_VNNI_NR * sizeof(int32_t));
    for (size_t t = 0; t < s->ks; t++) {
      for (size_t k = 0; k < s->kc; k++) {
        const size_t g = t * kc4 + k - k % Q8RT_VNNI_KR; /* first k of the group of 4, counted over all taps */
        dw[g * Q8RT_VNNI_NR + lane * Q8RT_VNNI_KR + k % Q8RT_VNNI_KR] =
            (int8_t) ((int) s->w[(j * s->ks + t) * s->kc + k] - 128);
      }
    }
  }
}

static size_t gemm8_panel_bytes(size_t kc, size_t ks) {
  const size_t kc8 = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  return Q8RT_GEMM8_NR * sizeof(int32_t) + ks * kc8 * Q8RT_GEMM8_NR;
}

size_t q8rt_packed_size_gemm_8x8(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_GEMM8_NR - 1) / Q8RT_GEMM8_NR * gemm8_panel_bytes(s->kc, s->ks);
}

void q8rt_pack_gemm_8x8(const struct q8rt_pack_src* s, void* out) {
  const size_t kc8 = (s->kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel = gemm8_panel_bytes(s->kc, s->ks);
  const size_t panels = (s->n + Q8RT_GEMM8_NR - 1) / Q8RT_GEMM8_NR;
  for (size_t p = 0; p < panels; p++) {
    uint8_t* dst = (uint8_t*) out + p * panel;
    uint8_t* dw = dst + Q8RT_GEMM8_NR * sizeof(int32_t);
    memset(dw, s->kernel_zero_point, panel - Q8RT_GEMM8_NR * sizeof(int32_t));
    for (size_t lane = 0; lane < Q8RT_GEMM8_NR; lane++) {
      const size_t j = p * Q8RT_GEMM8_NR + lane;
      const int32_t b = j < s->n ? folded_bias(s, j) : 0;
      memcpy(dst + lane * sizeof(int32_t), &b, sizeof b);
      if (j >= s->n) continue;
      for (size_t t = 0; t < s->ks; t++) {
        for (size_t k = 0; k < s->kc; k++) dw[(t * kc8 + k) * Q8RT_GEMM8_NR + lane] = s->w[(j * s->ks + t) * s->kc + k];
      }
    }
  }
}

static size_t gemm8w16_panel_bytes(size_t kc, size_t ks) {
  const size_t kc8 = (kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  return Q8RT_GEMM8_NR * sizeof(int32_t) + ks * kc8 * Q8RT_GEMM8_NR * sizeof(int16_t);
}

size_t q8rt_packed_size_gemm_8x8_w16(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_GEMM8_NR - 1) / Q8RT_GEMM8_NR * gemm8w16_panel_bytes(s->kc, s->ks);
}

/* Q8RT_LAYOUT_GEMM_8X8 with int16 w - kzp in place of the raw uint8 w (padded k and n: 0). */
void q8rt_pack_gemm_8x8_w16(const struct q8rt_pack_src* s, void* out) {
  const size_t kc8 = (s->kc + Q8RT_GEMM8_KR - 1) / Q8RT_GEMM8_KR * Q8RT_GEMM8_KR;
  const size_t panel = gemm8w16_panel_bytes(s->kc, s->ks);
  const size_t panels = (s->n + Q8RT_GEMM8_NR - 1) / Q8RT_GEMM8_NR;
  memset(out, 0, panels * panel);
  for (size_t p = 0; p < panels; p++) {
    uint8_t* dst = (uint8_t*) out + p * panel;
    uint8_t* dw = dst + Q8RT_GEMM8_NR * sizeof(int32_t);
    for (size_t lane = 0; lane < Q8RT_GEMM8_NR; lane++) {
      const size_t j = p * Q8RT_GEMM8_NR + lane;
      const int32_t b = j < s->n ? folded_bias(s, j) : 0;
      memcpy(dst + lane * sizeof(int32_t), &b, sizeof b);
      if (j >= s->n) continue;
      for (size_t t = 0; t < s->ks; t++) {
        for (size_t k = 0; k < s->kc; k++) {
          const int16_t v = (int16_t) ((int) s->w[(j * s->ks + t) * s->kc + k] - (int) s->kernel_zero_point);
          memcpy(dw + ((t * kc8 + k) * Q8RT_GEMM8_NR + lane) * sizeof(int16_t), &v, sizeof v);
        }
      }
    }
  }
}

static size_t gemm_dot_panel_bytes(size_t kc, size_t ks) {
  const size_t kc4 = (kc + Q8RT_GEMMDOT_KR - 1) / Q8RT_GEMMDOT_KR * Q8RT_GEMMDOT_KR;
  return Q8RT_GEMMDOT_NR * sizeof(int32_t) + ks * kc4 * Q8RT_GEMMDOT_NR;
}

size_t q8rt_packed_size_gemm_16x4_dot(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_GEMMDOT_NR - 1) / Q8RT_GEMMDOT_NR * gemm_dot_panel_bytes(s->kc, s->ks);
}

/* The bias folds the input zero point terms (constant per column); the raw weights go in unchanged, the kernels
 * subtract kernel_zero_point * sum(a) per pixel. */
void q8rt_pack_gemm_16x4_dot(const struct q8rt_pack_src* s, void* out) {
  const size_t kc4 = (s->kc + Q8RT_GEMMDOT_KR - 1) / Q8RT_GEMMDOT_KR * Q8RT_GEMMDOT_KR;
  const size_t panel = gemm_dot_panel_bytes(s->kc, s->ks);
  memset(out, 0, q8rt_packed_size_gemm_16x4_dot(s));
  for (size_t j = 0; j < s->n; j++) {
    uint8_t* dst = (uint8_t*) out + (j / Q8RT_GEMMDOT_NR) * panel;
    const size_t lane = j % Q8RT_GEMMDOT_NR;
    const int32_t b = folded_bias(s, j);
    memcpy(dst + lane * sizeof(int32_t), &b, sizeof b);
    uint8_t* dw = dst + Q8RT_GEMMDOT_NR * sizeof(int32_t);
    for (size_t t = 0; t < s->ks; t++) {
      for (size_t k = 0; k < s->kc; k++) {
        const size_t g = (t * kc4 + k) / Q8RT_GEMMDOT_KR; /* group of 4 k, counted over all taps */
        dw[g * Q8RT_GEMMDOT_NR * Q8RT_GEMMDOT_KR + lane * Q8RT_GEMMDOT_KR + k % Q8RT_GEMMDOT_KR] =
            s->w[(j * s->ks + t) * s->kc + k];
      }
    }
  }
}

static size_t gemm_i8mm_panel_bytes(size_t kc, size_t ks) {
  const size_t kc8 = (kc + Q8RT_GEMMI8MM_KR - 1) / Q8RT_GEMMI8MM_KR * Q8RT_GEMMI8MM_KR;
  return Q8RT_GEMMI8MM_BIAS_BYTES + ks * kc8 * Q8RT_GEMMI8MM_NR;
}

/* Q8RT_LAYOUT_GEMM_I8MM panels of k_panel k (a multiple of 8) per column, in which channel k of tap t has the k index
 * t * tap_k + k: the GEMM layout (tap_k = round_up(kc, 8), k_panel = ks * tap_k) and its tap pairs (tap_k = 4,
 * k_panel = 4 * round_up(ks, 2)). The folded bias sums the real weights only. */
static void pack_i8mm(const struct q8rt_pack_src* s, size_t tap_k, size_t k_panel, void* out) {
  const size_t panel = Q8RT_GEMMI8MM_BIAS_BYTES + k_panel * Q8RT_GEMMI8MM_NR;
  memset(out, 0, (s->n + Q8RT_GEMMI8MM_NR - 1) / Q8RT_GEMMI8MM_NR * panel);
  for (size_t j = 0; j < s->n; j++) {
    uint8_t* dst = (uint8_t*) out + (j / Q8RT_GEMMI8MM_NR) * panel;
    const size_t lane = j % Q8RT_GEMMI8MM_NR;
    const int32_t b = folded_bias(s, j);
    /* column pair lane / 2: [b0, b1, b0, b1] */
    memcpy(dst + ((lane / 2) * 4 + lane % 2) * sizeof(int32_t), &b, sizeof b);
    memcpy(dst + ((lane / 2) * 4 + lane % 2 + 2) * sizeof(int32_t), &b, sizeof b);
    uint8_t* dw = dst + Q8RT_GEMMI8MM_BIAS_BYTES;
    for (size_t t = 0; t < s->ks; t++) {
      for (size_t k = 0; k < s->kc; k++) {
        const size_t i = t * tap_k + k; /* k index in the panel */
        const size_t g = i / Q8RT_GEMMI8MM_KR; /* group of 8 k */
        dw[g * Q8RT_GEMMI8MM_NR * Q8RT_GEMMI8MM_KR + lane * Q8RT_GEMMI8MM_KR + i % Q8RT_GEMMI8MM_KR] =
            s->w[(j * s->ks + t) * s->kc + k];
      }
    }
  }
}

size_t q8rt_packed_size_gemm_16x8_i8mm(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_GEMMI8MM_NR - 1) / Q8RT_GEMMI8MM_NR * gemm_i8mm_panel_bytes(s->kc, s->ks);
}

/* As q8rt_pack_gemm_16x4_dot (folded bias, raw weights), with groups of 8 k per column: 8 consecutive bytes per
 * column, so that 16 bytes hold 8 k of two columns, the second operand of one `ummla`; the bias of each column pair
 * twice, as the accumulators of two rows hold it. */
void q8rt_pack_gemm_16x8_i8mm(const struct q8rt_pack_src* s, void* out) {
  const size_t kc8 = (s->kc + Q8RT_GEMMI8MM_KR - 1) / Q8RT_GEMMI8MM_KR * Q8RT_GEMMI8MM_KR;
  pack_i8mm(s, kc8, s->ks * kc8, out);
}

size_t q8rt_packed_size_gemm_16x8_i8mm_tp(const struct q8rt_pack_src* s) {
  return (s->n + Q8RT_GEMMI8MM_NR - 1) / Q8RT_GEMMI8MM_NR * q8rt_i8mm_tp_panel_bytes(s->ks);
}

/* The i8mm packing of a K = 4 * round_up(ks, 2) matrix whose k index is 4 * tap + channel (kc <= 4; zero weights in
 * the unused channel slots and the missing tap of an odd ks). */
void q8rt_pack_gemm_16x8_i8mm_tp(const struct q8rt_pack_src* s, void* out) {
  pack_i8mm(s, Q8RT_I8MMTP_TAP_K, (s->ks + 1) / 2 * Q8RT_GEMMI8MM_KR, out);
}

size_t q8rt_packed_size_dw_16(const struct q8rt_pack_src* s) { return (size_t) q8rt_packed_dw_bytes(s->n); }

void q8rt_pack_dw_16(const struct q8rt_pack_src* s, void* out) {
  (void) q8rt_pack_dw(s->n, s->input_zero_point, s->kernel_zero_point, s->w, s->bias, out);
}

size_t q8rt_packed_size_dw_64(const struct q8rt_pack_src* s) {
  const size_t nb = q8rt_dw_vnni_blocks(s->n, s->kernel_zero_point);
  return nb * Q8RT_DW_VNNI_BLOCK_BYTES + (size_t) q8rt_packed_dw_bytes(s->n - nb * Q8RT_DW_VNNI_CR);
}

void q8rt_pack_dw_64(const struct q8rt_pack_src* s, void* out) {
  const size_t nb = q8rt_dw_vnni_blocks(s->n, s->kernel_zero_point);
  uint8_t* dst = (uint8_t*) out;
  for (size_t b = 0; b < nb; b++) {
    int32_t bias[4][16];
    int8_t w[3][4][16][4];
    memset(w, 0, sizeof w);
    for (size_t i = 0; i < 4; i++) {
      for (size_t l = 0; l < 16; l++) {
        const size_t ch = b * Q8RT_DW_VNNI_CR + 16 * (l / 4) + 4 * i + l % 4;
        bias[i][l] = folded_bias(s, ch);
        for (size_t t = 0; t < Q8RT_DW_TAPS; t++) { /* tap t = kx * 3 + ky; raw [c][ky][kx] */
          w[t / 4][i][l][t % 4] = (int8_t) ((int) s->w[ch * 9 + (t % 3) * 3 + t / 3] - 128);
        }
        w[2][i][l][1] = (int8_t) (128 - (int) s->kernel_zero_point);
      }
    }
    memcpy(dst, bias, sizeof bias);
    memcpy(dst + sizeof bias, w, sizeof w);
    dst += Q8RT_DW_VNNI_BLOCK_BYTES;
  }
  const size_t c0 = nb * Q8RT_DW_VNNI_CR;
  (void) q8rt_pack_dw(s->n - c0, s->input_zero_point, s->kernel_zero_point, s->w + c0 * 9,
                      s->bias != NULL ? s->bias + c0 : NULL, dst);
}

/* fp32: w_f = (w - kzp) * weight_scale and bias_f = bias * bias_scale (in double, then rounded to float), as the
 * float network the int8 model stands for. */
static void f32_gemm(const struct q8rt_pack_src* s, size_t nr, float* out) {
  const float scale = s->weight_scale;
  const int kzp = s->kernel_zero_point;
  for (size_t n0 = 0; n0 < s->n; n0 += nr) {
    const size_t nb = s->n - n0 < nr ? s->n - n0 : nr;
    for (size_t j = 0; j < nr; j++) {
      *out++ = j < nb && s->bias != NULL ? (float) ((double) s->bias[n0 + j] * (double) s->bias_scale) : 0.0f;
    }
    for (size_t t = 0; t < s->ks; t++) {
      for (size_t k = 0; k < s->kc; k++) {
        for (size_t j = 0; j < nr; j++) {
          *out++ = j < nb ? (float) ((int) s->w[((n0 + j) * s->ks + t) * s->kc + k] - kzp) * scale : 0.0f;
        }
      }
    }
  }
}

size_t q8rt_packed_size_f32_gemm_8(const struct q8rt_pack_src* s) {
  return q8rt_pack_f32_gemm_floats(s->n, s->kc, s->ks, 8) * sizeof(float);
}
void q8rt_pack_f32_gemm_8(const struct q8rt_pack_src* s, void* out) { f32_gemm(s, 8, out); }
size_t q8rt_packed_size_f32_gemm_16(const struct q8rt_pack_src* s) {
  return q8rt_pack_f32_gemm_floats(s->n, s->kc, s->ks, 16) * sizeof(float);
}
void q8rt_pack_f32_gemm_16(const struct q8rt_pack_src* s, void* out) { f32_gemm(s, 16, out); }
size_t q8rt_packed_size_f32_gemm_32(const struct q8rt_pack_src* s) {
  return q8rt_pack_f32_gemm_floats(s->n, s->kc, s->ks, 32) * sizeof(float);
}
void q8rt_pack_f32_gemm_32(const struct q8rt_pack_src* s, void* out) { f32_gemm(s, 32, out); }

size_t q8rt_packed_size_f32_dw(const struct q8rt_pack_src* s) { return q8rt_pack_f32_dw_floats(s->n) * sizeof(float); }

void q8rt_pack_f32_dw_src(const struct q8rt_pack_src* s, void* packed) {
  float* out = packed;
  const int kzp = s->kernel_zero_point;
  for (size_t c0 = 0; c0 < s->n; c0 += Q8RT_F32_DW_CR) {
    const size_t cb = s->n - c0 < Q8RT_F32_DW_CR ? s->n - c0 : Q8RT_F32_DW_CR;
    for (size_t j = 0; j < Q8RT_F32_DW_CR; j++) {
      out[j] = j < cb && s->bias != NULL ? (float) ((double) s->bias[c0 + j] * (double) s->bias_scale) : 0.0f;
    }
    for (size_t kx = 0; kx < 3; kx++) {
      for (size_t ky = 0; ky < 3; ky++) {
        float* row = out + (1 + kx * 3 + ky) * Q8RT_F32_DW_CR;
        for (size_t j = 0; j < Q8RT_F32_DW_CR; j++) {
          row[j] = j < cb ? (float) ((int) s->w[(c0 + j) * 9 + ky * 3 + kx] - kzp) * s->weight_scale : 0.0f;
        }
      }
    }
    out += (Q8RT_F32_DW_TAPS + 1) * Q8RT_F32_DW_CR;
  }
}

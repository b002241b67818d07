/*
 * q8rt packed weight layouts of the int8 micro-kernels: built by the packers (src/pack/packers.c, from raw uint8
 * OHWI weights and int32 biases, once per model and kernel configuration) and read by the micro-kernels. The tags
 * only name the layouts; no file stores them.
 *
 * Q8RT_LAYOUT_GEMM (tag 1): weights of a convolution or fully connected layer with N output channels,
 * ks kernel taps (KH*KW) and kc input channels, for the q8gemm / q8conv micro-kernels.
 *   The N output channels are split into panels of Q8RT_GEMM_NR = 4 (the last panel padded).
 *   Weights are stored pre-subtracted as int16: w'[n][k] = w[n][k] - kernel_zero_point, in [-255, 255].
 *   Each panel holds:
 *     int32_t bias[NR]            bias'[n] = bias[n] - input_zero_point * sum_k (w[n][k] - kernel_zero_point)
 *                                 (padded channels: 0)
 *     int16_t w[ks][kc_padded/KR][NR][KR]   kc_padded = round_up(kc, KR), KR = 8 ("c8" blocks, rotated):
 *                                 vector r (0..3) of a block of 8 k holds, in its int16 lanes 2j and 2j+1
 *                                 (j = 0..3), w'[(j + r) % 4][k0 + 2j] and w'[(j + r) % 4][k0 + 2j + 1].
 *                                 So pmaddwd(A row k0..k0+7, vector r) yields in int32 lane j the k-pair j
 *                                 of column (j + r) % 4, and a kernel sums its 4 accumulators after
 *                                 rotating accumulator r by r lanes (no horizontal adds).
 *                                 Padded k and padded n hold 0, so they contribute exactly 0.
 *   Panel size = NR * 4 + ks * kc_padded * NR * 2 bytes (q8rt_gemm_panel_bytes in src/pack/pack_size.h;
 *   a multiple of 16).
 *   A 1x1 convolution or an FC layer is ks = 1.
 *
 * Q8RT_LAYOUT_DWCONV (tag 2, nr = Q8RT_DW_CR = 16): depthwise 3x3 weights, channels split into tiles of
 * Q8RT_DW_CR (the last tile padded). Inside a tile, channel j (0..15) sits at lane
 *     lane(j) = (j & 8) | (j & 1) << 2 | (j & 7) >> 1      (Q8RT_DW_LANE: 0,2,4,6,1,3,5,7, 8,10,..,14, 9,..,15)
 * i.e. each 8-channel half stores its even channels, then its odd channels, matching the SSE4.1 kernel's
 * even/odd split of byte-interleaved inputs. Each tile holds:
 *     int32_t bias[CR]            by lane; bias'[c] = bias[c] - input_zero_point * sum_t (w[c][t] - kernel_zero_point)
 *     int16_t w[5][CR][2]         [tap pair p][lane][taps 2p, 2p+1]: w[c][t] - kernel_zero_point, in [-255, 255];
 *                                 tap t = kx * 3 + ky (column-major taps, matching the indirection buffer);
 *                                 the 10th tap (t = 9) is 0
 *   Tile size = CR * 4 + 5 * CR * 4 = 384 bytes (a multiple of 64: with a 16-byte aligned tensor start,
 *   every 16-byte group is aligned, which the SSE4.1 kernel requires); padded channels hold 0 (bias and weights).
 *   An 8-channel half of a tile is self-contained in lanes 0..7 / 8..15 of each array.
 *
 * Q8RT_LAYOUT_GEMM_TAP_PAIRS (tag 3): the layout of a Q8RT_LAYOUT_GEMM tensor with kc <= 4 regrouped
 * (src/pack/pack_tap_pairs.h), for the q8conv 3x4c8tp micro-kernels. Same panels
 * of NR = 4 output channels, same bias, same int16 pre-subtracted values and the same rotated c8 blocks, but
 * each block of 8 k holds two kernel taps: k index i (0..7) of block p is channel i % 4 of tap 2p + i / 4
 * (0 where the channel is >= kc or the tap is >= ks). Panel size = NR * 4 + ceil(ks / 2) * NR * KR * 2 bytes.
 *
 * Because the input-zero-point term is folded into the bias, kernels multiply raw uint8 inputs by
 * (w - kernel_zero_point); padding taps point at a buffer filled with the input zero point, which then
 * contributes input_zero_point * (w - kernel_zero_point), cancelled exactly by the folded bias.
 */
#pragma once

#define Q8RT_LAYOUT_GEMM 1
#define Q8RT_LAYOUT_DWCONV 2
#define Q8RT_LAYOUT_GEMM_TAP_PAIRS 3 /* runtime only */

#define Q8RT_GEMM_NR 4
#define Q8RT_GEMM_KR 8
#define Q8RT_DW_CR 16
#define Q8RT_DW_TAPS 9
#define Q8RT_DW_TAP_PAIRS 5
#define Q8RT_DW_LANE(j) (((j) & 8) | ((j) & 1) << 2 | ((j) & 7) >> 1)
#define Q8RT_DW_TILE_BYTES (Q8RT_DW_CR * 4 + Q8RT_DW_TAP_PAIRS * Q8RT_DW_CR * 2 * 2) /* 384 */

/*
 * Q8RT_LAYOUT_GEMM_VNNI (tag 4): built from the raw weights (q8rt_pack_gemm_16x4; src/pack/pack_vnni.h also
 * converts a Q8RT_LAYOUT_GEMM tensor into it), for the AVX-512 VNNI kernels
 * (vpdpbusd: uint8 activations x int8 weights, exact int32 accumulation). Output channels are split into
 * panels of Q8RT_VNNI_NR = 16 (one zmm of int32; the last panel padded). Each panel holds:
 *     int32_t bias[16]            the blob's folded bias' (padded channels: 0)
 *     int8_t  w[ks][kc4 / 4][16][4]  kc4 = round_up(kc, 4): w'[n][t][k] = w - 128 = (w - kernel_zero_point)
 *                                 + kernel_zero_point - 128, in [-128, 127]; group g of 4 k of column n at
 *                                 bytes [(t * kc4 / 4 + g) * 64 + n * 4, +4). Padded k and padded n hold 0.
 *   Panel size = 64 + ks * kc4 * 16 bytes (a multiple of 64).
 * A kernel computes, per output pixel m and column n, with the uint8 inputs a (padding taps read the zero
 * buffer, i.e. the input zero point, exactly as for Q8RT_LAYOUT_GEMM):
 *     acc = bias'[n] + sum_{t, k < kc} a[t][k] * w'[n][t][k] + (128 - kernel_zero_point) * sum_{t, k < kc} a[t][k]
 *         = bias'[n] + sum_{t, k < kc} a[t][k] * (w[n][t][k] - kernel_zero_point)          (exactly, mod 2^32)
 * i.e. the same int32 value as the Q8RT_LAYOUT_GEMM kernels; the per-pixel input sum runs over the real kc
 * channels of every tap only (bytes past kc meet w' = 0 in the product and are left out of the sum).
 */
#define Q8RT_LAYOUT_GEMM_VNNI 4 /* runtime only */
#define Q8RT_VNNI_NR 16
#define Q8RT_VNNI_KR 4

/*
 * Q8RT_LAYOUT_DWCONV_VNNI (tag 5): built from the raw weights (q8rt_pack_dw_64; src/pack/pack_dw_vnni.h also
 * converts a Q8RT_LAYOUT_DWCONV tensor) of `channels` channels with kernel zero point kzp, for
 * the AVX-512 VNNI depthwise kernel (q8dwconv up64x9). With nb = kzp != 0 ? channels / 64 : 0 (q8rt_dw_vnni_blocks):
 *   nb blocks of Q8RT_DW_VNNI_CR = 64 channels (channels 64b .. 64b + 63), 1024 bytes each:
 *     int32_t bias[4][16]         bias[i][L]: the folded bias' of channel ch(i, L) = 16 (L / 4) + 4 i + L % 4
 *                                 (accumulator i, int32 lane L: the order in which byte unpacks of 64 channels
 *                                 leave them, and packssdw / packuswb of accumulators 0-3 restore)
 *     int8_t  w[3][4][16][4]      [quad q][accumulator i][lane L][slot s], all values w - 128 = (w - kzp) + kzp - 128
 *                                 unless said otherwise: q = 0, 1: tap 4q + s; q = 2: slot 0 tap 8, slot 1 the
 *                                 correction c = 128 - kzp (1 <= kzp, so c fits int8), slots 2, 3 zero.
 *   then the remaining channels - 64 nb channels as Q8RT_LAYOUT_DWCONV tiles (16 channels each, packed as that
 *   layout packs them).
 * A kernel forms for each quad and accumulator the uint8 quads Q0 = (x0, x1, x2, x3), Q1 = (x4, .., x7),
 * Q2 = (x8, x8, 0, 0) of the channel's 9 taps and computes, exactly modulo 2^32,
 *     acc = bias' + sum_q Q_q . w[q] + c (Q_0 . 1 + Q_1 . 1) = bias' + sum_t x_t (w_t - kzp)
 * (vpdpbusd: Q2's second slot carries tap 8's correction), i.e. the value of the Q8RT_LAYOUT_DWCONV kernels.
 */
#define Q8RT_LAYOUT_DWCONV_VNNI 5 /* runtime only */
#define Q8RT_DW_VNNI_CR 64
#define Q8RT_DW_VNNI_BLOCK_BYTES 1024

/*
 * Q8RT_LAYOUT_GEMM_8X8 (tag 6): built from the raw weights (q8rt_pack_gemm_8x8), for the q8gemm / q8conv 8x8
 * kernels (aarch64 NEON, QNNPACK's 8x8 scheme), the armv7 NEON 4x8 kernels (QNNPACK's 4x8 aarch32 scheme) and
 * their scalar twins. Output channels are split into panels of
 * Q8RT_GEMM8_NR = 8 (the last panel padded). Each panel holds:
 *     int32_t bias[8]             the folded bias' of Q8RT_LAYOUT_GEMM: bias[n] - input_zero_point *
 *                                 sum_k (w[n][k] - kernel_zero_point) (padded channels: 0)
 *     uint8_t w[ks][kc8][8]       kc8 = round_up(kc, 8): the raw uint8 weight w[n][t][k] of column n at byte
 *                                 (t * kc8 + k) * 8 + n (k-major: one 8-byte load per k gives all columns).
 *                                 Padded k and padded n hold kernel_zero_point, so w - kernel_zero_point = 0.
 *   Panel size = 32 + ks * kc8 * 8 bytes (a multiple of 32).
 * A kernel subtracts kernel_zero_point (params) from each weight and multiplies raw uint8 inputs by it:
 *     acc = bias'[n] + sum_{t, k} a[t][k] * (w[n][t][k] - kernel_zero_point)          (mod 2^32)
 * the value of the Q8RT_LAYOUT_GEMM kernels (the input zero point is folded into bias').
 */
#define Q8RT_LAYOUT_GEMM_8X8 6 /* runtime only */
#define Q8RT_GEMM8_MR 8
#define Q8RT_GEMM8_NR 8
#define Q8RT_GEMM8_KR 8

/*
 * Q8RT_LAYOUT_GEMM_8X8_W16 (tag 11): built from the raw weights (q8rt_pack_gemm_8x8_w16), for the armv7 NEON q8gemm
 * 4x8w16n / 1x8w16n kernels and their scalar twin 1x8w16n: Q8RT_LAYOUT_GEMM_8X8 with the weights stored as int16
 * w - kernel_zero_point (no widening in the kernels' inner loop):
 *     int32_t bias[8]             the folded bias' of Q8RT_LAYOUT_GEMM_8X8
 *     int16_t w[ks][kc8][8]       w[n][t][k] - kernel_zero_point of column n at element (t * kc8 + k) * 8 + n;
 *                                 padded k and padded n hold 0.
 *   Panel size = 32 + ks * kc8 * 16 bytes (a multiple of 32).
 *     acc = bias'[n] + sum_{t, k} a[t][k] * w16[n][t][k]                                 (mod 2^32)
 */
#define Q8RT_LAYOUT_GEMM_8X8_W16 11 /* runtime only */

/*
 * Q8RT_LAYOUT_GEMM_DOT (tag 7): built from the raw weights (q8rt_pack_gemm_16x4_dot), for the aarch64 dot-product
 * kernels (ARMv8.2 `udot`: uint8 x uint8 -> uint32, 4 products per int32 lane) and their scalar twins: q8gemm
 * 4x16c4n / 1x16c4n and q8conv 4x16c4. Output channels are split into panels of Q8RT_GEMMDOT_NR = 16 (the last
 * panel padded). Each panel holds:
 *     int32_t bias[16]            the folded bias' of Q8RT_LAYOUT_GEMM: bias[n] - input_zero_point *
 *                                 sum_{t,k} (w[n][t][k] - kernel_zero_point) (padded channels: 0)
 *     uint8_t w[ks][kc4 / 4][16][4]  kc4 = round_up(kc, 4): the RAW uint8 weight w[n][t][k] of column n at byte
 *                                 (t * kc4 / 4 + k / 4) * 64 + n * 4 + k % 4 (groups of 4 k of one column are
 *                                 one int32 lane: one 64-byte group row = 4 vectors of 4 columns, what
 *                                 `udot` by element multiplies by 4 k of one activation row).
 *                                 Padded k and padded n hold 0.
 *   Panel size = 64 + ks * kc4 * 16 bytes (a multiple of 64).
 * A kernel computes, per output pixel m and column n, with the raw uint8 inputs a (padding taps read the zero
 * buffer, filled with the input zero point, as for Q8RT_LAYOUT_GEMM):
 *     acc = bias'[n] + sum_{t, k < kc} a[t][k] * w[n][t][k] - kernel_zero_point * sum_{t, k < kc} a[t][k]
 *         = bias'[n] + sum_{t, k < kc} a[t][k] * (w[n][t][k] - kernel_zero_point)          (exactly, mod 2^32)
 * i.e. the value of the Q8RT_LAYOUT_GEMM kernels: sum(a w) - w_zp sum(a) - a_zp sum(w) + K a_zp w_zp with the
 * a_zp terms (constant per column, K counting every tap) folded into bias'. The per-pixel input sum covers the
 * first kc bytes of every tap only (bytes past kc meet w = 0 in the product and are left out of the sum).
 */
#define Q8RT_LAYOUT_GEMM_DOT 7 /* runtime only */
#define Q8RT_GEMMDOT_MR 4
#define Q8RT_GEMMDOT_NR 16
#define Q8RT_GEMMDOT_KR 4

/*
 * Q8RT_LAYOUT_DWCONV_16P (tag 8): built from the raw weights (q8rt_pack_dw_16p, src/pack/pack_dw16p.c), for the
 * q8dwconv up16x9p kernels (ARM NEON and the scalar twin): depthwise 3x3 weights in plain channel order (no lane
 * permutation, no tap pairs), channels split into tiles of Q8RT_DW16P_CR = 16 (the last tile padded). Each tile:
 *     int32_t bias[16]            channel order; the folded bias' of Q8RT_LAYOUT_DWCONV (padded channels: 0)
 *     int16_t w[9][16]            [tap t][channel j]: w[c][t] - kernel_zero_point, in [-255, 255]; tap
 *                                 t = kx * 3 + ky (column-major, as the indirection buffer); padded channels 0
 *   Tile size = 16 * 4 + 9 * 16 * 2 = 352 bytes (a multiple of 16).
 * One tap of 16 channels is two int16x8 vectors, to be multiplied with the two widened halves of 16 input bytes
 * (smlal / smlal2 into 4 int32x4 accumulators): no de-interleave of inputs or weights.
 */
#define Q8RT_LAYOUT_DWCONV_16P 8 /* runtime only */
#define Q8RT_DW16P_CR 16
#define Q8RT_DW16P_TILE_BYTES (Q8RT_DW16P_CR * 4 + Q8RT_DW_TAPS * Q8RT_DW16P_CR * 2) /* 352 */

/*
 * Q8RT_LAYOUT_GEMM_I8MM (tag 9): built from the raw weights (q8rt_pack_gemm_16x8_i8mm), for the aarch64 i8mm kernels
 * (ARMv8.6 `ummla`: a 2x8 uint8 block of two activation rows times an 8x2 uint8 block of two columns, accumulated
 * into a 2x2 uint32 block) and their scalar twins: q8gemm 4x16c8n / 2x16c8n and q8conv 4x16c8. Output channels are
 * split into panels of Q8RT_GEMMI8MM_NR = 16 (the last panel padded). Each panel holds:
 *     int32_t bias[8][4]          the folded bias' of Q8RT_LAYOUT_GEMM (padded channels: 0) of each column pair j
 *                                 twice: [b'[2j], b'[2j + 1], b'[2j], b'[2j + 1]], the layout of an `ummla`
 *                                 accumulator of two rows (Q8RT_GEMMI8MM_BIAS_BYTES = 128 bytes)
 *     uint8_t w[ks][kc8 / 8][16][8]  kc8 = round_up(kc, 8): the RAW uint8 weight w[n][t][k] of column n at byte
 *                                 (t * kc8 / 8 + k / 8) * 128 + n * 8 + k % 8 (groups of 8 k of one column are
 *                                 8 consecutive bytes: 16 bytes = 8 k of columns 2j and 2j + 1, the second operand
 *                                 of one `ummla`; one 128-byte group = 8 such column pairs).
 *                                 Padded k and padded n hold 0.
 *   Panel size = 128 + ks * kc8 * 16 bytes (a multiple of 64).
 * A kernel computes the value of the Q8RT_LAYOUT_GEMM_DOT kernels, with the same zero point handling:
 *     acc = bias'[n] + sum_{t, k < kc} a[t][k] * w[n][t][k] - kernel_zero_point * sum_{t, k < kc} a[t][k]
 *         = bias'[n] + sum_{t, k < kc} a[t][k] * (w[n][t][k] - kernel_zero_point)          (exactly, mod 2^32)
 * (bytes past kc meet w = 0 in the products and are left out of the per-pixel input sum).
 */
#define Q8RT_LAYOUT_GEMM_I8MM 9 /* runtime only */
#define Q8RT_GEMMI8MM_MR 4
#define Q8RT_GEMMI8MM_NR 16
#define Q8RT_GEMMI8MM_KR 8
#define Q8RT_GEMMI8MM_BIAS_BYTES 128

/*
 * Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS (tag 12): built from the raw weights (q8rt_pack_gemm_16x8_i8mm_tp), for the
 * q8conv 4x16c8tp kernels (aarch64 i8mm and the scalar twin), convolutions with kc <= 4 (a first layer on 3
 * channels): every tap gets a 4-byte slot of k (channels 0..kc-1, then zero weights), two taps per 8-k group.
 * It is the Q8RT_LAYOUT_GEMM_I8MM packing (same 16-column panels, column-pair bias [b2j b2j+1 b2j b2j+1], raw uint8
 * weights in groups of 8 k per column) of a K = 4 * round_up(ks, 2) matrix whose k index is 4 * tap + channel:
 *     int32_t bias[8][4]          as Q8RT_LAYOUT_GEMM_I8MM: the folded bias' over the real ks * kc weights
 *     uint8_t w[G][16][8]         G = ceil(ks / 2) groups; column n, tap t, channel k < kc at byte
 *                                 (t / 2) * 128 + n * 8 + 4 * (t % 2) + k. Channels kc..3 of every slot, the
 *                                 second slot of the last group when ks is odd, and padded n hold 0.
 *   Panel size = 128 + G * 128 bytes (q8rt_i8mm_tp_panel_bytes in kernels/q8conv/q8conv.h; a multiple of 128).
 * A kernel computes the value of the Q8RT_LAYOUT_GEMM_I8MM kernels (the per-pixel input sum over the kc real
 * channels of every tap only; bytes kc..3 of a slot meet zero weights in the products).
 */
#define Q8RT_LAYOUT_GEMM_I8MM_TAP_PAIRS 12 /* runtime only */
#define Q8RT_I8MMTP_TAP_K 4

/*
 * Q8RT_LAYOUT_DWCONV_DOT (tag 10): built from the raw weights (q8rt_pack_dw_dot, src/pack/pack_dw_dot.c), for the
 * q8dwconv up16x9dot kernels (aarch64 `udot`, the neondot and neoni8mm tables, and the scalar twin): depthwise 3x3
 * weights as RAW uint8 in groups of the 3 taps of one kernel column, channels split into tiles of
 * Q8RT_DWDOT_CR = 16 (the last tile padded). Each tile:
 *     int32_t bias[16]            channel order; the folded bias' of Q8RT_LAYOUT_DWCONV (padded channels: 0)
 *     uint8_t w[3][16][4]         [kx][channel j]: [w(ky 0, kx), w(ky 1, kx), w(ky 2, kx), 0] raw uint8 (padded
 *                                 channels 0): one 64-byte group per kernel column = 4 `udot` operands of 4
 *                                 channels each (lane j % 4 of vector j / 4)
 *   Tile size = 16 * 4 + 3 * 64 = 256 bytes (a multiple of 64).
 * A kernel transposes the 3 taps of one input column (16 channels each) into 4 vectors of 32-bit lanes
 * [x(ky 0), x(ky 1), x(ky 2), 0] and computes, as the Q8RT_LAYOUT_GEMM_DOT kernels,
 *     acc = bias'[c] + sum_t x[t][c] * w[c][t] - kernel_zero_point * sum_t x[t][c]
 *         = bias'[c] + sum_t x[t][c] * (w[c][t] - kernel_zero_point)                    (exactly, mod 2^32)
 * i.e. the accumulator of Q8RT_LAYOUT_DWCONV_16P.
 */
#define Q8RT_LAYOUT_DWCONV_DOT 10 /* runtime only */
#define Q8RT_DWDOT_CR 16
#define Q8RT_DWDOT_TILE_BYTES (Q8RT_DWDOT_CR * 4 + 3 * Q8RT_DWDOT_CR * 4) /* 256 */

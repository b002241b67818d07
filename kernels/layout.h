/*
 * q8rt packed weight layouts, shared by the converter (which packs), the blob loader (which checks
 * sizes) and the micro-kernels (which read). A blob records the layout tag of each packed tensor.
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
 * Because the input-zero-point term is folded into the bias, kernels multiply raw uint8 inputs by
 * (w - kernel_zero_point); padding taps point at a buffer filled with the input zero point, which then
 * contributes input_zero_point * (w - kernel_zero_point), cancelled exactly by the folded bias.
 */
#pragma once

#define Q8RT_LAYOUT_GEMM 1
#define Q8RT_LAYOUT_DWCONV 2

#define Q8RT_GEMM_NR 4
#define Q8RT_GEMM_KR 8
#define Q8RT_DW_CR 16
#define Q8RT_DW_TAPS 9
#define Q8RT_DW_TAP_PAIRS 5
#define Q8RT_DW_LANE(j) (((j) & 8) | ((j) & 1) << 2 | ((j) & 7) >> 1)

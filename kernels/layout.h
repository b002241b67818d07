/*
 * q8rt packed weight layouts, shared by the converter (which packs), the blob loader (which checks
 * sizes) and the micro-kernels (which read). A blob records the layout tag of each packed tensor.
 *
 * Q8RT_LAYOUT_GEMM (tag 1): weights of a convolution or fully connected layer with N output channels,
 * ks kernel taps (KH*KW) and kc input channels, for the q8gemm / q8conv micro-kernels.
 *   The N output channels are split into panels of Q8RT_GEMM_NR (the last panel padded).
 *   Each panel holds:
 *     int32_t bias[NR]            bias'[n] = bias[n] - input_zero_point * sum_k (w[n][k] - kernel_zero_point)
 *                                 (padded channels: 0)
 *     uint8_t w[ks][kc_padded/KR][NR][KR]   ("c2" blocks: for each pair of k, NR columns x 2 k); kc_padded = round_up(kc, KR); padded k and padded n hold
 *                                 kernel_zero_point, so they contribute exactly 0.
 *   Panel size = NR * 4 + ks * kc_padded * NR bytes (a multiple of 4, so every panel bias is aligned).
 *   A 1x1 convolution or an FC layer is ks = 1.
 *
 * Q8RT_LAYOUT_DWCONV (tag 2): depthwise 3x3 weights, channels split into tiles of Q8RT_DW_CR:
 *     int32_t bias[CR]            bias'[c] = bias[c] - input_zero_point * sum_t (w[c][t] - kernel_zero_point)
 *     uint8_t w[9][CR]            tap t = kx * 3 + ky  (column-major taps, matching the indirection buffer)
 *   Tile size = CR * 4 + 9 * CR bytes; padded channels hold bias 0 and kernel_zero_point.
 *
 * Because the input-zero-point term is folded into the bias, kernels multiply raw uint8 inputs by
 * (w - kernel_zero_point); padding taps point at a buffer filled with the input zero point, which then
 * contributes input_zero_point * (w - kernel_zero_point), cancelled exactly by the folded bias.
 */
#pragma once

#define Q8RT_LAYOUT_GEMM 1
#define Q8RT_LAYOUT_DWCONV 2

#define Q8RT_GEMM_NR 8
#define Q8RT_GEMM_KR 2
#define Q8RT_DW_CR 8
#define Q8RT_DW_TAPS 9

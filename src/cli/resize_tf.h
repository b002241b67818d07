/*
 * TensorFlow's evaluation preprocessing for TFLite image classifiers (TF-slim / TFLite MobileNets), on packed
 * RGB8 images, byte for byte as this sequence of TensorFlow 1 ops computes it on a uint8 image:
 *
 *   1. tf.image.central_crop(image, central_fraction)  (tensorflow/python/ops/image_ops_impl.py):
 *        bbox_h_start = int((h - h * central_fraction) / 2)     in double precision, truncated
 *        bbox_h_size  = h - 2 * bbox_h_start                    (the same for the width)
 *   2. tf.image.resize_bilinear(crop, [out_height, out_width], align_corners=False, half_pixel_centers=False)
 *      (tensorflow/core/kernels/image/resize_bilinear_op.cc, LegacyScaler, CPU kernel), all in float32:
 *        scale   = (float) in_size / (float) out_size
 *        in      = (float) out_index * scale
 *        lower   = max(floor(in), 0), upper = min(ceil(in), in_size - 1), lerp = in - floor(in)
 *        top     = top_left + (top_right - top_left) * x_lerp
 *        bottom  = bottom_left + (bottom_right - bottom_left) * x_lerp
 *        result  = top + (bottom - top) * y_lerp
 *      no antialiasing: a downscale samples 2x2 source pixels per output pixel;
 *   3. each float result rounded to the nearest integer, ties to even, clamped to 0..255 (uint8).
 *
 * docs/preprocessing.md ("TensorFlow (TFLite models)") gives the sources and how the code is tested (byte for
 * byte against a NumPy implementation of the same formulas, test/cli/test_resize_tf.c).
 */
#ifndef Q8RT_CLI_RESIZE_TF_H
#define Q8RT_CLI_RESIZE_TF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Central crop of central_fraction of each side of the width x height image rgb (packed RGB8, `stride` bytes
 * from one row to the next, stride >= 3 * width), then TF1 bilinear resize of the crop to out_width x
 * out_height, rounded to uint8, into out (out_height * out_width * 3 bytes, RGB, HWC, no padding).
 *
 * central_fraction is used as the double (double) central_fraction (0.875f is exactly 0.875, as in TF-slim).
 * Returns false, writing nothing, for invalid arguments: NULL pointers, a zero size, central_fraction not in
 * (0, 1] (or NaN), stride < 3 * width, sizes whose byte counts overflow size_t, or an empty crop (only for tiny
 * fractions, through double rounding: int((4 - 4 * 1e-30) / 2) = 2 leaves nothing of a side of 4, where
 * TensorFlow would produce an empty image). Otherwise returns true.
 *
 * Any sizes work (1x1, 16384x1, 1x16384, huge photos): the function allocates nothing, reads only the at most
 * 2x2 source pixels of each output pixel (all inside the crop) and writes only out; time is O(out pixels).
 * Thread-safe, no global state. */
bool q8rt_tf_crop_resize(const uint8_t* rgb, uint32_t width, uint32_t height, size_t stride,
                         float central_fraction, uint32_t out_width, uint32_t out_height, uint8_t* out);

/* The crop box of step 1 alone (for tests and the CLI): *start and *size along one axis of length `size_in`.
 * Returns false under the same conditions (size_in 0, fraction out of range, empty crop). */
bool q8rt_tf_central_crop_box(uint32_t size_in, float central_fraction, uint32_t* start, uint32_t* size);

#endif /* Q8RT_CLI_RESIZE_TF_H */

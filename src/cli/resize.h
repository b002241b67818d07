/*
 * Antialiased bilinear resampling of packed RGB8 images, computed only inside a crop window.
 *
 * The arithmetic is Pillow's `Image.resize(size, Image.BILINEAR)` (libImaging/Resample.c), byte for byte:
 *  - per axis, scale = in / out; the triangle filter (support 1) is widened by max(scale, 1), so a
 *    downscale averages every source pixel under the widened window (antialiasing);
 *  - output pixel i is centred at (i + 0.5) * scale; its taps run from (int)(centre - support + 0.5) to
 *    (int)(centre + support + 0.5), clamped to the image; weights are normalised to sum 1 in double precision,
 *    then rounded to signed fixed point with 22 fractional bits;
 *  - the horizontal pass runs first and rounds to uint8 (add 2^21, shift right 22, clamp 0..255), the
 *    vertical pass reads those bytes and rounds the same way.
 * A pixel of the resized image depends only on its own row and column, so resizing into a window of the
 * (virtual) resized image gives the same bytes as resizing all of it and cropping, with memory and time
 * bounded by the window: any source size and aspect ratio works, including ones whose full resized image
 * would not fit in memory (10000x10 to a shorter side of 256).
 * docs/preprocessing.md says why this is q8rt's own code and how it is tested against Pillow.
 */
#ifndef Q8RT_CLI_RESIZE_H
#define Q8RT_CLI_RESIZE_H

#include <stdint.h>

/* The resized image is out_width x out_height (virtual: never allocated); the function writes its window of
 * crop_width x crop_height pixels at (crop_x, crop_y) to dst (packed RGB8, crop_width * 3 bytes per row).
 * src is width x height packed RGB8 (width * 3 bytes per row). Every size must be >= 1 and the window must lie
 * inside the resized image. Returns 0, or -1 for bad arguments or when out of memory (nothing written then).
 * Thread-safe; allocates O(crop size * filter taps) bytes. */
int q8rt_resize_bilinear_crop_rgb8(const uint8_t* src, uint32_t width, uint32_t height, uint32_t out_width,
                                   uint32_t out_height, uint32_t crop_x, uint32_t crop_y, uint32_t crop_width,
                                   uint32_t crop_height, uint8_t* dst);

#endif /* Q8RT_CLI_RESIZE_H */

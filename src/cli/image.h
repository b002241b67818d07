/*
 * Image loading for the CLI (`q8rt classify`, `q8rt eval`): JPEG decoding (libjpeg-turbo) and the
 * preprocessing described by struct q8rt_preprocess (resize shorter side, bilinear; center crop;
 * channel order; (pixel - mean[c]) / std[c]; float32 NCHW).
 *
 * Every function returns 0 on success, or -1 with a message naming the file (or name_for_errors) and
 * the problem written into err (err may be NULL / err_size 0). Corrupt input never crashes, aborts or
 * leaks.
 */
#ifndef Q8RT_CLI_IMAGE_H
#define Q8RT_CLI_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "q8rt.h"

/* Largest accepted image (decoded, and after the resize), per side. */
#define Q8RT_IMAGE_MAX_DIM 16384u
#define Q8RT_IMAGE_MAX_PIXELS (64u << 20) /* decoded width * height: 192 MiB of RGB */
/* Largest accepted file. */
#define Q8RT_IMAGE_MAX_FILE_BYTES ((size_t) 256 << 20)

/* Reads a whole file into a malloc'ed buffer (*data, *size; caller frees). Errors: cannot open,
 * is a directory, empty file, larger than Q8RT_IMAGE_MAX_FILE_BYTES, read error. */
int q8rt_image_read_file(const char* path, uint8_t** data, size_t* size, char* err, size_t err_size);

/* Decodes a JPEG held in memory into packed 8-bit RGB (row-major, 3 bytes per pixel, no padding),
 * returned in a malloc'ed *rgb (caller frees) with its *width and *height. Grayscale is expanded to
 * RGB; CMYK / YCCK are converted to RGB (Adobe-inverted CMYK when an Adobe marker is present).
 * Truncated data ("Premature end of JPEG file") is an error. Images with a zero dimension or larger
 * than Q8RT_IMAGE_MAX_DIM on a side are rejected before any pixel buffer is allocated.
 * name_for_errors may be NULL ("image"). On failure *rgb is NULL. */
int q8rt_image_decode_jpeg(const void* data, size_t size, const char* name_for_errors, uint8_t** rgb,
                           uint32_t* width, uint32_t* height, char* err, size_t err_size);

/* Size of the image after the "shorter side = resize_shorter" resize: the shorter side becomes
 * resize_shorter, the longer side (longer * resize_shorter + shorter / 2) / shorter (rounded).
 * A square image becomes resize_shorter x resize_shorter. width, height, resize_shorter must be > 0. */
void q8rt_image_resized_size(uint32_t width, uint32_t height, uint32_t resize_shorter,
                             uint32_t* resized_width, uint32_t* resized_height);

/* Preprocesses a packed RGB8 image (width x height) per *pre into out, float32 NCHW [1, 3, H, W]
 * with H = pre->height, W = pre->width (3*H*W floats):
 *   1. resize to q8rt_image_resized_size(...) with stb_image_resize (triangle = bilinear filter,
 *      edge clamp, linear colorspace, uint8 in and out); skipped if the size is unchanged;
 *   2. center crop H x W at offset ((resized_h - H) / 2, (resized_w - W) / 2) (floor); error if the
 *      resized image is smaller than the crop;
 *   3. out[c][y][x] = ((float) pixel[y][x][src(c)] - pre->mean[c]) / pre->std[c], where src(c) = c for
 *      Q8RT_RGB and 2 - c for Q8RT_BGR (output channel 0 is blue).
 * Errors: bad *pre (zero sizes, std 0 or not finite, unknown channel order), bad image size,
 * resized image too large or smaller than the crop, out of memory. */
int q8rt_image_preprocess(const uint8_t* rgb, uint32_t width, uint32_t height,
                          const struct q8rt_preprocess* pre, const char* name_for_errors, float* out,
                          char* err, size_t err_size);

/* Decodes the JPEG file at path and preprocesses it into out (3 * pre->height * pre->width floats).
 * Messages look like "img.jpg: not a JPEG file (starts with 89 50 4E 47)", "img.jpg: truncated JPEG
 * data", "img.jpg: is a directory", "img.jpg: empty file". */
int q8rt_image_load_preprocessed(const char* path, const struct q8rt_preprocess* pre, float* out,
                                 char* err, size_t err_size);

/* Same from memory (for a fuzzer). name_for_errors may be NULL ("image"). */
int q8rt_image_decode_preprocess_memory(const void* data, size_t size, const char* name_for_errors,
                                        const struct q8rt_preprocess* pre, float* out, char* err,
                                        size_t err_size);

#endif /* Q8RT_CLI_IMAGE_H */

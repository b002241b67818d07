/*
 * Image loading for the CLI (`q8rt classify`, `q8rt eval`): decoding (JPEG with libjpeg-turbo, its EXIF
 * orientation with libexif; PNG with libpng) and the preprocessing described by struct q8rt_preprocess: resize so
 * that the shorter side is resize_shorter (Pillow's antialiased BILINEAR, src/cli/resize.h) then centre crop, or
 * TensorFlow's central crop + TF1 bilinear (src/cli/resize_tf.h); channel order, (pixel - mean[c]) / std[c],
 * float32 NCHW. docs/preprocessing.md describes the steps and their tests.
 *
 * Every function returns 0 on success, or -1 with a message naming the file (or name_for_errors) and the
 * problem written into err (err may be NULL / err_size 0). Corrupt input never crashes, aborts or leaks.
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

enum { Q8RT_IMAGE_JPEG = 1, Q8RT_IMAGE_PNG = 2 };

/* A decoded image, upright: packed 8-bit RGB (row-major, 3 bytes per pixel, no padding). */
struct q8rt_image {
  uint8_t* rgb;
  uint32_t width, height;           /* of rgb: smaller than full_* when the JPEG was decoded with DCT scaling */
  uint32_t full_width, full_height; /* the image's own size (after the EXIF orientation) */
  uint8_t format;                   /* Q8RT_IMAGE_JPEG or Q8RT_IMAGE_PNG */
  uint8_t orientation;              /* the EXIF orientation that was applied: 1 (none) .. 8 */
  uint8_t scale_num;                /* JPEG DCT scaling used: scale_num / 8 (8: full size) */
};

/* Decodes a JPEG or PNG held in memory (recognised by its signature, not its name) into *img, upright.
 * - JPEG: grayscale is expanded to RGB; CMYK / YCCK are converted to RGB (Adobe-inverted CMYK when an Adobe
 *   marker is present); truncated data is an error; the EXIF orientation (APP1, IFD0 tag 0x0112) is applied.
 *   When min_shorter > 0 and the shorter side is at least 2 * min_shorter, the JPEG is decoded at the smallest
 *   scale M/8 (libjpeg-turbo DCT scaling) whose shorter side is still >= min_shorter; 0 decodes full size.
 * - PNG: any bit depth, palette, gray, interlaced; alpha is dropped (colour samples used as stored).
 * Images with a zero dimension, more than Q8RT_IMAGE_MAX_DIM on a side or Q8RT_IMAGE_MAX_PIXELS pixels are
 * rejected before any pixel buffer is allocated. On failure *img is zeroed. Free with q8rt_image_free. */
int q8rt_image_decode(const void* data, size_t size, const char* name_for_errors, uint32_t min_shorter,
                      struct q8rt_image* img, char* err, size_t err_size);
void q8rt_image_free(struct q8rt_image* img);

/* Where the pixel (x, y) of the upright image is stored in an image of width x height saved with EXIF
 * orientation 1..8 (other values: as 1). */
void q8rt_image_orient_source(unsigned orientation, uint32_t width, uint32_t height, uint32_t x, uint32_t y,
                              uint32_t* sx, uint32_t* sy);

/* Size of the image after the "shorter side = resize_shorter" resize: the shorter side becomes resize_shorter,
 * the longer side round(longer * resize_shorter / shorter) with ties to even (Python's round(), as the
 * reference preprocessing). A square image becomes resize_shorter x resize_shorter. 0 x 0 for a zero input. */
void q8rt_image_resized_size(uint32_t width, uint32_t height, uint32_t resize_shorter,
                             uint32_t* resized_width, uint32_t* resized_height);

/* Offset of a centred crop: round((resized - crop) / 2), ties to even; 0 when the crop is not smaller. */
uint32_t q8rt_image_crop_offset(uint32_t resized, uint32_t crop);

/* Preprocesses a decoded image per *pre into out, float32 NCHW [1, 3, H, W] with H = pre->height,
 * W = pre->width (3*H*W floats). Q8RT_CENTRAL_CROP_TF: q8rt_tf_crop_resize of the full-size image, then step 3.
 * Q8RT_RESIZE_SHORTER_CROP:
 *   1. resize to q8rt_image_resized_size(full_width, full_height, ...) with Pillow's antialiased bilinear
 *      filter (src/cli/resize.h), computing only the crop window;
 *   2. centre crop H x W at (q8rt_image_crop_offset(resized_w, W), q8rt_image_crop_offset(resized_h, H));
 *   3. out[c][y][x] = ((float) pixel[y][x][src(c)] - pre->mean[c]) / pre->std[c], where src(c) = c for
 *      Q8RT_RGB and 2 - c for Q8RT_BGR (output channel 0 is blue).
 * Works for every image size the decoder accepts (1x1 up to the limits, any aspect ratio) when the crop is not
 * larger than resize_shorter (the converter requires that). Errors: bad *pre (zero sizes or above
 * Q8RT_IMAGE_MAX_DIM, std 0 or not finite, unknown channel order), bad image size, resized image smaller than
 * the crop, out of memory. */
int q8rt_image_preprocess_image(const struct q8rt_image* img, const struct q8rt_preprocess* pre,
                                const char* name_for_errors, float* out, char* err, size_t err_size);

/* The same for a full-size packed RGB8 buffer of width x height. */
int q8rt_image_preprocess(const uint8_t* rgb, uint32_t width, uint32_t height,
                          const struct q8rt_preprocess* pre, const char* name_for_errors, float* out,
                          char* err, size_t err_size);

/* Decodes the JPEG or PNG file at path and preprocesses it into out (3 * pre->height * pre->width floats), with
 * DCT scaling for min_shorter = pre->resize_shorter. Messages look like "img.jpg: not a JPEG or PNG file (starts
 * with 47 49 46 38)", "img.jpg: truncated JPEG data", "img.jpg: is a directory", "img.jpg: empty file". */
int q8rt_image_load_preprocessed(const char* path, const struct q8rt_preprocess* pre, float* out,
                                 char* err, size_t err_size);

/* Same from memory (for a fuzzer). name_for_errors may be NULL ("image"). */
int q8rt_image_decode_preprocess_memory(const void* data, size_t size, const char* name_for_errors,
                                        const struct q8rt_preprocess* pre, float* out, char* err,
                                        size_t err_size);

#endif /* Q8RT_CLI_IMAGE_H */

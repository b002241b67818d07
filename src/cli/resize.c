/* Antialiased bilinear resampling (Pillow's BILINEAR arithmetic) into a crop window. See resize.h. */
#include "cli/resize.h"

#include <math.h>
#include <stdlib.h>

/* Fixed-point weights: 22 fractional bits, as Pillow's PRECISION_BITS (32 - 8 - 2) for 8-bit images. */
#define RESIZE_PRECISION_BITS 22

/* Taps of the output pixels [first, first + count) along one axis: output pixel i reads count[i] source
 * pixels from start[i] with weights coeff[i * taps ...]. */
struct resize_axis {
  uint32_t taps;
  uint32_t* start;
  uint32_t* count;
  int32_t* coeff;
};

static double triangle(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

static void axis_free(struct resize_axis* a) {
  free(a->start);
  free(a->count);
  free(a->coeff);
}

/* Pillow's precompute_coeffs + normalize_coeffs_8bpc for in_size -> out_size, restricted to the output
 * indices first .. first + n - 1. Returns 0, or -1 when out of memory (a is then freed). */
static int axis_init(struct resize_axis* a, uint32_t in_size, uint32_t out_size, uint32_t first, uint32_t n) {
  const double scale = (double) in_size / (double) out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = filterscale; /* the triangle's support is 1 */
  const double inv = 1.0 / filterscale;
  a->taps = (uint32_t) ceil(support) * 2 + 1;
  a->start = malloc(sizeof(uint32_t) * n);
  a->count = malloc(sizeof(uint32_t) * n);
  a->coeff = calloc((size_t) n * a->taps, sizeof(int32_t));
  double* w = malloc(sizeof(double) * a->taps);
  if (a->start == NULL || a->count == NULL || a->coeff == NULL || w == NULL) {
    free(w);
    axis_free(a);
    return -1;
  }
  for (uint32_t i = 0; i < n; i++) {
    const double center = ((double) (first + i) + 0.5) * scale;
    /* (int) truncates toward zero, as Pillow's cast does; both ends are then clamped to the image. */
    int lo = (int) (center - support + 0.5);
    int hi = (int) (center + support + 0.5);
    if (lo < 0) lo = 0;
    if (hi > (int) in_size) hi = (int) in_size;
    const int len = hi - lo;
    double sum = 0.0;
    for (int x = 0; x < len; x++) {
      w[x] = triangle(((double) (x + lo) - center + 0.5) * inv);
      sum += w[x];
    }
    int32_t* k = a->coeff + (size_t) i * a->taps;
    for (int x = 0; x < len; x++) {
      const double v = (sum != 0.0 ? w[x] / sum : w[x]) * (double) (1 << RESIZE_PRECISION_BITS);
      k[x] = (int32_t) (v < 0.0 ? v - 0.5 : v + 0.5);
    }
    a->start[i] = (uint32_t) lo;
    a->count[i] = (uint32_t) len;
  }
  free(w);
  return 0;
}

static uint8_t round_to_u8(int64_t acc) {
  acc += (int64_t) 1 << (RESIZE_PRECISION_BITS - 1);
  if (acc < 0) return 0;
  acc >>= RESIZE_PRECISION_BITS;
  return acc > 255 ? 255 : (uint8_t) acc;
}

/* One output pixel: taps source pixels `step` bytes apart, 3 channels. */
static void filter_pixel(const uint8_t* src, size_t step, const int32_t* k, uint32_t count, uint8_t* dst) {
  int64_t acc0 = 0, acc1 = 0, acc2 = 0;
  for (uint32_t t = 0; t < count; t++, src += step) {
    acc0 += (int64_t) src[0] * k[t];
    acc1 += (int64_t) src[1] * k[t];
    acc2 += (int64_t) src[2] * k[t];
  }
  dst[0] = round_to_u8(acc0);
  dst[1] = round_to_u8(acc1);
  dst[2] = round_to_u8(acc2);
}

int q8rt_resize_bilinear_crop_rgb8(const uint8_t* src, uint32_t width, uint32_t height, uint32_t out_width,
                                   uint32_t out_height, uint32_t crop_x, uint32_t crop_y, uint32_t crop_width,
                                   uint32_t crop_height, uint8_t* dst) {
  if (src == NULL || dst == NULL || width == 0 || height == 0 || out_width == 0 || out_height == 0 ||
      crop_width == 0 || crop_height == 0 || width > INT32_MAX / 4 || height > INT32_MAX / 4 ||
      crop_x > out_width || crop_width > out_width - crop_x || crop_y > out_height ||
      crop_height > out_height - crop_y) {
    return -1;
  }
  struct resize_axis h, v;
  if (axis_init(&h, width, out_width, crop_x, crop_width) != 0) return -1;
  if (axis_init(&v, height, out_height, crop_y, crop_height) != 0) {
    axis_free(&h);
    return -1;
  }
  /* Horizontal pass over the source rows the vertical taps read, into crop_width-wide rows of bytes. */
  const uint32_t row0 = v.start[0];
  const uint32_t rows = v.start[crop_height - 1] + v.count[crop_height - 1] - row0;
  uint8_t* tmp = malloc((size_t) rows * crop_width * 3);
  if (tmp == NULL) {
    axis_free(&h);
    axis_free(&v);
    return -1;
  }
  for (uint32_t y = 0; y < rows; y++) {
    const uint8_t* line = src + (size_t) (row0 + y) * width * 3;
    for (uint32_t x = 0; x < crop_width; x++) {
      filter_pixel(line + (size_t) h.start[x] * 3, 3, h.coeff + (size_t) x * h.taps, h.count[x],
                   tmp + ((size_t) y * crop_width + x) * 3);
    }
  }
  /* Vertical pass. */
  const size_t stride = (size_t) crop_width * 3;
  for (uint32_t y = 0; y < crop_height; y++) {
    const uint8_t* column_top = tmp + (size_t) (v.start[y] - row0) * stride;
    for (uint32_t x = 0; x < crop_width; x++) {
      filter_pixel(column_top + (size_t) x * 3, stride, v.coeff + (size_t) y * v.taps, v.count[y],
                   dst + (size_t) y * stride + (size_t) x * 3);
    }
  }
  free(tmp);
  axis_free(&h);
  axis_free(&v);
  return 0;
}

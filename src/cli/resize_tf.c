/* TensorFlow's central crop + TF1 bilinear resize (align_corners=False, half_pixel_centers=False) of packed
 * RGB8 images, rounded to uint8. See resize_tf.h.
 *
 * Sources of the arithmetic (TensorFlow, Apache License 2.0; read, not copied):
 *  - tensorflow/python/ops/image_ops_impl.py, central_crop(): bbox_h_start = int((img_hd - img_hd *
 *    central_fraction) / 2) with img_hd = float(img_h) (static shapes; the dynamic-shape branch casts to
 *    float64 and back to int32, the same value), bbox_h_size = img_h - bbox_h_start * 2; the same for the width.
 *  - tensorflow/core/util/image_resizer_state.h: CalculateResizeScale() = in_size / static_cast<float>(out_size)
 *    without align_corners; LegacyScaler: static_cast<float>(x) * scale.
 *  - tensorflow/core/kernels/image/resize_bilinear_op.cc: compute_interpolation_weights() (lower =
 *    max(floor(in), 0), upper = min(ceil(in), in_size - 1), lerp = in - floor(in), all float) and
 *    compute_lerp() (top = top_left + (top_right - top_left) * x_lerp, bottom likewise, top + (bottom - top) *
 *    y_lerp, float), on the uint8 pixels converted to float; its output is float32, which we round to the nearest
 *    uint8 (ties to even) and clamp.
 *
 * Every float operation is written as its own statement: C11 allows a compiler to contract a*b+c within one
 * expression into an FMA (clang does by default where the target has FMA), which would round differently from
 * TensorFlow's separate multiply and add (its SSE path uses _mm_mul_ps then _mm_add_ps). GCC in ISO C mode
 * does not contract at all. */
#include "cli/resize_tf.h"

#include <math.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

bool q8rt_tf_central_crop_box(uint32_t size_in, float central_fraction, uint32_t* start, uint32_t* size) {
  /* !(x > 0) also rejects NaN */
  if (size_in == 0 || !(central_fraction > 0.0f) || central_fraction > 1.0f || start == NULL || size == NULL) {
    return false;
  }
  const double d = (double) size_in;
  const double kept = d * (double) central_fraction; /* <= d: fraction <= 1 and rounding is monotonic */
  const double removed = d - kept;
  const double half = removed / 2.0;
  if (!(half >= 0.0) || half >= d) return false;
  const uint32_t s = (uint32_t) half; /* Python int(): truncation; half >= 0 */
  /* 2 * s <= size_in always; 2 * s == size_in (an empty crop) for tiny fractions, whose removed part rounds to
   * all of size_in */
  if (s > size_in / 2) return false;
  const uint32_t n = size_in - 2 * s;
  if (n == 0) return false;
  *start = s;
  *size = n;
  return true;
}

/* One axis of the resize: source index pair and weight of output index i, as compute_interpolation_weights(). */
struct tf_interp {
  uint32_t lower, upper;
  float lerp;
};

static struct tf_interp tf_interp_at(uint32_t i, float scale, uint32_t in_size) {
  const float in = (float) i * scale;
  const float in_f = floorf(in);
  const float in_c = ceilf(in);
  struct tf_interp r;
  /* lower = max(floor(in), 0); also kept <= in_size - 1 (TensorFlow does not clamp it: it never needs to for
   * sizes where its float arithmetic stays in bounds; here it guarantees in-bounds reads for any size). */
  const float last = (float) (in_size - 1);
  r.lower = in_f <= 0.0f ? 0u : (in_f >= last ? in_size - 1 : (uint32_t) in_f);
  r.upper = in_c <= 0.0f ? 0u : (in_c >= last ? in_size - 1 : (uint32_t) in_c);
  r.lerp = in - in_f;
  return r;
}

/* Nearest uint8, ties to even, clamped to 0..255 (independent of the floating-point rounding mode). */
static uint8_t round_u8(float v) {
  if (!(v > 0.0f)) return 0; /* also NaN (cannot occur) */
  if (v >= 255.0f) return 255;
  const float f = floorf(v);
  const float frac = v - f; /* exact: 0 <= f <= v < 255 */
  unsigned n = (unsigned) f;
  if (frac > 0.5f || (frac == 0.5f && (n & 1u) != 0)) n++;
  return (uint8_t) n;
}

static float lerp_tf(float a, float b, float t) {
  const float diff = b - a;
  const float step = diff * t;
  const float r = a + step;
  return r;
}

/* *r = a * b unless it overflows size_t. */
static bool mul_size(size_t a, size_t b, size_t* r) {
  if (b != 0 && a > SIZE_MAX / b) return false;
  *r = a * b;
  return true;
}

bool q8rt_tf_crop_resize(const uint8_t* rgb, uint32_t width, uint32_t height, size_t stride,
                         float central_fraction, uint32_t out_width, uint32_t out_height, uint8_t* out) {
  if (rgb == NULL || out == NULL || width == 0 || height == 0 || out_width == 0 || out_height == 0) return false;
  size_t row_bytes, out_row_bytes, out_bytes;
  if (!mul_size(width, 3, &row_bytes) || stride < row_bytes) return false;
  if ((size_t) (height - 1) > (SIZE_MAX - row_bytes) / stride) return false; /* last row's end fits size_t */
  if (!mul_size(out_width, 3, &out_row_bytes) || !mul_size(out_row_bytes, out_height, &out_bytes)) return false;
  uint32_t cx, cw, cy, ch;
  if (!q8rt_tf_central_crop_box(width, central_fraction, &cx, &cw)) return false;
  if (!q8rt_tf_central_crop_box(height, central_fraction, &cy, &ch)) return false;

  /* scale = in_size / static_cast<float>(out_size): both operands float */
  const float x_scale = (float) cw / (float) out_width;
  const float y_scale = (float) ch / (float) out_height;
  const uint8_t* base = rgb + (size_t) cy * stride + (size_t) cx * 3;
  uint8_t* o = out;
  for (uint32_t y = 0; y < out_height; y++) {
    const struct tf_interp ys = tf_interp_at(y, y_scale, ch);
    const uint8_t* top_row = base + (size_t) ys.lower * stride;
    const uint8_t* bottom_row = base + (size_t) ys.upper * stride;
    for (uint32_t x = 0; x < out_width; x++) {
      const struct tf_interp xs = tf_interp_at(x, x_scale, cw);
      const size_t l = (size_t) xs.lower * 3, u = (size_t) xs.upper * 3;
      for (int c = 0; c < 3; c++) {
        const float top_left = (float) top_row[l + (size_t) c];
        const float top_right = (float) top_row[u + (size_t) c];
        const float bottom_left = (float) bottom_row[l + (size_t) c];
        const float bottom_right = (float) bottom_row[u + (size_t) c];
        const float top = lerp_tf(top_left, top_right, xs.lerp);
        const float bottom = lerp_tf(bottom_left, bottom_right, xs.lerp);
        const float value = lerp_tf(top, bottom, ys.lerp);
        *o++ = round_u8(value);
      }
    }
  }
  return true;
}

/* Sliding-window geometry and indirection buffers, shared by the operators that read their input through
 * pointers (convolution, depthwise convolution, average pooling; int8 and fp32). An indirection entry is the
 * address of the input pixel under a kernel tap, or the zero buffer where the tap falls in the padding. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "op.h"

struct q8rt_window {
  size_t ih, iw, oh, ow;  /* input and output height and width */
  size_t kh, kw, sh, sw;  /* kernel and stride */
  size_t pt, pl;          /* top and left padding */
  size_t pixel_bytes;     /* channels * element size */
  const uint8_t* x;       /* NHWC input */
  const void* zero;       /* padding buffer */
};

/* Geometry of op (global pooling: one window over the whole input) for an input at x with elements of
 * element_bytes. */
void q8rt_window_init(struct q8rt_window* w, const struct q8rt_model_op* op, const void* x, size_t element_bytes,
                      const void* zero);

/* Address of the input pixel under tap (ky, kx) of output pixel (oy, ox), or the zero buffer. */
static inline const void* q8rt_window_tap(const struct q8rt_window* w, size_t oy, size_t ox, size_t ky, size_t kx) {
  const size_t iy = oy * w->sh + ky - w->pt; /* wraps around, and fails the bound, in the top padding */
  const size_t ix = ox * w->sw + kx - w->pl;
  return iy < w->ih && ix < w->iw ? (const void*) (w->x + (iy * w->iw + ix) * w->pixel_bytes) : w->zero;
}

/* Stores pointer p at index i of an indirection buffer of the caller's pointer type. */
typedef void (*q8rt_store_pointer_fn)(void* buffer, size_t i, const void* p);
void q8rt_store_u8_pointer(void* buffer, size_t i, const void* p);
void q8rt_store_f32_pointer(void* buffer, size_t i, const void* p);

/* Convolution (QNNPACK q8conv order): per tile of mr output pixels and per tap t = ky * kw + kx, mr pointers
 * at buffer[(tile * taps + t) * mr + i]; a partial last tile repeats the last pixel. Fills
 * ceil(oh * ow / mr) * kh * kw * mr entries. */
void q8rt_indirection_conv(const struct q8rt_window* w, size_t mr, void* buffer, q8rt_store_pointer_fn store);

/* Depthwise 3x3 rows: for output row oy, input column slot c = ox * sw + kx and ky, the pointer at
 * buffer[oy * row + c * 3 + ky], row = q8rt_dw_row_pointers(ow, sw); pixel ox then reads its taps
 * t = kx * 3 + ky at ox * 3 * sw + t. */
size_t q8rt_dw_row_pointers(size_t ow, size_t sw);
void q8rt_indirection_dw(const struct q8rt_window* w, void* buffer, q8rt_store_pointer_fn store);

/* Pooling: per output pixel, kh * kw pointers in (ky, kx) order. */
void q8rt_indirection_pool(const struct q8rt_window* w, void* buffer, q8rt_store_pointer_fn store);

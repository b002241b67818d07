#include "window.h"

#include "../common/common.h"

void q8rt_window_init(struct q8rt_window* w, const struct q8rt_model_op* op, const void* x, size_t element_bytes,
                      const void* zero) {
  const struct q8rt_blob_op* r = op->rec;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const bool global = r->type == Q8RT_OP_AVGPOOL && (r->flags & Q8RT_OP_FLAG_GLOBAL) != 0;
  *w = (struct q8rt_window){
    .ih = xd[1], .iw = xd[2], .oh = yd[1], .ow = yd[2],
    .kh = global ? xd[1] : r->kernel_h, .kw = global ? xd[2] : r->kernel_w,
    .sh = global ? 1 : r->stride_h, .sw = global ? 1 : r->stride_w,
    .pt = global ? 0 : r->pad_top, .pl = global ? 0 : r->pad_left,
    .pixel_bytes = (size_t) xd[3] * element_bytes, .x = x, .zero = zero,
  };
}

void q8rt_store_u8_pointer(void* buffer, size_t i, const void* p) { ((const uint8_t**) buffer)[i] = p; }

void q8rt_store_f32_pointer(void* buffer, size_t i, const void* p) { ((const float**) buffer)[i] = p; }

void q8rt_indirection_conv(const struct q8rt_window* w, size_t mr, void* buffer, q8rt_store_pointer_fn store) {
  const size_t m = w->oh * w->ow, taps = w->kh * w->kw, tiles = q8rt_divide_round_up(m, mr);
  for (size_t tile = 0; tile < tiles; tile++) {
    for (size_t t = 0; t < taps; t++) {
      for (size_t i = 0; i < mr; i++) {
        const size_t p = q8rt_min_size(tile * mr + i, m - 1);
        store(buffer, (tile * taps + t) * mr + i, q8rt_window_tap(w, p / w->ow, p % w->ow, t / w->kw, t % w->kw));
      }
    }
  }
}

size_t q8rt_dw_row_pointers(size_t ow, size_t sw) { return ((ow - 1) * sw + 3) * 3; }

void q8rt_indirection_dw(const struct q8rt_window* w, void* buffer, q8rt_store_pointer_fn store) {
  const size_t row = q8rt_dw_row_pointers(w->ow, w->sw);
  for (size_t oy = 0; oy < w->oh; oy++) {
    for (size_t slot = 0; slot < row / 3; slot++) {
      for (size_t ky = 0; ky < 3; ky++) store(buffer, oy * row + slot * 3 + ky, q8rt_window_tap(w, oy, 0, ky, slot));
    }
  }
}

void q8rt_indirection_pool(const struct q8rt_window* w, void* buffer, q8rt_store_pointer_fn store) {
  size_t i = 0;
  for (size_t oy = 0; oy < w->oh; oy++) {
    for (size_t ox = 0; ox < w->ow; ox++) {
      for (size_t ky = 0; ky < w->kh; ky++) {
        for (size_t kx = 0; kx < w->kw; kx++) store(buffer, i++, q8rt_window_tap(w, oy, ox, ky, kx));
      }
    }
  }
}

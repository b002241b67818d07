/* Bias folding shared by the packers: bias' = bias - input_zero_point * sum(w - kernel_zero_point). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Returns false if the folded bias does not fit int32. */
static inline bool q8rt_fold_bias(int32_t bias, int64_t wsum, uint8_t input_zero_point, int32_t* out) {
  const int64_t v = (int64_t) bias - (int64_t) input_zero_point * wsum;
  if (v < INT32_MIN || v > INT32_MAX) return false;
  *out = (int32_t) v;
  return true;
}

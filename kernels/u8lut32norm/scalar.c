/* u8lut32norm and u8rmax scalar micro-kernels (QNNPACK softargmax). */
#include <stddef.h>
#include <stdint.h>

#include "u8lut32norm.h"

void q8rt_u8lut32norm_ukernel__scalar(size_t n, const uint8_t* x, const uint32_t* t, uint8_t* y) {
  uint32_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += t[x[i]];
  if (sum == 0) sum = 1; /* impossible with a valid table (t[max] >= 1); avoids a division by zero */
  const uint32_t rounding = sum >> 1;
  for (size_t i = 0; i < n; i++) {
    const uint32_t q = ((t[x[i]] << 8) + rounding) / sum;
    y[i] = q > 255 ? (uint8_t) 255 : (uint8_t) q;
  }
}

uint8_t q8rt_u8rmax_ukernel__scalar(size_t n, const uint8_t* x) {
  uint8_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (x[i] > m) m = x[i];
  }
  return m;
}

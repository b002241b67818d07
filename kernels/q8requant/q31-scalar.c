/* q8requant q31 scalar: q8rt_requantize_q31 (kernels/requantize.h) per element, the reference twin. */
#include <stddef.h>
#include <stdint.h>

#include "../requantize.h"
#include "q8requant.h"

void q8rt_q8requant_ukernel_q31__scalar(size_t n, const int32_t* acc, uint8_t* out,
    const struct q8rt_conv_params* params) {
  for (size_t i = 0; i < n; i++) out[i] = q8rt_requantize_q31(acc[i], params);
}

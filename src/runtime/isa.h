/* Instruction-set dispatch: the one place that picks kernel configurations (src/ops/config.h), through cpuinfo. */
#pragma once

#include "../ops/config.h"
#include "q8rt.h"

/* Picks the kernels for `requested` (AUTO: the Q8RT_ISA environment variable if set, else the best the
 * CPU supports). Errors: UNSUPPORTED (CPU lacks the ISA, or unknown Q8RT_ISA value). */
q8rt_status q8rt_kernels_select(q8rt_isa requested, const struct q8rt_kernels** kernels);

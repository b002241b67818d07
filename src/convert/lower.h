/* Lowering passes on the converter IR: input spec, output resolution, dead code, shape inference
 * with checks, Relu folding, requantization checks and weight packing. */
#pragma once

#include <stdbool.h>

#include "convert.h"
#include "graph.h"

/* Runs all passes. Afterwards the live ops (op->dead == false) are exactly the blob's ops, in order,
 * with blob_type/flags/output_min/output_max/packed set, and g->model_input/logits/output are set. */
bool cv_lower(struct cv_graph* g, const struct q8rt_convert_options* opts);

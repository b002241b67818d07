/* Caffe2 NetDef -> converter IR (graph.h). Parses arguments and resolves tensor names; shapes are
 * inferred later by lower.c. */
#pragma once

#include <stdbool.h>

#include "caffe2.pb-c.h"
#include "graph.h"

/* init_net: Int8GivenTensorFill (uint8) and Int8GivenIntTensorFill (int32) constants. */
bool cv_import_init(struct cv_graph* g, const Caffe2__NetDef* init_net);

/* predict_net: ops in order, their arguments, and external_output. Must run after cv_import_init. */
bool cv_import_predict(struct cv_graph* g, const Caffe2__NetDef* predict_net);

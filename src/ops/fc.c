/* Fully connected (Caffe2 Int8FC): [N, K] x weights [Cout, K]^T, one GEMM. */
#include "ops.h"

static void fc_run(struct q8rt_session* s, const struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  const size_t batch = op->y->dims[0], n = op->w->dims[0], k = op->w->dims[1];
  q8rt_run_gemm(s, op, batch, n, k, plan->x, k, plan->y);
}

const struct q8rt_op_impl q8rt_fc_impl = {NULL, fc_run};

/* Fully connected (Caffe2 Int8FC): [N, K] x weights [Cout, K]^T, one GEMM. */
#include "ops.h"

static void fc_run(struct q8rt_session* s, const struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  const size_t batch = op->y->dims[0], n = op->w->dims[0], k = op->w->dims[1];
  if (plan->vnni_w != NULL) {
    q8rt_run_gemm_vnni(s, plan, batch, n, k, plan->x, k, plan->y);
  } else {
    q8rt_run_gemm(s, op, batch, n, k, plan->x, k, plan->y);
  }
}

/* AVX-512 VNNI sessions: repacked weights (src/ops/gemm_vnni.c). */
static q8rt_status fc_setup(struct q8rt_session* s, struct q8rt_op_plan* plan) {
  return q8rt_gemm_vnni_setup(s, plan, plan->op->w->dims[0], plan->op->w->dims[1]);
}

const struct q8rt_op_impl q8rt_fc_impl = {fc_setup, fc_run};

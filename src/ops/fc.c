/* Fully connected (Caffe2 Int8FC): [N, K] x weights [Cout, K]^T, one GEMM on the session's gemm configuration. */
#include "ops.h"

static q8rt_status fc_pack(struct q8rt_op_ctx* s, struct q8rt_op_plan* plan) {
  plan->gemm = q8rt_gemm_config_for(s, plan->op->w->dims[1], 1, false);
  return q8rt_op_packed_weights(s, plan, plan->gemm->pack, plan->gemm->packed_size);
}

static void fc_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  const struct q8rt_model_op* op = plan->op;
  const size_t batch = op->y->dims[0], n = op->w->dims[0], k = op->w->dims[1];
  q8rt_run_gemm(s, plan, batch, n, k, plan->x, k, plan->y);
}

const struct q8rt_op_impl q8rt_fc_impl = {fc_pack, NULL, fc_run};

/* Fully connected (Caffe2 Int8FC): [N, K] x weights [Cout, K]^T, one GEMM on the session's gemm configuration. */
#include "ops.h"

static q8rt_status fc_pack(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_conv_plan* plan = q8rt_conv_plan_of(base);
  plan->direct_gemm = true;
  plan->gemm = q8rt_gemm_config_for(s, base->op->w->dims[1], 1, false);
  q8rt_plan_conv_params(&plan->params, base->op, plan->gemm->prepare_params);
  return q8rt_op_packed_weights(s, base->op, plan->gemm->pack, plan->gemm->packed_size, &plan->packed_w);
}

static void fc_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  const struct q8rt_model_op* op = base->op;
  const size_t batch = op->y->dims[0], n = op->w->dims[0], k = op->w->dims[1];
  q8rt_run_gemm(s, q8rt_conv_plan_of_const(base), batch, n, k, base->x, k, base->y);
}

/* The conv plan, with no session-owned buffers (direct GEMM only). */
const struct q8rt_op_impl q8rt_fc_impl = {
  .plan_size = sizeof(struct q8rt_conv_plan), .plan_align = _Alignof(struct q8rt_conv_plan),
  .pack = fc_pack, .run = fc_run,
};

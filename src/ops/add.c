/* Elementwise add (Caffe2 Int8Sum / Int8SumRelu, QNNPACK q8vadd), split into blocks across threads. */
#include "../common/common.h"
#include "ops.h"

#define ADD_BLOCK 4096

struct add_context {
  q8rt_q8vadd_ukernel_fn ukernel;
  size_t n;
  const uint8_t* a;
  const uint8_t* b;
  uint8_t* y;
  const struct q8rt_add_params* params;
};

static void add_block(void* arg, size_t start, size_t count) {
  const struct add_context* c = arg;
  c->ukernel(count, c->a + start, c->b + start, c->y + start, c->params);
}

static void add_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  struct add_context c = {
    .ukernel = s->kernels->vadd, .n = (size_t) q8rt_tensor_elements(plan->op->y), .a = plan->x,
    .b = plan->x2, .y = plan->y, .params = &plan->op->params.add,
  };
  pthreadpool_parallelize_1d_tile_1d(s->pool, add_block, &c, c.n, ADD_BLOCK, 0);
}

const struct q8rt_op_impl q8rt_add_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = add_run,
};

/* FP32 elementwise add: y = a + b (the dequantized semantics of Int8Sum: no requantization), ReLU for Int8SumRelu. */
#include "../common/common.h"
#include "ops.h"

#define ADD_BLOCK 4096

struct add_context {
  q8rt_f32vadd_ukernel_fn ukernel;
  const float* a;
  const float* b;
  float* y;
  const struct q8rt_f32_minmax_params* params;
};

static void add_block(void* arg, size_t start, size_t count) {
  const struct add_context* c = arg;
  c->ukernel(count, c->a + start, c->b + start, c->y + start, c->params);
}

static q8rt_status f32_add_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  (void) s;
  q8rt_f32_add_plan_of(base)->minmax = q8rt_f32_clamp_for(base->op);
  return Q8RT_OK;
}

static void f32_add_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* base) {
  struct add_context c = {
    .ukernel = s->kernels->f32vadd, .a = (const float*) (const void*) base->x,
    .b = (const float*) (const void*) base->x2, .y = base->y, .params = &q8rt_f32_add_plan_of_const(base)->minmax,
  };
  pthreadpool_parallelize_1d_tile_1d(s->pool, add_block, &c, (size_t) q8rt_tensor_elements(base->op->y),
                                     ADD_BLOCK, 0);
}

const struct q8rt_op_impl q8rt_f32_add_impl = {
  .plan_size = sizeof(struct q8rt_f32_add_plan), .plan_align = _Alignof(struct q8rt_f32_add_plan),
  .setup = f32_add_setup, .run = f32_add_run,
};

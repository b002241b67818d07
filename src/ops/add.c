/* Elementwise add, split into blocks across threads: Caffe2 Int8Sum / Int8SumRelu (QNNPACK q8vadd) or TFLite
 * ADD (the reference kernel's left-shift-20 scheme, q8vadd tflite kernels), as the op's rule says. */
#include "../common/common.h"
#include "ops.h"

#define ADD_BLOCK 4096

struct add_context {
  bool tflite;                                  /* the op's rule is TFLite's */
  q8rt_q8vadd_ukernel_fn ukernel;               /* Caffe2 rule */
  q8rt_q8vadd_tflite_ukernel_fn tflite_ukernel; /* TFLite rule (every kernel table has one: test_neon checks) */
  const uint8_t* a;
  const uint8_t* b;
  uint8_t* y;
  const struct q8rt_model_op* op;
};

static void add_block(void* arg, size_t start, size_t count) {
  const struct add_context* c = arg;
  if (c->tflite) {
    c->tflite_ukernel(count, c->a + start, c->b + start, c->y + start, &c->op->params.tflite_add);
  } else {
    c->ukernel(count, c->a + start, c->b + start, c->y + start, &c->op->params.add);
  }
}

static void add_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  const bool tflite = plan->op->rec->rule != Q8RT_BLOB_RULE_CAFFE2;
  struct add_context c = {
    .tflite = tflite, .ukernel = s->kernels->vadd, .tflite_ukernel = s->kernels->vadd_tflite, .a = plan->x,
    .b = plan->x2, .y = plan->y, .op = plan->op,
  };
  pthreadpool_parallelize_1d_tile_1d(s->pool, add_block, &c, (size_t) q8rt_tensor_elements(plan->op->y), ADD_BLOCK,
                                     0);
}

const struct q8rt_op_impl q8rt_add_impl = {
  .plan_size = sizeof(struct q8rt_op_plan), .plan_align = _Alignof(struct q8rt_op_plan), .run = add_run,
};

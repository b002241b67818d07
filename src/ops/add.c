/* Elementwise add, split into blocks across threads: Caffe2 Int8Sum / Int8SumRelu (QNNPACK q8vadd) or TFLite
 * ADD (the reference kernel's left-shift-20 scheme, q8vadd tflite kernels), as the op's rule says. */
#include "../common/common.h"
#include "ops.h"

#define ADD_BLOCK 4096

/* The TFLite rule's parameters, pointing at the kernel table's prepared state when it has one. */
struct q8rt_add_plan {
  struct q8rt_op_plan base;
  struct q8rt_tflite_add_params tflite;
  void* state; /* owned by the session */
};

static struct q8rt_add_plan* add_plan_of(struct q8rt_op_plan* base) {
  return (struct q8rt_add_plan*) (void*) ((char*) base - offsetof(struct q8rt_add_plan, base));
}
static const struct q8rt_add_plan* add_plan_of_const(const struct q8rt_op_plan* base) {
  return (const struct q8rt_add_plan*) (const void*) ((const char*) base - offsetof(struct q8rt_add_plan, base));
}

static q8rt_status add_setup(struct q8rt_op_ctx* s, struct q8rt_op_plan* base) {
  struct q8rt_add_plan* plan = add_plan_of(base);
  if (base->op->rec->rule == Q8RT_BLOB_RULE_CAFFE2) return Q8RT_OK;
  plan->tflite = base->op->params.tflite_add;
  if (s->kernels->vadd_tflite_prepare == NULL) return Q8RT_OK;
  plan->state = q8rt_alloc_aligned(s->kernels->vadd_tflite_state_bytes);
  if (plan->state == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "add: out of memory");
  s->aux_bytes += s->kernels->vadd_tflite_state_bytes;
  s->kernels->vadd_tflite_prepare(&plan->tflite, plan->state);
  plan->tflite.prepared = plan->state;
  return Q8RT_OK;
}

static void add_release(struct q8rt_op_plan* base) { q8rt_free(add_plan_of(base)->state); }

struct add_context {
  bool tflite;                                  /* the op's rule is TFLite's */
  q8rt_q8vadd_ukernel_fn ukernel;               /* Caffe2 rule */
  q8rt_q8vadd_tflite_ukernel_fn tflite_ukernel; /* TFLite rule (every kernel table has one: test_neon checks) */
  const uint8_t* a;
  const uint8_t* b;
  uint8_t* y;
  const struct q8rt_add_params* params;
  const struct q8rt_tflite_add_params* tflite_params;
};

static void add_block(void* arg, size_t start, size_t count) {
  const struct add_context* c = arg;
  if (c->tflite) {
    c->tflite_ukernel(count, c->a + start, c->b + start, c->y + start, c->tflite_params);
  } else {
    c->ukernel(count, c->a + start, c->b + start, c->y + start, c->params);
  }
}

static void add_run(struct q8rt_op_ctx* s, const struct q8rt_op_plan* plan) {
  const bool tflite = plan->op->rec->rule != Q8RT_BLOB_RULE_CAFFE2;
  struct add_context c = {
    .tflite = tflite, .ukernel = s->kernels->vadd, .tflite_ukernel = s->kernels->vadd_tflite, .a = plan->x,
    .b = plan->x2, .y = plan->y, .params = &plan->op->params.add, .tflite_params = &add_plan_of_const(plan)->tflite,
  };
  pthreadpool_parallelize_1d_tile_1d(s->pool, add_block, &c, (size_t) q8rt_tensor_elements(plan->op->y), ADD_BLOCK,
                                     0);
}

const struct q8rt_op_impl q8rt_add_impl = {
  .plan_size = sizeof(struct q8rt_add_plan), .plan_align = _Alignof(struct q8rt_add_plan), .setup = add_setup,
  .run = add_run, .release = add_release,
};

/* Packed weights are built once per (model, kernel configuration) and shared: 8 int8 sessions of the real model
 * (created from 8 threads at once) read the same packed-weight buffers, the model's weight cache holds one set,
 * and each further session adds only its own arena and indirection buffers, never a weight copy (checked with the
 * library's allocation counters). fp32 sessions get one more set, shared the same way. All sessions compute the
 * same logits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/model_fixture.h"
#include "../common/test.h"
#include "common/common.h"
#include "q8rt.h"
#include "blob/format.h"
#include "runtime/session.h"

#define SESSIONS 8

/* The packed weights op `op` of session s reads (NULL for ops without weights), from its kind's plan. */
static const void* packed_w(const q8rt_session* s, uint32_t op) {
  const struct q8rt_op_plan* plan = s->plans[op];
  const bool f32 = s->precision == Q8RT_PRECISION_FP32;
  switch (s->model->ops[op].rec->type) {
    case Q8RT_OP_CONV:
    case Q8RT_OP_FC: return f32 ? q8rt_f32_conv_plan_of_const(plan)->packed_w : q8rt_conv_plan_of_const(plan)->packed_w;
    case Q8RT_OP_DWCONV:
      return f32 ? q8rt_f32_dwconv_plan_of_const(plan)->packed_w : q8rt_dwconv_plan_of_const(plan)->packed_w;
  }
  return NULL;
}

static q8rt_model* model;
static q8rt_session* sessions[SESSIONS];
static q8rt_status statuses[SESSIONS];

static void* create(void* arg) {
  const size_t i = (size_t) (uintptr_t) arg;
  struct q8rt_session_options o;
  q8rt_session_options_init(&o);
  statuses[i] = q8rt_session_create(model, &o, &sessions[i]);
  return NULL;
}

/* Bytes of all heap blocks the library holds is not tracked; the count of live blocks is. */
static size_t cache_bytes(size_t* buffers) { return q8rt_weight_cache_bytes(model->packed, buffers); }

int main(void) {
  size_t size = 0;
  void* blob = fixture_mobilenet_blob(&size);
  if (blob == NULL) {
    CHECKF(false, "the real model is needed for this test");
    return test_summary("test_pack_once");
  }
  CHECK(q8rt_model_load_from_memory(blob, size, &model) == Q8RT_OK);
  free(blob);
  if (model == NULL) return test_summary("test_pack_once");
  size_t buffers0;
  CHECK(cache_bytes(&buffers0) == 0 && buffers0 == 0); /* nothing packed before a session asks */

  pthread_t threads[SESSIONS];
  for (size_t i = 0; i < SESSIONS; i++) pthread_create(&threads[i], NULL, create, (void*) (uintptr_t) i);
  for (size_t i = 0; i < SESSIONS; i++) pthread_join(threads[i], NULL);
  for (size_t i = 0; i < SESSIONS; i++) CHECKF(statuses[i] == Q8RT_OK, "session %zu: %s", i, q8rt_last_error());

  size_t buffers1;
  const size_t bytes1 = cache_bytes(&buffers1);
  uint32_t weighted = 0;
  for (uint32_t op = 0; op < model->op_count; op++) weighted += model->ops[op].w != NULL;
  CHECKF(buffers1 == weighted, "one packed buffer per weighted op (%zu buffers, %u ops)", buffers1, weighted);
  CHECKF(bytes1 > 0, "packed bytes");
  printf("test_pack_once: %zu packed buffers, %zu bytes, shared by %d sessions (isa %s)\n", buffers1, bytes1,
         SESSIONS, sessions[0] != NULL ? q8rt_session_isa_name(sessions[0]) : "-");
  bool shared = true;
  for (size_t i = 1; i < SESSIONS && sessions[0] != NULL && sessions[i] != NULL; i++) {
    CHECK(sessions[i]->ctx.packed_bytes == bytes1);
    for (uint32_t op = 0; op < model->op_count; op++) {
      if (packed_w(sessions[i], op) != packed_w(sessions[0], op)) shared = false;
      if (model->ops[op].w != NULL && packed_w(sessions[i], op) == NULL) shared = false;
    }
  }
  CHECKF(shared, "every session reads the same packed-weight pointers");

  /* One more int8 session: the live block count grows by exactly its own blocks (arena, plans, zero and
   * indirection buffers), the cache not at all. Creating and freeing a second one must add the same count. */
  const long live0 = q8rt_alloc_live_count();
  q8rt_session* extra = NULL;
  CHECK(q8rt_session_create(model, NULL, &extra) == Q8RT_OK);
  const long live1 = q8rt_alloc_live_count();
  size_t buffers2;
  CHECK(cache_bytes(&buffers2) == bytes1 && buffers2 == buffers1);
  const size_t own = extra != NULL ? extra->arena_bytes + extra->ctx.aux_bytes : 0;
  printf("test_pack_once: a further int8 session: %ld blocks, %zu bytes of arena and indirection, 0 weight bytes\n",
         live1 - live0, own);
  q8rt_session_free(extra);
  CHECK(q8rt_alloc_live_count() == live0);
  CHECK(q8rt_session_create(model, NULL, &extra) == Q8RT_OK);
  CHECK(q8rt_alloc_live_count() == live1);
  q8rt_session_free(extra);

  /* Same logits from every session. */
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  uint8_t* x = malloc(n);
  for (size_t i = 0; i < n; i++) x[i] = (uint8_t) test_rand_u32();
  uint8_t ref[1000];
  bool same = mi.num_classes <= 1000;
  for (size_t i = 0; i < SESSIONS && same && sessions[i] != NULL; i++) {
    const uint8_t* logits = NULL;
    CHECK(q8rt_session_run(sessions[i], Q8RT_INPUT_U8_NHWC, x, n) == Q8RT_OK);
    CHECK(q8rt_session_get_logits(sessions[i], &logits, NULL, NULL) == Q8RT_OK);
    if (logits == NULL) break;
    if (i == 0) memcpy(ref, logits, mi.num_classes);
    else if (memcmp(ref, logits, mi.num_classes) != 0) same = false;
  }
  CHECKF(same, "all sessions agree");

  /* fp32: one more set (the float panels), shared by two fp32 sessions. */
  struct q8rt_session_options o;
  q8rt_session_options_init(&o);
  o.precision = Q8RT_PRECISION_FP32;
  q8rt_session *f1 = NULL, *f2 = NULL;
  CHECK(q8rt_session_create(model, &o, &f1) == Q8RT_OK);
  size_t buffers3;
  const size_t bytes3 = cache_bytes(&buffers3);
  CHECK(q8rt_session_create(model, &o, &f2) == Q8RT_OK);
  size_t buffers4;
  CHECK(cache_bytes(&buffers4) == bytes3 && buffers4 == buffers3);
  CHECKF(buffers3 == 2 * buffers1 && bytes3 > bytes1, "fp32 adds one set (%zu -> %zu buffers)", buffers1, buffers3);
  if (f1 != NULL && f2 != NULL) {
    bool f32_shared = true;
    for (uint32_t op = 0; op < model->op_count; op++) {
      if (packed_w(f1, op) != packed_w(f2, op)) f32_shared = false;
      if (model->ops[op].w != NULL && sessions[0] != NULL && packed_w(f1, op) == packed_w(sessions[0], op))
        f32_shared = false;
    }
    CHECKF(f32_shared, "fp32 sessions share their own packed weights");
  }
  q8rt_session_free(f1);
  q8rt_session_free(f2);

  free(x);
  for (size_t i = 0; i < SESSIONS; i++) q8rt_session_free(sessions[i]);
  q8rt_model_free(model);
  CHECK(q8rt_alloc_live_count() == 0);
  return test_summary("test_pack_once");
}

/* The promises of q8rt.h for NULL and bad arguments: every public function returns an error (never crashes),
 * pointer out-parameters are set to NULL and struct out-parameters zeroed on failure (they are poisoned with
 * non-NULL values before each call), caller arrays are left untouched, and after a failed q8rt_session_run
 * no getter returns the previous run's outputs. Also: num_threads above the CPU count is capped (a pool of
 * 1024 threads is created quickly and runs), above Q8RT_MAX_THREADS rejected. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/model_builder.h"
#include "../common/test.h"
#include "q8rt.h"

static char poison_target;
#define POISON ((void*) &poison_target)

/* A tiny valid model: y = x + x on [1,2,2,3]; the logits are y (12 classes). */
static q8rt_model* tiny_model(void) {
  struct builder b = {.nt = 0};
  const uint32_t d[4] = {1, 2, 2, 3};
  const uint32_t x = add_act(&b, 4, d, 0.5f, 128);
  const uint32_t y = add_act(&b, 4, d, 1.0f, 128);
  add_op(&b, Q8RT_OP_ADD, x, x, y);
  return finish(&b, x, y);
}

static bool all_zero(const void* p, size_t n) {
  const unsigned char* c = p;
  for (size_t i = 0; i < n; i++) {
    if (c[i] != 0) return false;
  }
  return true;
}

static void test_model_functions(const q8rt_model* m) {
  q8rt_model* out = POISON;
  CHECK(q8rt_model_load_file(NULL, &out) == Q8RT_ERROR_INVALID_ARGUMENT && out == NULL);
  out = POISON;
  CHECK(q8rt_model_load_file("/nonexistent/model.q8rt", &out) == Q8RT_ERROR_IO && out == NULL);
  CHECK(strstr(q8rt_last_error(), "/nonexistent/model.q8rt") != NULL);
  out = POISON;
  CHECK(q8rt_model_load_file("/", &out) != Q8RT_OK && out == NULL); /* a directory */
  CHECK(q8rt_model_load_file("/nonexistent", NULL) == Q8RT_ERROR_INVALID_ARGUMENT);
  out = POISON;
  CHECK(q8rt_model_load_from_memory(NULL, 16, &out) == Q8RT_ERROR_INVALID_ARGUMENT && out == NULL);
  out = POISON;
  CHECK(q8rt_model_load_from_memory("", 0, &out) != Q8RT_OK && out == NULL);
  const char garbage[64] = "not a q8rt blob";
  out = POISON;
  CHECK(q8rt_model_load_from_memory(garbage, sizeof garbage, &out) != Q8RT_OK && out == NULL);
  CHECK(q8rt_model_load_from_memory(garbage, sizeof garbage, NULL) == Q8RT_ERROR_INVALID_ARGUMENT);
  q8rt_model_free(NULL);

  struct q8rt_model_info info;
  memset(&info, 0xAB, sizeof info);
  CHECK(q8rt_model_get_info(NULL, &info) == Q8RT_ERROR_INVALID_ARGUMENT && all_zero(&info, sizeof info));
  CHECK(q8rt_model_get_info(m, NULL) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_model_get_info(m, &info) == Q8RT_OK && info.num_classes == 12 && info.op_count == 2);

  struct q8rt_op_info oi;
  memset(&oi, 0xAB, sizeof oi);
  CHECK(q8rt_model_get_op_info(m, info.op_count, &oi) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(oi.type == NULL && oi.output_name == NULL && oi.output_name_size == 0 && oi.macs == 0);
  memset(&oi, 0xAB, sizeof oi);
  CHECK(q8rt_model_get_op_info(NULL, 0, &oi) == Q8RT_ERROR_INVALID_ARGUMENT && oi.type == NULL);
  CHECK(q8rt_model_get_op_info(m, 0, NULL) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_model_get_op_info(m, 0, &oi) == Q8RT_OK && oi.type != NULL && strcmp(oi.type, "add") == 0);
}

static void test_session_create(const q8rt_model* m) {
  q8rt_session* s = POISON;
  CHECK(q8rt_session_create(NULL, NULL, &s) == Q8RT_ERROR_INVALID_ARGUMENT && s == NULL);
  CHECK(q8rt_session_create(m, NULL, NULL) == Q8RT_ERROR_INVALID_ARGUMENT);
  struct q8rt_session_options o;
  q8rt_session_options_init(&o);
  o.num_threads = Q8RT_MAX_THREADS + 1;
  s = POISON;
  CHECK(q8rt_session_create(m, &o, &s) == Q8RT_ERROR_INVALID_ARGUMENT && s == NULL);
  q8rt_session_options_init(&o);
  o.isa = (q8rt_isa) 99;
  s = POISON;
  CHECK(q8rt_session_create(m, &o, &s) != Q8RT_OK && s == NULL);
  q8rt_session_options_init(&o);
  o.precision = (q8rt_precision) 7;
  s = POISON;
  CHECK(q8rt_session_create(m, &o, &s) == Q8RT_ERROR_UNSUPPORTED && s == NULL);
  q8rt_session_options_init(NULL);
  q8rt_session_free(NULL);
  CHECK(strcmp(q8rt_session_isa_name(NULL), "none") == 0);
  CHECK(q8rt_session_arena_bytes(NULL) == 0);
  CHECK(q8rt_status_string((q8rt_status) 999) != NULL && q8rt_last_error() != NULL);

  /* Q8RT_MAX_THREADS threads: capped at the online CPUs, so creating the pool and running stay cheap. */
  q8rt_session_options_init(&o);
  o.num_threads = Q8RT_MAX_THREADS;
  s = NULL;
  CHECKF(q8rt_session_create(m, &o, &s) == Q8RT_OK, "%s", q8rt_last_error());
  uint8_t x[12] = {0};
  CHECK(s != NULL && q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, sizeof x) == Q8RT_OK);
  q8rt_session_free(s);
}

/* Every getter fails, with its out-parameters cleared and arrays untouched. */
static void check_no_outputs(const q8rt_session* s, const char* when) {
  const uint8_t* logits = POISON;
  float scale = 1.0f;
  uint8_t zp = 1;
  CHECKF(q8rt_session_get_logits(s, &logits, &scale, &zp) == Q8RT_ERROR_INVALID_ARGUMENT, "%s", when);
  CHECKF(logits == NULL && scale == 0.0f && zp == 0, "%s: get_logits out-parameters not cleared", when);
  float f[12], g[12];
  for (int i = 0; i < 12; i++) f[i] = g[i] = -7.0f;
  CHECKF(q8rt_session_get_logits_f32(s, f, 12) == Q8RT_ERROR_INVALID_ARGUMENT, "%s", when);
  CHECKF(q8rt_session_get_probabilities(s, g, 12) == Q8RT_ERROR_INVALID_ARGUMENT, "%s", when);
  bool untouched = true;
  for (int i = 0; i < 12; i++) untouched &= f[i] == -7.0f && g[i] == -7.0f;
  CHECKF(untouched, "%s: a failing getter wrote into the caller's array", when);
  double ms[2];
  CHECKF(q8rt_session_get_op_times(s, ms, 2) == Q8RT_ERROR_INVALID_ARGUMENT, "%s", when);
}

static void test_run_and_outputs(const q8rt_model* m) {
  struct q8rt_session_options o;
  q8rt_session_options_init(&o);
  o.profile = Q8RT_PROFILE_OPS;
  q8rt_session* s = NULL;
  CHECK(q8rt_session_create(m, &o, &s) == Q8RT_OK);
  if (s == NULL) return;
  check_no_outputs(NULL, "NULL session");
  check_no_outputs(s, "before any run");
  uint8_t x[12];
  for (int i = 0; i < 12; i++) x[i] = (uint8_t) (130 + i);
  CHECK(q8rt_session_run(NULL, Q8RT_INPUT_U8_NHWC, x, sizeof x) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, NULL, sizeof x) == Q8RT_ERROR_INVALID_ARGUMENT);
  check_no_outputs(s, "after a run with NULL input");

  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, sizeof x) == Q8RT_OK);
  const uint8_t* logits = NULL;
  CHECK(q8rt_session_get_logits(s, &logits, NULL, NULL) == Q8RT_OK && logits != NULL);
  float f[12];
  CHECK(q8rt_session_get_logits_f32(s, f, 12) == Q8RT_OK);
  CHECK(q8rt_session_get_logits_f32(s, f, 11) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_session_get_probabilities(s, f, 13) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_session_get_logits_f32(s, NULL, 12) == Q8RT_ERROR_INVALID_ARGUMENT);
  CHECK(q8rt_session_get_logits(s, NULL, NULL, NULL) == Q8RT_ERROR_INVALID_ARGUMENT);
  double ms[2];
  CHECK(q8rt_session_get_op_times(s, ms, 2) == Q8RT_OK);
  CHECK(q8rt_session_get_op_times(s, ms, 1) == Q8RT_ERROR_INVALID_ARGUMENT);

  /* A failed run (wrong size, then bad format) must not leave the previous run's outputs readable. */
  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, sizeof x - 1) == Q8RT_ERROR_INVALID_ARGUMENT);
  check_no_outputs(s, "after a run with the wrong size");
  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, sizeof x) == Q8RT_OK);
  CHECK(q8rt_session_run(s, (q8rt_input_format) 99, x, sizeof x) == Q8RT_ERROR_INVALID_ARGUMENT);
  check_no_outputs(s, "after a run with a bad format");
  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, sizeof x) == Q8RT_OK);
  CHECK(q8rt_session_get_logits(s, &logits, NULL, NULL) == Q8RT_OK && logits != NULL);
  q8rt_session_free(s);

  /* fp32 sessions have no uint8 logits. */
  q8rt_session_options_init(&o);
  o.precision = Q8RT_PRECISION_FP32;
  CHECK(q8rt_session_create(m, &o, &s) == Q8RT_OK);
  if (s == NULL) return;
  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, x, sizeof x) == Q8RT_OK);
  logits = POISON;
  CHECK(q8rt_session_get_logits(s, &logits, NULL, NULL) == Q8RT_ERROR_INVALID_ARGUMENT && logits == NULL);
  CHECK(q8rt_session_get_logits_f32(s, f, 12) == Q8RT_OK);
  q8rt_session_free(s);
}

int main(void) {
  q8rt_model* m = tiny_model();
  CHECK(m != NULL);
  if (m != NULL) {
    test_model_functions(m);
    test_session_create(m);
    test_run_and_outputs(m);
  }
  q8rt_model_free(m);
  return test_summary("test_api_promises");
}

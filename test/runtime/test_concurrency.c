/* One model shared by sessions on several threads (some with their own thread pool, some profiled, one with
 * Q8RT_PROFILE_OPS_HOT, which runs every op twice): every run's logits must equal a single-threaded unprofiled
 * run's on the same input, and profiled sessions must report a positive time for every op. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/model_fixture.h"
#include "../common/test.h"
#include "q8rt.h"

#define THREADS 4
#define INPUTS 3
#define RUNS 6

static q8rt_model* model;
static uint8_t* inputs[INPUTS];
static uint8_t expected[INPUTS][1000];
static size_t input_size;
static size_t op_count;

struct worker {
  uint32_t pool_threads;
  int profile;
  int mismatches, failures, bad_times;
};

static void* work(void* arg) {
  struct worker* w = arg;
  struct q8rt_session_options o;
  q8rt_session_options_init(&o);
  o.num_threads = w->pool_threads;
  o.profile = w->profile;
  q8rt_session* s = NULL;
  if (q8rt_session_create(model, &o, &s) != Q8RT_OK) {
    w->failures++;
    return NULL;
  }
  for (int r = 0; r < RUNS; r++) {
    const int i = r % INPUTS;
    const uint8_t* logits = NULL;
    if (q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, inputs[i], input_size) != Q8RT_OK ||
        q8rt_session_get_logits(s, &logits, NULL, NULL) != Q8RT_OK) {
      w->failures++;
    } else if (memcmp(logits, expected[i], 1000) != 0) {
      w->mismatches++;
    }
    if (w->profile != Q8RT_PROFILE_OFF) {
      double ms[128];
      const size_t ops = op_count;
      if (ops == 0 || ops > 128 || q8rt_session_get_op_times(s, ms, ops) != Q8RT_OK) {
        w->failures++;
      } else {
        for (size_t k = 0; k < ops; k++) w->bad_times += !(ms[k] > 0.0);
      }
    }
  }
  q8rt_session_free(s);
  return NULL;
}

int main(void) {
  test_rng_seed(11);
  size_t size;
  void* blob = fixture_mobilenet_blob(&size);
  CHECK(blob != NULL);
  if (blob == NULL || q8rt_model_load_from_memory(blob, size, &model) != Q8RT_OK) return test_summary("test_concurrency");
  free(blob);
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  CHECK(mi.num_classes == 1000);
  input_size = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  op_count = mi.op_count;
  q8rt_session* ref = NULL;
  CHECK(q8rt_session_create(model, NULL, &ref) == Q8RT_OK);
  for (int i = 0; i < INPUTS; i++) {
    inputs[i] = malloc(input_size);
    for (size_t j = 0; j < input_size; j++) inputs[i][j] = (uint8_t) test_rand_u32();
    const uint8_t* logits;
    CHECK(q8rt_session_run(ref, Q8RT_INPUT_U8_NHWC, inputs[i], input_size) == Q8RT_OK);
    CHECK(q8rt_session_get_logits(ref, &logits, NULL, NULL) == Q8RT_OK);
    memcpy(expected[i], logits, 1000);
  }
  q8rt_session_free(ref);
  pthread_t tid[THREADS];
  struct worker w[THREADS];
  for (int t = 0; t < THREADS; t++) {
    static const int profile[THREADS] = {Q8RT_PROFILE_OFF, Q8RT_PROFILE_OPS_HOT, Q8RT_PROFILE_OPS, Q8RT_PROFILE_OFF};
    w[t] = (struct worker){.pool_threads = t == 0 ? 2 : 1, .profile = profile[t]};
    CHECK(pthread_create(&tid[t], NULL, work, &w[t]) == 0);
  }
  for (int t = 0; t < THREADS; t++) {
    pthread_join(tid[t], NULL);
    CHECKF(w[t].failures == 0 && w[t].mismatches == 0 && w[t].bad_times == 0,
           "thread %d (profile %d): %d failures, %d mismatches, %d op times <= 0", t, w[t].profile, w[t].failures,
           w[t].mismatches, w[t].bad_times);
  }
  for (int i = 0; i < INPUTS; i++) free(inputs[i]);
  q8rt_model_free(model);
  return test_summary("test_concurrency");
}

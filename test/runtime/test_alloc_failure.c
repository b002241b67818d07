/* Allocation failure: for k = 0, 1, 2, ... the k-th allocation of the runtime (through src/common/alloc.c)
 * fails, during model load + session create (1 thread, then a 2-thread pool, with profiling) + one run of the
 * real MobileNetV2. Each failure must give Q8RT_ERROR_OUT_OF_MEMORY with an "out of memory" message, NULL
 * outputs, and nothing leaked (the allocator's live-block count returns to its starting value; under
 * make check-asan LeakSanitizer checks the same). The sweep ends at the first k where everything succeeds
 * without the injected failure ever firing. The same sweep then runs over q8rt_model_load_file. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/model_fixture.h"
#include "../common/test.h"
#include "common/common.h"
#include "q8rt.h"

static bool oom_reported(q8rt_status st) {
  return st == Q8RT_ERROR_OUT_OF_MEMORY && strstr(q8rt_last_error(), "out of memory") != NULL;
}

/* One pass with the k-th allocation failing. Returns true when the whole pass succeeded and the injected
 * failure never fired (k is past the last allocation). */
static bool pass(long k, const void* blob, size_t size, const char* path, uint32_t threads, const uint8_t* input,
                 size_t input_size, const uint8_t* expected, int* oom_failures) {
  const long live_before = q8rt_alloc_live_count();
  q8rt_alloc_fail_after(k);
  q8rt_model* model = (q8rt_model*) 1;
  q8rt_status st = path != NULL ? q8rt_model_load_file(path, &model) : q8rt_model_load_from_memory(blob, size, &model);
  bool done = false;
  if (st != Q8RT_OK) {
    CHECKF(oom_reported(st) && model == NULL, "k=%ld: load gave status %d, \"%s\"", k, (int) st, q8rt_last_error());
    (*oom_failures)++;
  } else {
    struct q8rt_session_options o;
    q8rt_session_options_init(&o);
    o.num_threads = threads;
    o.profile = threads > 1;
    q8rt_session* s = (q8rt_session*) 1;
    st = q8rt_session_create(model, &o, &s);
    if (st != Q8RT_OK) {
      CHECKF(oom_reported(st) && s == NULL, "k=%ld: session create gave status %d, \"%s\"", k, (int) st,
             q8rt_last_error());
      (*oom_failures)++;
    } else {
      st = q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, input, input_size);
      if (st != Q8RT_OK) {
        CHECKF(oom_reported(st), "k=%ld: run gave status %d, \"%s\"", k, (int) st, q8rt_last_error());
        (*oom_failures)++;
      } else {
        const uint8_t* logits = NULL;
        CHECK(q8rt_session_get_logits(s, &logits, NULL, NULL) == Q8RT_OK);
        CHECKF(logits != NULL && memcmp(logits, expected, 1000) == 0, "k=%ld: logits differ after recovery", k);
        done = true;
      }
      q8rt_session_free(s);
    }
    q8rt_model_free(model);
  }
  const bool fired = q8rt_alloc_fail_after(-1) < 0;
  const long live_after = q8rt_alloc_live_count();
  CHECKF(live_after == live_before, "k=%ld: %ld blocks leaked", k, live_after - live_before);
  return done && !fired;
}

static long sweep(const char* what, const void* blob, size_t size, const char* path, uint32_t threads,
                  const uint8_t* input, size_t input_size, const uint8_t* expected) {
  int oom_failures = 0;
  long k = 0;
  for (; k < 100000; k++) {
    if (pass(k, blob, size, path, threads, input, input_size, expected, &oom_failures)) break;
  }
  printf("%s, %u thread(s): %ld allocations, each failed once: %d clean OUT_OF_MEMORY failures, then success\n", what,
         threads, k, oom_failures);
  CHECKF(oom_failures == k && k > 0, "%s: %d clean failures for %ld allocations", what, oom_failures, k);
  return k;
}

int main(void) {
  size_t size = 0;
  void* blob = fixture_mobilenet_blob(&size);
  if (blob == NULL) {
    CHECKF(false, "the real model is needed for this test");
    return test_summary("test_alloc_failure");
  }
  /* Reference logits without any injected failure. */
  q8rt_model* model = NULL;
  q8rt_session* s = NULL;
  CHECK(q8rt_model_load_from_memory(blob, size, &model) == Q8RT_OK);
  CHECK(q8rt_session_create(model, NULL, &s) == Q8RT_OK);
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const size_t input_size = (size_t) mi.input_height * mi.input_width * mi.input_channels;
  uint8_t* input = malloc(input_size);
  for (size_t i = 0; i < input_size; i++) input[i] = (uint8_t) (i * 7 + i / 224);
  uint8_t expected[1000];
  const uint8_t* logits = NULL;
  CHECK(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, input, input_size) == Q8RT_OK);
  CHECK(q8rt_session_get_logits(s, &logits, NULL, NULL) == Q8RT_OK);
  memcpy(expected, logits, sizeof expected);
  q8rt_session_free(s);
  q8rt_model_free(model);
  CHECK(q8rt_alloc_live_count() == 0);

  const long n1 = sweep("load_from_memory + session + run", blob, size, NULL, 1, input, input_size, expected);
  const long n2 = sweep("load_from_memory + session + run", blob, size, NULL, 2, input, input_size, expected);
  CHECKF(n2 > n1, "the profiled 2-thread session allocates more (%ld vs %ld)", n2, n1);

  char path[] = "/tmp/q8rt_alloc_failure_XXXXXX";
  const int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0) {
    CHECK(write(fd, blob, size) == (ssize_t) size);
    close(fd);
    sweep("load_file + session + run", NULL, 0, path, 1, input, input_size, expected);
    unlink(path);
  }
  CHECKF(q8rt_alloc_live_count() == 0, "%ld blocks live at the end", q8rt_alloc_live_count());
  free(input);
  free(blob);
  return test_summary("test_alloc_failure");
}

/* Minimal test harness: CHECK(...) records failures; TEST_MAIN_END prints "N passed, N failed". */
#pragma once

#include <stdio.h>
#include <stdlib.h>

extern int test_passed, test_failed;

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (cond) {                                                                        \
      test_passed++;                                                                   \
    } else {                                                                           \
      test_failed++;                                                                   \
      if (test_failed <= 20) fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                                  \
  } while (0)

#define CHECKF(cond, ...)                                                              \
  do {                                                                                 \
    if (cond) {                                                                        \
      test_passed++;                                                                   \
    } else {                                                                           \
      test_failed++;                                                                   \
      if (test_failed <= 20) {                                                         \
        fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);       \
        fprintf(stderr, __VA_ARGS__);                                                  \
        fputc('\n', stderr);                                                           \
      }                                                                                \
    }                                                                                  \
  } while (0)

/* Prints the summary line and returns the exit status for main(). A test that checked nothing fails. */
int test_summary(const char* name);

/* Deterministic xorshift random numbers for randomized tests (seed from Q8RT_TEST_SEED or default). */
void test_rng_seed(unsigned long long seed);
unsigned test_rand_u32(void);
unsigned test_rand_range(unsigned lo, unsigned hi); /* inclusive */
float test_rand_uniform(float lo, float hi);

/* Paths to the shared data, resolved like the Makefile does (env, weights/, ../shared). NULL if absent. */
const char* test_model_dir(void);   /* directory with init_net.pb and predict_net.pb */
const char* test_images_dir(void);  /* imagenet-val-1300 directory (with images/ and labels.txt) */

/* ThreadSanitizer annotations for Debian's libpthreadpool, linked only into the SANITIZE=thread build.
 *
 * libpthreadpool is not TSan-instrumented, so TSan cannot see its synchronization: the caller of
 * pthreadpool_parallelize_* publishing the task's inputs to the worker threads, and the workers' results being
 * complete when the call returns (both are the library's documented contract). Without this file every
 * output an op's tiles write on a pool thread and the next op reads is reported as a race -- a false positive
 * that says nothing about q8rt.
 *
 * Rather than suppress those reports (which would also hide real races in q8rt's tile functions), this file
 * interposes the parallelize functions q8rt uses (keep this list in step with `grep pthreadpool_parallelize
 * src/ops`: 1d, 1d_tile_1d, 2d_tile_1d, 2d_tile_2d), calls the real ones through dlsym(RTLD_NEXT), and wraps each
 * task with exactly the two happens-before edges pthreadpool guarantees:
 *   caller before the call  ->  every task         (__tsan_release(start) / __tsan_acquire(start))
 *   every task              ->  caller after return (__tsan_release(done) / __tsan_acquire(done))
 * Tasks get no edge between each other (separate start/done sync addresses), so two tiles racing on the same
 * bytes are still reported. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthreadpool.h>
#include <sanitizer/tsan_interface.h>
#include <stdio.h>
#include <stdlib.h>

struct annotated {
  void* function;
  void* context;
  char start, done; /* sync addresses */
};

static void* real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == NULL) {
    fprintf(stderr, "pthreadpool_tsan: %s not found\n", name);
    abort();
  }
  return f;
}

static void task_1d(void* arg, size_t i) {
  struct annotated* a = arg;
  __tsan_acquire(&a->start);
  ((pthreadpool_task_1d_t) a->function)(a->context, i);
  __tsan_release(&a->done);
}

static void task_1d_tile_1d(void* arg, size_t i, size_t n) {
  struct annotated* a = arg;
  __tsan_acquire(&a->start);
  ((pthreadpool_task_1d_tile_1d_t) a->function)(a->context, i, n);
  __tsan_release(&a->done);
}

static void task_2d_tile_1d(void* arg, size_t i, size_t j, size_t tj) {
  struct annotated* a = arg;
  __tsan_acquire(&a->start);
  ((pthreadpool_task_2d_tile_1d_t) a->function)(a->context, i, j, tj);
  __tsan_release(&a->done);
}

static void task_2d_tile_2d(void* arg, size_t i, size_t j, size_t ti, size_t tj) {
  struct annotated* a = arg;
  __tsan_acquire(&a->start);
  ((pthreadpool_task_2d_tile_2d_t) a->function)(a->context, i, j, ti, tj);
  __tsan_release(&a->done);
}

void pthreadpool_parallelize_1d(pthreadpool_t pool, pthreadpool_task_1d_t function, void* context, size_t range,
                                uint32_t flags) {
  static void (*f)(pthreadpool_t, pthreadpool_task_1d_t, void*, size_t, uint32_t);
  if (f == NULL) f = (void (*)(pthreadpool_t, pthreadpool_task_1d_t, void*, size_t, uint32_t)) real(__func__);
  struct annotated a = {.function = (void*) function, .context = context};
  __tsan_release(&a.start);
  f(pool, task_1d, &a, range, flags);
  __tsan_acquire(&a.done);
}

void pthreadpool_parallelize_1d_tile_1d(pthreadpool_t pool, pthreadpool_task_1d_tile_1d_t function, void* context,
                                        size_t range, size_t tile, uint32_t flags) {
  static void (*f)(pthreadpool_t, pthreadpool_task_1d_tile_1d_t, void*, size_t, size_t, uint32_t);
  if (f == NULL) {
    f = (void (*)(pthreadpool_t, pthreadpool_task_1d_tile_1d_t, void*, size_t, size_t, uint32_t)) real(__func__);
  }
  struct annotated a = {.function = (void*) function, .context = context};
  __tsan_release(&a.start);
  f(pool, task_1d_tile_1d, &a, range, tile, flags);
  __tsan_acquire(&a.done);
}

void pthreadpool_parallelize_2d_tile_1d(pthreadpool_t pool, pthreadpool_task_2d_tile_1d_t function, void* context,
                                        size_t range_i, size_t range_j, size_t tile_j, uint32_t flags) {
  static void (*f)(pthreadpool_t, pthreadpool_task_2d_tile_1d_t, void*, size_t, size_t, size_t, uint32_t);
  if (f == NULL) {
    f = (void (*)(pthreadpool_t, pthreadpool_task_2d_tile_1d_t, void*, size_t, size_t, size_t, uint32_t))
        real(__func__);
  }
  struct annotated a = {.function = (void*) function, .context = context};
  __tsan_release(&a.start);
  f(pool, task_2d_tile_1d, &a, range_i, range_j, tile_j, flags);
  __tsan_acquire(&a.done);
}

void pthreadpool_parallelize_2d_tile_2d(pthreadpool_t pool, pthreadpool_task_2d_tile_2d_t function, void* context,
                                        size_t range_i, size_t range_j, size_t tile_i, size_t tile_j, uint32_t flags) {
  static void (*f)(pthreadpool_t, pthreadpool_task_2d_tile_2d_t, void*, size_t, size_t, size_t, size_t, uint32_t);
  if (f == NULL) {
    f = (void (*)(pthreadpool_t, pthreadpool_task_2d_tile_2d_t, void*, size_t, size_t, size_t, size_t, uint32_t))
        real(__func__);
  }
  struct annotated a = {.function = (void*) function, .context = context};
  __tsan_release(&a.start);
  f(pool, task_2d_tile_2d, &a, range_i, range_j, tile_i, tile_j, flags);
  __tsan_acquire(&a.done);
}

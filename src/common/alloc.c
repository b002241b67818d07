/* The library's single allocator. Every allocation of the runtime (src/runtime, src/ops, src/blob/blob_read.c,
 * src/common, src/quant) goes through these functions, so tests can inject failures and count live blocks. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Fault injection (tests only): allocations left before the one that fails; -1 = never fail. */
static _Atomic long fail_countdown = -1;
static _Atomic long live_blocks = 0;

long q8rt_alloc_fail_after(long k) {
  const long previous = atomic_exchange(&fail_countdown, k < 0 ? -1 : k);
  return previous;
}

long q8rt_alloc_live_count(void) { return atomic_load(&live_blocks); }

/* True if this allocation must fail (the k-th one after q8rt_alloc_fail_after(k)). Fails exactly once. */
static bool inject_failure(void) {
  long k = atomic_load(&fail_countdown);
  while (k >= 0) {
    if (atomic_compare_exchange_weak(&fail_countdown, &k, k - 1)) return k == 0; /* 0 -> -1: fires once */
  }
  return false;
}

static void* counted(void* ptr) {
  if (ptr != NULL) atomic_fetch_add(&live_blocks, 1);
  return ptr;
}

void* q8rt_alloc(size_t size) {
  if (size == 0 || inject_failure()) return NULL;
  return counted(malloc(size));
}

void* q8rt_alloc_zeroed(size_t count, size_t size) {
  size_t bytes;
  if (q8rt_mul_overflow(count, size, &bytes) || bytes == 0 || inject_failure()) return NULL;
  return counted(calloc(count, size));
}

void* q8rt_alloc_aligned(size_t size) {
  void* ptr = NULL;
  if (size == 0 || inject_failure() || posix_memalign(&ptr, 64, size) != 0) return NULL;
  memset(ptr, 0, size);
  return counted(ptr);
}

void q8rt_free(void* ptr) {
  if (ptr == NULL) return;
  atomic_fetch_sub(&live_blocks, 1);
  free(ptr);
}

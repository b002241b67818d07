/* Internal helpers shared by the runtime: error reporting, the one allocator, overflow-safe math. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "q8rt.h"

/* Records a formatted message as this thread's last error and returns status. */
q8rt_status q8rt_error(q8rt_status status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void q8rt_clear_error(void);

/* Every allocation of the library goes through these (so tests can inject failures). */
void* q8rt_alloc(size_t size);                  /* malloc; NULL on failure or size 0 */
void* q8rt_alloc_zeroed(size_t count, size_t size); /* calloc; overflow-checked */
void* q8rt_alloc_aligned(size_t size);          /* 64-byte aligned, zero-filled */
void q8rt_free(void* ptr);                      /* frees any of the above; NULL allowed */

/* Test-only fault injection: the k-th allocation from now (k = 0: the next one) through the functions above
 * fails (returns NULL), once; k = -1 disables. Thread-safe. Returns the previous setting: how many
 * allocations were still to go before the pending failure, or -1 if none was pending (it already fired,
 * or injection was off) -- so q8rt_alloc_fail_after(-1) >= 0 means the injected failure never happened. */
long q8rt_alloc_fail_after(long k);
/* Test-only: blocks allocated through the functions above and not yet freed (all threads). */
long q8rt_alloc_live_count(void);

static inline bool q8rt_mul_overflow(size_t a, size_t b, size_t* out) {
  return __builtin_mul_overflow(a, b, out);
}
static inline bool q8rt_add_overflow(size_t a, size_t b, size_t* out) {
  return __builtin_add_overflow(a, b, out);
}
static inline size_t q8rt_round_up(size_t n, size_t q) { return (n + q - 1) / q * q; }
static inline size_t q8rt_divide_round_up(size_t n, size_t q) { return (n + q - 1) / q; }
static inline size_t q8rt_min_size(size_t a, size_t b) { return a < b ? a : b; }

/* The library's single allocator. Aligned blocks keep their malloc pointer just before the block. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

void* q8rt_alloc(size_t size) { return size == 0 ? NULL : malloc(size); }

void* q8rt_alloc_zeroed(size_t count, size_t size) {
  size_t bytes;
  if (q8rt_mul_overflow(count, size, &bytes) || bytes == 0) return NULL;
  return calloc(count, size);
}

void* q8rt_alloc_aligned(size_t size) {
  void* ptr = NULL;
  if (size == 0 || posix_memalign(&ptr, 64, size) != 0) return NULL;
  memset(ptr, 0, size);
  return ptr;
}

void q8rt_free(void* ptr) { free(ptr); }

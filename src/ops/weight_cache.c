/* Packed-weight cache: a mutex-protected list of (op, packer) -> buffer, freed with the model. */
#include "weight_cache.h"

#include <pthread.h>

#include "../common/common.h"

struct entry {
  struct entry* next;
  uint32_t op;
  q8rt_pack_fn pack;
  void* data;
  size_t bytes;
};

struct q8rt_weight_cache {
  pthread_mutex_t lock;
  struct entry* head;
  q8rt_weight_release_fn release;
  void* release_ctx;
};

void q8rt_weight_cache_set_release(struct q8rt_weight_cache* c, q8rt_weight_release_fn release, void* ctx) {
  pthread_mutex_lock(&c->lock);
  c->release = release;
  c->release_ctx = ctx;
  pthread_mutex_unlock(&c->lock);
}

struct q8rt_weight_cache* q8rt_weight_cache_create(void) {
  struct q8rt_weight_cache* c = q8rt_alloc_zeroed(1, sizeof *c);
  if (c == NULL) return NULL;
  if (pthread_mutex_init(&c->lock, NULL) != 0) {
    q8rt_free(c);
    return NULL;
  }
  return c;
}

void q8rt_weight_cache_free(struct q8rt_weight_cache* c) {
  if (c == NULL) return;
  for (struct entry* e = c->head; e != NULL;) {
    struct entry* next = e->next;
    q8rt_free(e->data);
    q8rt_free(e);
    e = next;
  }
  pthread_mutex_destroy(&c->lock);
  q8rt_free(c);
}

q8rt_status q8rt_weight_cache_get(struct q8rt_weight_cache* c, uint32_t op_index, q8rt_pack_fn pack,
                                  q8rt_packed_size_fn packed_size, const struct q8rt_pack_src* src, const void** packed,
                                  size_t* bytes, int* created) {
  if (created != NULL) *created = 0;
  q8rt_status status = Q8RT_OK;
  pthread_mutex_lock(&c->lock);
  struct entry* e = c->head;
  while (e != NULL && !(e->op == op_index && e->pack == pack)) e = e->next;
  if (e == NULL) {
    const size_t size = packed_size(src);
    if ((uint64_t) size > Q8RT_MAX_MODEL_BYTES) {
      status = q8rt_error(Q8RT_ERROR_LIMIT, "op %u: %zu bytes of packed weights exceed the memory cap", op_index, size);
    } else {
      e = q8rt_alloc_zeroed(1, sizeof *e);
      void* data = e != NULL ? q8rt_alloc_aligned(size == 0 ? 1 : size) : NULL;
      if (data == NULL) {
        q8rt_free(e);
        e = NULL;
        status = q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory for %zu bytes of packed weights", size);
      } else {
        pack(src, data);
        if (c->release != NULL) {
          c->release(c->release_ctx, src->w, src->n * src->ks * src->kc);
          if (src->bias != NULL) c->release(c->release_ctx, src->bias, src->n * sizeof(int32_t));
        }
        e->op = op_index;
        e->pack = pack;
        e->data = data;
        e->bytes = size;
        e->next = c->head;
        c->head = e;
        if (created != NULL) *created = 1;
      }
    }
  }
  if (e != NULL) {
    *packed = e->data;
    if (bytes != NULL) *bytes = e->bytes;
  }
  pthread_mutex_unlock(&c->lock);
  return status;
}

size_t q8rt_weight_cache_bytes(struct q8rt_weight_cache* c, size_t* buffers) {
  size_t total = 0, n = 0;
  pthread_mutex_lock(&c->lock);
  for (const struct entry* e = c->head; e != NULL; e = e->next) {
    total += e->bytes;
    n++;
  }
  pthread_mutex_unlock(&c->lock);
  if (buffers != NULL) *buffers = n;
  return total;
}

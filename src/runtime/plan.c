/* Memory planner: one arena for all activations, placed by lifetime (greedy first-fit, largest first). */
#include <stdlib.h>

#include "../common/common.h"
#include "session.h"

struct interval {
  uint32_t tensor;
  uint32_t first, last; /* op indices: produced at `first` (0 for the input), last read at `last` */
  size_t bytes;
  size_t offset;
};

static int by_size_desc(const void* a, const void* b) {
  const struct interval* x = a;
  const struct interval* y = b;
  if (x->bytes != y->bytes) return x->bytes < y->bytes ? 1 : -1;
  return x->tensor < y->tensor ? -1 : (x->tensor > y->tensor);
}

static int by_offset(const void* a, const void* b) {
  const struct interval* x = a;
  const struct interval* y = b;
  return (x->offset > y->offset) - (x->offset < y->offset);
}

q8rt_status q8rt_plan_arena(const struct q8rt_model* m, size_t* offsets, size_t* arena_bytes) {
  return q8rt_plan_arena_elements(m, 0, offsets, arena_bytes);
}

q8rt_status q8rt_plan_arena_elements(const struct q8rt_model* m, size_t element_bytes, size_t* offsets,
                                     size_t* arena_bytes) {
  const struct q8rt_blob_header* h = m->view.header;
  const uint32_t end = m->op_count; /* outputs stay alive after the run */
  struct interval* iv = q8rt_alloc_zeroed(h->tensor_count, sizeof *iv);
  struct interval* live = q8rt_alloc_zeroed(h->tensor_count, sizeof *live);
  if (iv == NULL || live == NULL) {
    q8rt_free(iv);
    q8rt_free(live);
    return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "out of memory planning the arena");
  }
  /* Lifetimes in one pass over the ops: produced at `first`, last read at `last` (indexed by tensor here). */
  for (uint32_t t = 0; t < h->tensor_count; t++) {
    offsets[t] = SIZE_MAX;
    iv[t] = (struct interval){.tensor = t, .first = t == h->input_tensor ? 0 : UINT32_MAX,
                              .last = t == h->logits_tensor || t == h->output_tensor ? end : 0};
  }
  for (uint32_t i = 0; i < m->op_count; i++) {
    const struct q8rt_blob_op* r = m->ops[i].rec;
    if (iv[r->output].first == UINT32_MAX) iv[r->output].first = i;
    for (int j = 0; j < 3; j++) {
      if (r->inputs[j] != Q8RT_BLOB_NONE && i > iv[r->inputs[j]].last) iv[r->inputs[j]].last = i;
    }
  }
  uint32_t n = 0;
  for (uint32_t t = 0; t < h->tensor_count; t++) {
    const struct q8rt_blob_tensor* tensor = &m->view.tensors[t];
    if (tensor->kind != Q8RT_TENSOR_ACTIVATION || iv[t].first == UINT32_MAX) continue; /* weights, or unused */
    /* elements <= 2^28 (checked by the loader), so this cannot overflow */
    const size_t elem = element_bytes != 0 ? element_bytes : tensor->dtype == Q8RT_DTYPE_F32 ? 4 : 1;
    const size_t bytes = (size_t) q8rt_blob_tensor_elements(tensor) * elem;
    iv[n] = iv[t];
    iv[n].bytes = q8rt_round_up(bytes + Q8RT_ARENA_SLACK, 64);
    if (iv[n].last < iv[n].first) iv[n].last = iv[n].first;
    n++;
  }
  qsort(iv, n, sizeof *iv, by_size_desc);
  uint64_t total = 0;
  for (uint32_t a = 0; a < n; a++) {
    /* First fit: the lowest offset clear of every already placed tensor whose lifetime overlaps. */
    uint32_t conflicts = 0;
    for (uint32_t b = 0; b < a; b++) {
      if (iv[a].first <= iv[b].last && iv[b].first <= iv[a].last) live[conflicts++] = iv[b];
    }
    qsort(live, conflicts, sizeof *live, by_offset);
    size_t offset = 0;
    for (uint32_t b = 0; b < conflicts; b++) {
      if (live[b].offset < offset + iv[a].bytes && offset < live[b].offset + live[b].bytes) {
        offset = live[b].offset + live[b].bytes;
      }
    }
    iv[a].offset = offset;
    offsets[iv[a].tensor] = offset;
    if (offset + iv[a].bytes > total) total = offset + iv[a].bytes;
  }
  q8rt_free(live);
  q8rt_free(iv);
  if (total > Q8RT_MAX_ARENA_BYTES) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "the model needs a %llu-byte activation arena, more than the %llu-byte cap",
                      (unsigned long long) total, (unsigned long long) Q8RT_MAX_ARENA_BYTES);
  }
  *arena_bytes = total == 0 ? 64 : (size_t) total;
  return Q8RT_OK;
}

/* Packed weights, once per model and kernel configuration (docs/design.md "Pack once per model").
 *
 * A model owns one cache. A session asks it for the packed weights of an op under a configuration's packer; the
 * first ask packs them (from the blob's raw tensors) and every later ask, from any session and any thread, gets
 * the same read-only buffer. Entries live until q8rt_weight_cache_free (with the model). Thread safety: every
 * function may be called concurrently on one cache; packing runs under the cache's mutex, so two sessions
 * created at once never pack the same weights twice. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../pack/packers.h"
#include "q8rt.h"

struct q8rt_weight_cache;

/* NULL when out of memory. */
struct q8rt_weight_cache* q8rt_weight_cache_create(void);
void q8rt_weight_cache_free(struct q8rt_weight_cache* cache);

/* Optional: called (under the cache's mutex) with the raw weight and bias bytes of an op right after packing them,
 * e.g. to drop the resident pages of a file mapping. */
typedef void (*q8rt_weight_release_fn)(void* ctx, const void* p, size_t n);
void q8rt_weight_cache_set_release(struct q8rt_weight_cache* cache, q8rt_weight_release_fn release, void* ctx);

/* The weights of op op_index packed by pack (size: packed_size(src) bytes, 64-byte aligned), built on the first
 * call for (op_index, pack) and shared afterwards. *created (if not NULL) tells whether this call packed them.
 * Errors: OUT_OF_MEMORY, LIMIT (more than Q8RT_MAX_MODEL_BYTES). */
q8rt_status q8rt_weight_cache_get(struct q8rt_weight_cache* cache, uint32_t op_index, q8rt_pack_fn pack,
                                  q8rt_packed_size_fn packed_size, const struct q8rt_pack_src* src, const void** packed,
                                  size_t* bytes, int* created);

/* Bytes of all packed weights in the cache, and the number of buffers. */
size_t q8rt_weight_cache_bytes(struct q8rt_weight_cache* cache, size_t* buffers);

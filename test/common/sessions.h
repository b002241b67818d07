/* Shared by the operator tests: one model run under every kernel table this CPU has. */
#pragma once

#include <stdint.h>

#include "q8rt.h"

/* Called once per session: the table is q8rt_session_isa_name(s), `threads` its thread count. */
typedef void (*test_session_fn)(q8rt_session* s, uint32_t threads, void* arg);

/* Creates a session of m with `precision` for every kernel table (scalar, auto, sse41, avx2, avx512, avx512vnni,
 * neon; tables the CPU lacks fail with Q8RT_ERROR_UNSUPPORTED and are skipped, scalar and auto must always
 * work) and 1 and 3 threads, calls fn on it and frees it. A failed creation is a failed check naming `what`. */
void test_each_session(const char* what, const q8rt_model* m, q8rt_precision precision, test_session_fn fn,
                       void* arg);

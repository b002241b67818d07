#include "sessions.h"

#include <stddef.h>

#include "test.h"

void test_each_session(const char* what, const q8rt_model* m, q8rt_precision precision, test_session_fn fn,
                       void* arg) {
  static const q8rt_isa isas[] = {Q8RT_ISA_SCALAR, Q8RT_ISA_AUTO,   Q8RT_ISA_SSE41, Q8RT_ISA_AVX2,
                                  Q8RT_ISA_AVX512, Q8RT_ISA_AVX512VNNI, Q8RT_ISA_NEON,
                                  Q8RT_ISA_NEONDOT};
  static const uint32_t threads[] = {1, 3};
  for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++) {
    for (size_t j = 0; j < sizeof threads / sizeof threads[0]; j++) {
      struct q8rt_session_options o;
      q8rt_session_options_init(&o);
      o.isa = isas[i];
      o.num_threads = threads[j];
      o.precision = precision;
      q8rt_session* s = NULL;
      const q8rt_status st = q8rt_session_create(m, &o, &s);
      if (st == Q8RT_ERROR_UNSUPPORTED && isas[i] != Q8RT_ISA_SCALAR && isas[i] != Q8RT_ISA_AUTO) break;
      CHECKF(st == Q8RT_OK, "%s: session: %s", what, q8rt_last_error());
      if (s == NULL) continue;
      fn(s, threads[j], arg);
      q8rt_session_free(s);
    }
  }
}

/* What the converter harnesses (fuzz_convert.c, fuzz_tflite.c) check on a blob the converter wrote: the loader
 * accepts it (abort() otherwise), and a model of at most 16 M MACs runs on a fixed uint8 input without a failure
 * or a sanitizer report (the real MobileNetV2's 300 M MACs would cost 0.5 s per execution under ASan). Frees the
 * blob. `who` names the harness in the message. */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "q8rt.h"

static inline void fuzz_converted_blob_runs(void* blob, size_t blob_size, const char* who) {
  q8rt_model* model = NULL;
  if (q8rt_model_load_from_memory(blob, blob_size, &model) != Q8RT_OK) {
    fprintf(stderr, "%s: the converter wrote a blob the loader rejects: %s\n", who, q8rt_last_error());
    abort();
  }
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  q8rt_session* session = NULL;
  if (mi.macs <= (UINT64_C(1) << 24) && q8rt_session_create(model, NULL, &session) == Q8RT_OK) {
    const size_t n = (size_t) mi.input_height * mi.input_width * mi.input_channels;
    uint8_t* x = malloc(n);
    if (x == NULL) abort();
    for (size_t i = 0; i < n; i++) x[i] = (uint8_t) (i * 31);
    if (q8rt_session_run(session, Q8RT_INPUT_U8_NHWC, x, n) != Q8RT_OK) abort();
    free(x);
    q8rt_session_free(session);
  }
  q8rt_model_free(model);
  free(blob);
}

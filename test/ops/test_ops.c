/* Operators end to end through the runtime (blob -> model -> session -> kernels), each checked against a
 * plain nested-loop reference written here from the documented arithmetic (Caffe2 / QNNPACK), for the
 * scalar and SIMD kernels and 1 and 3 threads. Each test model is: input -> op -> dequantize. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/layout.h"
#include "blob/blob_write.h"
#include "pack/pack.h"
#include "q8rt.h"
#include "model_builder.h"
#include "sessions.h"
#include "test.h"

/* ---- reference arithmetic (independent of src/quant) ------------------------------------------- */

static uint32_t fbits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

/* QNNPACK Q31 requantization of an int32 accumulator, straight from the formula. */
static uint8_t ref_requant(int32_t acc, float scale, uint8_t zp, uint8_t lo, uint8_t hi) {
  const int64_t mult = (int64_t) (((fbits(scale) & 0x7FFFFF) | 0x800000) << 7);
  const int shift = 127 + 31 - 32 - (int) (fbits(scale) >> 23);
  const int64_t prod = (int64_t) acc * mult;
  const int64_t q31 = (prod + (INT64_C(1) << 30)) >> 31; /* floor: round half up */
  /* divide by 2^shift rounding half away from zero */
  int64_t y;
  if (shift == 0) {
    y = q31;
  } else {
    const int64_t half = INT64_C(1) << (shift - 1);
    y = q31 >= 0 ? (q31 + half) >> shift : -((-q31 + half) >> shift);
    /* exact ties away from zero: the formula above rounds |q31| half up, i.e. half away from zero */
  }
  y += zp;
  if (y < lo) y = lo;
  if (y > hi) y = hi;
  return (uint8_t) y;
}

struct run_args {
  const char* what;
  const uint8_t* input;
  size_t input_size;
  const uint8_t* expected;
  size_t n;
};

static void run_one(q8rt_session* s, uint32_t threads, void* arg) {
  const struct run_args* r = arg;
  CHECKF(q8rt_session_run(s, Q8RT_INPUT_U8_NHWC, r->input, r->input_size) == Q8RT_OK, "%s: run: %s", r->what,
         q8rt_last_error());
  const uint8_t* y = NULL;
  CHECK(q8rt_session_get_logits(s, &y, NULL, NULL) == Q8RT_OK);
  size_t bad = 0, first = 0;
  for (size_t k = 0; y != NULL && k < r->n; k++) {
    if (y[k] != r->expected[k] && bad++ == 0) first = k;
  }
  CHECKF(y != NULL && bad == 0, "%s [%s, %u threads]: %zu of %zu outputs differ, first at %zu: %u vs %u", r->what,
         q8rt_session_isa_name(s), threads, bad, r->n, first, y ? y[first] : 0, r->expected[first]);
}

/* Runs the model on `input` under every kernel table and thread count and compares the logits with `expected`. */
static void run_all(const char* what, q8rt_model* m, const uint8_t* input, size_t input_size, const uint8_t* expected,
                    size_t n) {
  CHECKF(m != NULL, "%s: model did not load", what);
  if (m == NULL) return;
  struct run_args r = {what, input, input_size, expected, n};
  test_each_session(what, m, Q8RT_PRECISION_INT8, run_one, &r);
  q8rt_model_free(m);
}

/* ---- convolution (dense, indirect or direct GEMM) and depthwise --------------------------------------- */

static void test_conv(unsigned h, unsigned w, unsigned cin, unsigned cout, unsigned kh, unsigned kw, unsigned sh,
                      unsigned sw, unsigned pt, unsigned pl, unsigned pb, unsigned pr, bool depthwise, bool relu) {
  const uint8_t izp = (uint8_t) test_rand_u32(), kzp = (uint8_t) test_rand_u32(), ozp = (uint8_t) test_rand_u32();
  const float is = test_rand_uniform(0.01f, 0.1f), ks = test_rand_uniform(0.001f, 0.02f);
  const float os = is * ks * test_rand_uniform(20.0f, 200.0f); /* requantization scale in (1/200, 1/20) */
  const unsigned oh = (h + pt + pb - kh) / sh + 1, ow = (w + pl + pr - kw) / sw + 1;
  if (depthwise) cout = cin;
  const unsigned kin = depthwise ? 1 : cin;
  uint8_t* x = random_bytes((size_t) h * w * cin);
  uint8_t* wt = random_bytes((size_t) cout * kh * kw * kin);
  int32_t* bias = malloc(sizeof(int32_t) * cout);
  for (unsigned c = 0; c < cout; c++) bias[c] = (int32_t) test_rand_range(0, 40000) - 20000;
  const uint8_t lo = relu ? ozp : 0;

  uint8_t* ref = malloc((size_t) oh * ow * cout);
  for (unsigned oy = 0; oy < oh; oy++)
    for (unsigned ox = 0; ox < ow; ox++)
      for (unsigned co = 0; co < cout; co++) {
        int32_t acc = bias[co];
        for (unsigned ky = 0; ky < kh; ky++)
          for (unsigned kx = 0; kx < kw; kx++) {
            const int iy = (int) (oy * sh + ky) - (int) pt, ix = (int) (ox * sw + kx) - (int) pl;
            if (iy < 0 || ix < 0 || iy >= (int) h || ix >= (int) w) continue; /* padding: x = izp */
            for (unsigned ci = 0; ci < kin; ci++) {
              const unsigned c_in = depthwise ? co : ci;
              acc += ((int32_t) x[((size_t) iy * w + (size_t) ix) * cin + c_in] - izp) *
                     ((int32_t) wt[(((size_t) co * kh + ky) * kw + kx) * kin + ci] - kzp);
            }
          }
        ref[((size_t) oy * ow + ox) * cout + co] = ref_requant(acc, (is * ks) / os, ozp, lo, 255);
      }

  struct builder b = {.nt = 0};
  const uint32_t xd[4] = {1, h, w, cin}, yd[4] = {1, oh, ow, cout}, wd[4] = {cout, kh, kw, kin};
  const uint32_t xi = add_act(&b, 4, xd, is, izp);
  const uint32_t wi = add_weights(&b, 4, wd, ks, kzp, wt);
  const uint32_t bi = add_bias(&b, cout, is * ks, bias);
  const uint32_t yi = add_act(&b, 4, yd, os, ozp);
  struct q8rt_blob_op* op = add_op(&b, depthwise ? Q8RT_OP_DWCONV : Q8RT_OP_CONV, xi, wi, yi);
  op->inputs[2] = bi;
  op->kernel_h = (uint16_t) kh, op->kernel_w = (uint16_t) kw, op->stride_h = (uint16_t) sh, op->stride_w = (uint16_t) sw;
  op->pad_top = (uint16_t) pt, op->pad_left = (uint16_t) pl, op->pad_bottom = (uint16_t) pb, op->pad_right = (uint16_t) pr;
  op->groups = depthwise ? cin : 1;
  op->output_min = lo;
  char what[160];
  snprintf(what, sizeof what, "%s %ux%ux%u -> %u, kernel %ux%u stride %ux%u pad %u,%u,%u,%u%s",
           depthwise ? "dwconv" : "conv", h, w, cin, cout, kh, kw, sh, sw, pt, pl, pb, pr, relu ? " relu" : "");
  run_all(what, finish(&b, xi, yi), x, (size_t) h * w * cin, ref, (size_t) oh * ow * cout);
  free(ref);
  free(bias);
  free(wt);
  free(x);
}

/* ---- fully connected ---------------------------------------------------------------------------------------- */

static void test_fc(unsigned k, unsigned n) {
  const uint8_t izp = (uint8_t) test_rand_u32(), kzp = (uint8_t) test_rand_u32(), ozp = (uint8_t) test_rand_u32();
  const float is = 0.05f, ks = 0.004f, os = is * ks * test_rand_uniform(30.0f, 300.0f);
  uint8_t* x = random_bytes(k);
  uint8_t* wt = random_bytes((size_t) n * k);
  int32_t* bias = malloc(sizeof(int32_t) * n);
  uint8_t* ref = malloc(n);
  for (unsigned j = 0; j < n; j++) {
    bias[j] = (int32_t) test_rand_range(0, 2000) - 1000;
    int32_t acc = bias[j];
    for (unsigned i = 0; i < k; i++) acc += ((int32_t) x[i] - izp) * ((int32_t) wt[(size_t) j * k + i] - kzp);
    ref[j] = ref_requant(acc, (is * ks) / os, ozp, 0, 255);
  }
  struct builder b = {.nt = 0};
  const uint32_t xd[4] = {1, 1, 1, k}, yd[2] = {1, n}, wd[2] = {n, k};
  const uint32_t xi = add_act(&b, 4, xd, is, izp);
  const uint32_t wi = add_weights(&b, 2, wd, ks, kzp, wt);
  const uint32_t bi = add_bias(&b, n, is * ks, bias);
  const uint32_t yi = add_act(&b, 2, yd, os, ozp);
  add_op(&b, Q8RT_OP_FC, xi, wi, yi)->inputs[2] = bi;
  char what[64];
  snprintf(what, sizeof what, "fc %u -> %u", k, n);
  run_all(what, finish(&b, xi, yi), x, k, ref, n);
  free(ref), free(bias), free(wt), free(x);
}

/* ---- add (QNNPACK q8vadd) ------------------------------------------------------------------------------
 * The model adds its input to itself (a single-input graph); the kernel tests cover distinct a and b. */

static void test_add(unsigned h, unsigned w, unsigned c, bool relu) {
  const uint8_t azp = (uint8_t) test_rand_u32(), yzp = (uint8_t) test_rand_u32();
  const float as = test_rand_uniform(0.01f, 0.5f), ys = as * test_rand_uniform(0.6f, 3.0f);
  const size_t n = (size_t) h * w * c;
  uint8_t* x = random_bytes(n);
  uint8_t* ref = malloc(n);
  /* a / y as a 22-bit multiplier: shift = 21 - exponent(a / y); both inputs get the same multiplier */
  const float ratio = as / ys;
  const int shift = 21 - ((int) (fbits(ratio) >> 23) - 127);
  const int64_t mult = lrintf(ratio * ldexpf(1.0f, shift));
  const uint8_t lo = relu ? yzp : 0;
  for (size_t i = 0; i < n; i++) {
    const int64_t acc = 2 * ((int64_t) x[i] - azp) * mult, half = INT64_C(1) << (shift - 1);
    const int64_t y = (acc >= 0 ? (acc + half) >> shift : -((-acc + half) >> shift)) + yzp; /* ties away from 0 */
    ref[i] = (uint8_t) (y < lo ? lo : y > 255 ? 255 : y);
  }
  struct builder b = {.nt = 0};
  const uint32_t d[4] = {1, h, w, c};
  const uint32_t xi = add_act(&b, 4, d, as, azp);
  const uint32_t yi = add_act(&b, 4, d, ys, yzp);
  add_op(&b, Q8RT_OP_ADD, xi, xi, yi)->output_min = lo;
  char what[64];
  snprintf(what, sizeof what, "add %ux%ux%u%s", h, w, c, relu ? " relu" : "");
  run_all(what, finish(&b, xi, yi), x, n, ref, n);
  free(ref), free(x);
}

/* ---- average pooling ------------------------------------------------------------------------------------ */

static void test_avgpool(unsigned h, unsigned w, unsigned c, unsigned k, unsigned s, unsigned pad, bool global) {
  const uint8_t izp = (uint8_t) test_rand_u32(), ozp = (uint8_t) test_rand_u32();
  const float is = test_rand_uniform(0.02f, 0.2f), os = is * test_rand_uniform(0.5f, 2.0f);
  const unsigned kh = global ? h : k, kw = global ? w : k;
  const unsigned oh = global ? 1 : (h + 2 * pad - k) / s + 1, ow = global ? 1 : (w + 2 * pad - k) / s + 1;
  uint8_t* x = random_bytes((size_t) h * w * c);
  uint8_t* ref = malloc((size_t) oh * ow * c);
  const uint32_t pool = kh * kw;
  const float scale = is / (os * (float) pool);
  const int64_t mult = (int64_t) ((fbits(scale) & 0x7FFFFF) | 0x800000);
  const int shift = 127 + 23 - (int) (fbits(scale) >> 23);
  for (unsigned oy = 0; oy < oh; oy++)
    for (unsigned ox = 0; ox < ow; ox++)
      for (unsigned ch = 0; ch < c; ch++) {
        int64_t sum = 0; /* sum of (x - izp); padding contributes 0 but counts in the divisor */
        for (unsigned ky = 0; ky < kh; ky++)
          for (unsigned kx = 0; kx < kw; kx++) {
            const int iy = (int) (oy * s + ky) - (int) (global ? 0 : pad);
            const int ix = (int) (ox * s + kx) - (int) (global ? 0 : pad);
            if (iy >= 0 && ix >= 0 && iy < (int) h && ix < (int) w) sum += (int64_t) x[((size_t) iy * w + ix) * c + ch] - izp;
          }
        const int64_t p = sum * mult, half = INT64_C(1) << (shift - 1);
        int64_t y = (p >= 0 ? (p + half) >> shift : -((-p + half) >> shift)) + ozp;
        ref[((size_t) oy * ow + ox) * c + ch] = (uint8_t) (y < 0 ? 0 : y > 255 ? 255 : y);
      }
  struct builder b = {.nt = 0};
  const uint32_t xd[4] = {1, h, w, c}, yd[4] = {1, oh, ow, c};
  const uint32_t xi = add_act(&b, 4, xd, is, izp);
  const uint32_t yi = add_act(&b, 4, yd, os, ozp);
  struct q8rt_blob_op* op = add_op(&b, Q8RT_OP_AVGPOOL, xi, Q8RT_BLOB_NONE, yi);
  if (global) {
    op->flags = Q8RT_OP_FLAG_GLOBAL;
  } else {
    op->kernel_h = op->kernel_w = (uint16_t) k;
    op->stride_h = op->stride_w = (uint16_t) s;
    op->pad_top = op->pad_left = op->pad_bottom = op->pad_right = (uint16_t) pad;
  }
  char what[96];
  snprintf(what, sizeof what, "avgpool %ux%ux%u %s k%u s%u p%u", h, w, c, global ? "global" : "window", k, s, pad);
  run_all(what, finish(&b, xi, yi), x, (size_t) h * w * c, ref, (size_t) oh * ow * c);
  free(ref), free(x);
}

/* ---- softmax (QNNPACK softargmax) --------------------------------------------------------------------------- */

static void test_softmax(unsigned n) {
  const float is = test_rand_uniform(0.05f, 0.3f);
  uint8_t* x = random_bytes(n);
  uint8_t* ref = malloc(n);
  const double qscale = fmin((double) UINT32_MAX / (double) n, 8388607.0);
  uint32_t* t = malloc(sizeof(uint32_t) * n);
  uint64_t sum = 0;
  uint8_t mx = 0;
  struct builder b = {.nt = 0};
  const uint32_t xd[4] = {1, 1, 1, n}, fd[2] = {1, n}, wd[2] = {n, n};
  const uint32_t xi = add_act(&b, 4, xd, is, 0);
  /* Softmax takes a rank-2 input: an FC with weights 2 * identity and requantization scale 1/4 computes
   * round(x / 2), exactly x / 2 for even x. */
  uint8_t* w = calloc((size_t) n * n, 1);
  for (unsigned i = 0; i < n; i++) w[(size_t) i * n + i] = 2;
  const uint32_t wi = add_weights(&b, 2, wd, 0.25f, 0, w);
  const uint32_t li = add_act(&b, 2, fd, is, 0);
  add_op(&b, Q8RT_OP_FC, xi, wi, li);
  const uint32_t yi = add_act(&b, 2, fd, 1.0f / 256.0f, 0);
  add_op(&b, Q8RT_OP_SOFTMAX, li, Q8RT_BLOB_NONE, yi);
  char what[64];
  snprintf(what, sizeof what, "softmax %u", n);
  for (unsigned i = 0; i < n; i++) x[i] = (uint8_t) (x[i] & 0xFE);
  uint8_t* half = malloc(n);
  mx = 0;
  for (unsigned i = 0; i < n; i++) {
    half[i] = (uint8_t) (x[i] / 2);
    mx = half[i] > mx ? half[i] : mx;
  }
  sum = 0;
  for (unsigned i = 0; i < n; i++) {
    t[i] = (uint32_t) lrint(qscale * exp((double) ((int) half[i] - (int) mx) * (double) is));
    sum += t[i];
  }
  for (unsigned i = 0; i < n; i++) {
    const uint64_t q = (((uint64_t) t[i] << 8) + sum / 2) / sum;
    ref[i] = (uint8_t) (q > 255 ? 255 : q);
  }
  run_all(what, finish(&b, xi, yi), x, n, ref, n);
  free(half), free(w), free(t), free(ref), free(x);
}

int main(void) {
  test_rng_seed(20261122);
  /* convolution: direct GEMM (1x1), indirect (3x3 / 5x3 / strides / asymmetric padding), edge sizes */
  test_conv(7, 5, 16, 24, 1, 1, 1, 1, 0, 0, 0, 0, false, false);
  test_conv(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false, true);
  test_conv(9, 9, 3, 32, 3, 3, 2, 2, 1, 1, 1, 1, false, true);
  test_conv(6, 7, 5, 9, 5, 3, 1, 2, 2, 0, 1, 2, false, false);
  test_conv(4, 4, 13, 17, 1, 1, 2, 2, 0, 0, 0, 0, false, true);
  test_conv(3, 3, 1, 3, 3, 3, 1, 1, 2, 2, 2, 2, false, false);
  /* few input channels (tap-pair kernels): an even tap count; few output rows (GEMM split by columns) */
  test_conv(5, 6, 4, 8, 1, 2, 1, 1, 0, 0, 0, 1, false, false);
  test_conv(2, 2, 24, 40, 1, 1, 1, 1, 0, 0, 0, 0, false, true);
  /* depthwise 3x3, stride 1 and 2, channels not a multiple of the tile */
  test_conv(8, 8, 32, 0, 3, 3, 1, 1, 1, 1, 1, 1, true, true);
  test_conv(9, 7, 19, 0, 3, 3, 2, 2, 1, 1, 1, 1, true, false);
  test_conv(5, 6, 1, 0, 3, 3, 1, 1, 0, 2, 2, 0, true, true);
  test_conv(12, 12, 40, 0, 3, 3, 2, 2, 0, 0, 1, 1, true, true);
  /* fully connected */
  test_fc(1280, 1000);
  test_fc(1, 1);
  test_fc(33, 9);
  /* add */
  test_add(7, 7, 24, false);
  test_add(1, 1, 3, true);
  test_add(56, 56, 24, false);
  /* average pooling: global and windowed with padding */
  test_avgpool(7, 7, 1280, 7, 1, 0, true);
  test_avgpool(5, 6, 19, 3, 2, 1, false);
  test_avgpool(4, 4, 8, 2, 2, 0, false);
  /* softmax */
  test_softmax(1000);
  test_softmax(10);
  return test_summary("test_ops");
}

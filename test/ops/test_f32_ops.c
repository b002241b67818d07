/* FP32 operators end to end (blob -> model -> fp32 session -> f32 kernels): single-op models, each checked
 * against a nested-loop double-precision reference of the float network the int8 op stands for (README
 * "fp32"): dequantized weights (w - kzp) * w_scale, bias * x_scale * w_scale, ReLU where the int8 op clamps
 * at its output zero point, add = a + b, average pooling counting padding, float softmax. Scalar, SSE, AVX2
 * and the best (auto) kernels, 1 and 3 threads, uint8 and float inputs.
 * Tolerance: |got - want| <= 1e-4 * (sum of |terms| + 1e-3), float accumulation against double. */
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



struct run_args {
  const char* what;
  const uint8_t* input;
  size_t input_size;
  const float* xf;
  const float* xnchw;
  const double* want;
  const double* tol;
  size_t n;
  bool probs;
  float* y;
};

static void run_one(q8rt_session* s, uint32_t threads, void* arg) {
  const struct run_args* r = arg;
  for (int format = 0; format < (r->xf != NULL ? 3 : 1); format++) {
    const void* in = format == 0 ? (const void*) r->input : format == 1 ? (const void*) r->xf : (const void*) r->xnchw;
    const q8rt_input_format f = format == 0 ? Q8RT_INPUT_U8_NHWC : format == 1 ? Q8RT_INPUT_F32_NHWC : Q8RT_INPUT_F32_NCHW;
    const size_t bytes = format == 0 ? r->input_size : r->input_size * sizeof(float);
    CHECKF(q8rt_session_run(s, f, in, bytes) == Q8RT_OK, "%s: run: %s", r->what, q8rt_last_error());
    float* y = r->y;
    memset(y, 0, sizeof(float) * r->n);
    const q8rt_status st = r->probs ? q8rt_session_get_probabilities(s, y, r->n) : q8rt_session_get_logits_f32(s, y, r->n);
    CHECK(st == Q8RT_OK);
    size_t bad = 0, first = 0;
    for (size_t k = 0; k < r->n; k++) {
      if (!(fabs((double) y[k] - r->want[k]) <= r->tol[k]) && bad++ == 0) first = k;
    }
    CHECKF(bad == 0, "%s [%s, %u threads, input format %d]: %zu of %zu outputs differ, first at %zu: %.9g vs %.9g",
           r->what, q8rt_session_isa_name(s), threads, format, bad, r->n, first, (double) y[first], r->want[first]);
  }
  const uint8_t* u8 = NULL;
  CHECKF(q8rt_session_get_logits(s, &u8, NULL, NULL) == Q8RT_ERROR_INVALID_ARGUMENT,
         "%s: q8rt_session_get_logits must fail for an fp32 session", r->what);
}

/* Runs the model in fp32 on a uint8 input (dequantized by the session) and, if xf != NULL, on the same values
 * as float NHWC and NCHW, under every kernel table and thread count; compares the float logits (or, probs, the
 * probabilities) with want (+- tol[i]). */
static void run_all(const char* what, q8rt_model* m, const uint8_t* input, size_t input_size, const float* xf,
                    const uint32_t* xdims, const double* want, const double* tol, size_t n, bool probs) {
  CHECKF(m != NULL, "%s: model did not load", what);
  if (m == NULL) return;
  float* xnchw = NULL;
  if (xf != NULL) {
    const size_t hw = (size_t) xdims[1] * xdims[2], c = xdims[3];
    xnchw = malloc(sizeof(float) * hw * c);
    for (size_t p = 0; p < hw; p++)
      for (size_t ch = 0; ch < c; ch++) xnchw[ch * hw + p] = xf[p * c + ch];
  }
  struct run_args r = {what, input, input_size, xf, xnchw, want, tol, n, probs, malloc(sizeof(float) * n)};
  test_each_session(what, m, Q8RT_PRECISION_FP32, run_one, &r);
  free(xnchw);
  free(r.y);
  q8rt_model_free(m);
}

static float* dequantized(const uint8_t* x, size_t n, float scale, uint8_t zp) {
  float* f = malloc(sizeof(float) * n);
  for (size_t i = 0; i < n; i++) f[i] = (float) ((int32_t) x[i] - (int32_t) zp) * scale;
  return f;
}

static void set_tol(double* tol, size_t i, double abs_terms) { tol[i] = 1e-4 * (abs_terms + 1e-3); }

/* ---- convolution (dense, indirect or direct GEMM) and depthwise ------------------------------------------ */

static void test_conv(unsigned h, unsigned w, unsigned cin, unsigned cout, unsigned kh, unsigned kw, unsigned sh,
                      unsigned sw, unsigned pt, unsigned pl, unsigned pb, unsigned pr, bool depthwise, bool relu) {
  const uint8_t izp = (uint8_t) test_rand_u32(), kzp = (uint8_t) test_rand_u32();
  const uint8_t ozp = test_rand_range(0, 3) == 0 ? 0 : (uint8_t) test_rand_u32();
  const float is = test_rand_uniform(0.01f, 0.1f), ks = test_rand_uniform(0.001f, 0.02f);
  const float os = is * ks * test_rand_uniform(20.0f, 200.0f);
  const unsigned oh = (h + pt + pb - kh) / sh + 1, ow = (w + pl + pr - kw) / sw + 1;
  if (depthwise) cout = cin;
  const unsigned kin = depthwise ? 1 : cin;
  uint8_t* x = random_bytes((size_t) h * w * cin);
  float* xf = dequantized(x, (size_t) h * w * cin, is, izp);
  uint8_t* wt = random_bytes((size_t) cout * kh * kw * kin);
  int32_t* bias = malloc(sizeof(int32_t) * cout);
  for (unsigned c = 0; c < cout; c++) bias[c] = (int32_t) test_rand_range(0, 40000) - 20000;
  const uint8_t lo = relu ? ozp : 0;
  const bool clamp = lo == ozp; /* ReLU in the float network (also when ozp happens to be 0) */
  const size_t n = (size_t) oh * ow * cout;
  double* want = malloc(sizeof(double) * n);
  double* tol = malloc(sizeof(double) * n);
  for (unsigned oy = 0; oy < oh; oy++)
    for (unsigned ox = 0; ox < ow; ox++)
      for (unsigned co = 0; co < cout; co++) {
        double acc = (double) bias[co] * ((double) is * (double) ks), abs_terms = fabs(acc);
        for (unsigned ky = 0; ky < kh; ky++)
          for (unsigned kx = 0; kx < kw; kx++) {
            const int iy = (int) (oy * sh + ky) - (int) pt, ix = (int) (ox * sw + kx) - (int) pl;
            if (iy < 0 || ix < 0 || iy >= (int) h || ix >= (int) w) continue; /* padding: 0 */
            for (unsigned ci = 0; ci < kin; ci++) {
              const unsigned c_in = depthwise ? co : ci;
              const double xv = ((double) x[((size_t) iy * w + (size_t) ix) * cin + c_in] - izp) * is;
              const double wv = ((double) wt[(((size_t) co * kh + ky) * kw + kx) * kin + ci] - kzp) * ks;
              acc += xv * wv;
              abs_terms += fabs(xv * wv);
            }
          }
        const size_t i = ((size_t) oy * ow + ox) * cout + co;
        want[i] = clamp && acc < 0 ? 0 : acc;
        set_tol(tol, i, abs_terms);
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
  snprintf(what, sizeof what, "fp32 %s %ux%ux%u -> %u, kernel %ux%u stride %ux%u pad %u,%u,%u,%u%s",
           depthwise ? "dwconv" : "conv", h, w, cin, cout, kh, kw, sh, sw, pt, pl, pb, pr, clamp ? " relu" : "");
  run_all(what, finish(&b, xi, yi), x, (size_t) h * w * cin, xf, xd, want, tol, n, false);
  free(want), free(tol), free(bias), free(wt), free(xf), free(x);
}

/* ---- fully connected ------------------------------------------------------------------------------------- */

static void test_fc(unsigned k, unsigned n) {
  const uint8_t izp = (uint8_t) test_rand_u32(), kzp = (uint8_t) test_rand_u32(), ozp = (uint8_t) test_rand_range(1, 255);
  const float is = 0.05f, ks = 0.004f, os = is * ks * test_rand_uniform(30.0f, 300.0f);
  uint8_t* x = random_bytes(k);
  uint8_t* wt = random_bytes((size_t) n * k);
  int32_t* bias = malloc(sizeof(int32_t) * n);
  double* want = malloc(sizeof(double) * n);
  double* tol = malloc(sizeof(double) * n);
  for (unsigned j = 0; j < n; j++) {
    bias[j] = (int32_t) test_rand_range(0, 2000) - 1000;
    double acc = (double) bias[j] * ((double) is * (double) ks), abs_terms = fabs(acc);
    for (unsigned i = 0; i < k; i++) {
      const double p = ((double) x[i] - izp) * is * (((double) wt[(size_t) j * k + i] - kzp) * ks);
      acc += p;
      abs_terms += fabs(p);
    }
    want[j] = acc; /* output_min 0 != output zero point: no clamp */
    set_tol(tol, j, abs_terms);
  }
  struct builder b = {.nt = 0};
  const uint32_t xd[4] = {1, 1, 1, k}, yd[2] = {1, n}, wd[2] = {n, k};
  const uint32_t xi = add_act(&b, 4, xd, is, izp);
  const uint32_t wi = add_weights(&b, 2, wd, ks, kzp, wt);
  const uint32_t bi = add_bias(&b, n, is * ks, bias);
  const uint32_t yi = add_act(&b, 2, yd, os, ozp);
  add_op(&b, Q8RT_OP_FC, xi, wi, yi)->inputs[2] = bi;
  char what[64];
  snprintf(what, sizeof what, "fp32 fc %u -> %u", k, n);
  run_all(what, finish(&b, xi, yi), x, k, NULL, xd, want, tol, n, false);
  free(want), free(tol), free(bias), free(wt), free(x);
}

/* ---- add: the model adds its input to itself --------------------------------------------------------------- */

static void test_add(unsigned h, unsigned w, unsigned c, bool relu) {
  const uint8_t azp = (uint8_t) test_rand_range(1, 255), yzp = (uint8_t) test_rand_range(1, 255);
  const float as = test_rand_uniform(0.01f, 0.5f), ys = as * test_rand_uniform(0.6f, 3.0f);
  const size_t n = (size_t) h * w * c;
  uint8_t* x = random_bytes(n);
  float* xf = dequantized(x, n, as, azp);
  double* want = malloc(sizeof(double) * n);
  double* tol = malloc(sizeof(double) * n);
  for (size_t i = 0; i < n; i++) {
    const double v = 2.0 * xf[i];
    want[i] = relu && v < 0 ? 0 : v;
    tol[i] = 0; /* a + a is exact */
  }
  struct builder b = {.nt = 0};
  const uint32_t d[4] = {1, h, w, c};
  const uint32_t xi = add_act(&b, 4, d, as, azp);
  const uint32_t yi = add_act(&b, 4, d, ys, yzp);
  add_op(&b, Q8RT_OP_ADD, xi, xi, yi)->output_min = relu ? yzp : 0;
  char what[64];
  snprintf(what, sizeof what, "fp32 add %ux%ux%u%s", h, w, c, relu ? " relu" : "");
  run_all(what, finish(&b, xi, yi), x, n, xf, d, want, tol, n, false);
  free(want), free(tol), free(xf), free(x);
}

/* ---- average pooling: padding counts in the divisor with value 0 ------------------------------------------ */

static void test_avgpool(unsigned h, unsigned w, unsigned c, unsigned k, unsigned s, unsigned pad, bool global) {
  const uint8_t izp = (uint8_t) test_rand_u32(), ozp = (uint8_t) test_rand_range(1, 255);
  const float is = test_rand_uniform(0.02f, 0.2f), os = is * test_rand_uniform(0.5f, 2.0f);
  const unsigned kh = global ? h : k, kw = global ? w : k;
  const unsigned oh = global ? 1 : (h + 2 * pad - k) / s + 1, ow = global ? 1 : (w + 2 * pad - k) / s + 1;
  uint8_t* x = random_bytes((size_t) h * w * c);
  float* xf = dequantized(x, (size_t) h * w * c, is, izp);
  const size_t n = (size_t) oh * ow * c;
  double* want = malloc(sizeof(double) * n);
  double* tol = malloc(sizeof(double) * n);
  for (unsigned oy = 0; oy < oh; oy++)
    for (unsigned ox = 0; ox < ow; ox++)
      for (unsigned ch = 0; ch < c; ch++) {
        double sum = 0, abs_terms = 0;
        for (unsigned ky = 0; ky < kh; ky++)
          for (unsigned kx = 0; kx < kw; kx++) {
            const int iy = (int) (oy * s + ky) - (int) (global ? 0 : pad);
            const int ix = (int) (ox * s + kx) - (int) (global ? 0 : pad);
            if (iy >= 0 && ix >= 0 && iy < (int) h && ix < (int) w) {
              const double v = xf[((size_t) iy * w + ix) * c + ch];
              sum += v;
              abs_terms += fabs(v);
            }
          }
        const size_t i = ((size_t) oy * ow + ox) * c + ch;
        want[i] = sum / (double) (kh * kw);
        set_tol(tol, i, abs_terms / (double) (kh * kw));
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
  snprintf(what, sizeof what, "fp32 avgpool %ux%ux%u %s k%u s%u p%u", h, w, c, global ? "global" : "window", k, s, pad);
  run_all(what, finish(&b, xi, yi), x, (size_t) h * w * c, xf, xd, want, tol, n, false);
  free(want), free(tol), free(xf), free(x);
}

/* ---- softmax: FC (weights 2 * identity, scale 1/4: logits = x / 2 in float) then float softmax ------------- */

static void test_softmax(unsigned n) {
  const float is = test_rand_uniform(0.05f, 0.3f);
  uint8_t* x = random_bytes(n);
  struct builder b = {.nt = 0};
  const uint32_t xd[4] = {1, 1, 1, n}, fd[2] = {1, n}, wd[2] = {n, n};
  const uint32_t xi = add_act(&b, 4, xd, is, 0);
  uint8_t* w = calloc((size_t) n * n, 1);
  for (unsigned i = 0; i < n; i++) w[(size_t) i * n + i] = 2;
  const uint32_t wi = add_weights(&b, 2, wd, 0.25f, 0, w);
  const uint32_t li = add_act(&b, 2, fd, is, 128); /* logits zero point 128: no ReLU on the FC */
  add_op(&b, Q8RT_OP_FC, xi, wi, li);
  const uint32_t yi = add_act(&b, 2, fd, 1.0f / 256.0f, 0);
  add_op(&b, Q8RT_OP_SOFTMAX, li, Q8RT_BLOB_NONE, yi);
  double* want = malloc(sizeof(double) * n);
  double* tol = malloc(sizeof(double) * n);
  double mx = -1e300, sum = 0;
  for (unsigned i = 0; i < n; i++) mx = fmax(mx, x[i] * (double) is * 0.5);
  for (unsigned i = 0; i < n; i++) sum += exp(x[i] * (double) is * 0.5 - mx);
  for (unsigned i = 0; i < n; i++) {
    want[i] = exp(x[i] * (double) is * 0.5 - mx) / sum;
    tol[i] = 1e-5 * want[i] + 1e-7;
  }
  char what[64];
  snprintf(what, sizeof what, "fp32 softmax %u", n);
  /* finish() appends dequantize(softmax output): the probabilities */
  struct builder* bp = &b;
  q8rt_model* m = NULL;
  {
    const uint32_t out = add_tensor(bp, Q8RT_TENSOR_ACTIVATION, Q8RT_DTYPE_F32, 2, fd, 1.0f, 0);
    add_op(bp, Q8RT_OP_DEQUANTIZE, yi, Q8RT_BLOB_NONE, out);
    struct q8rt_blob_contents c;
    memset(&c, 0, sizeof c);
    c.header.input_tensor = xi;
    c.header.logits_tensor = li;
    c.header.output_tensor = out;
    c.header.crop_height = c.header.crop_width = c.header.resize_shorter = 1;
    for (int i = 0; i < 3; i++) c.header.std[i] = 1.0f;
    c.tensors = bp->t, c.tensor_names = bp->names, c.tensor_data = bp->data, c.tensor_count = bp->nt;
    c.ops = bp->ops, c.op_count = bp->nops;
    void* blob;
    size_t bytes;
    char err[256];
    if (q8rt_blob_serialize(&c, &blob, &bytes, err, sizeof err)) {
      if (q8rt_model_load_from_memory(blob, bytes, &m) != Q8RT_OK) fprintf(stderr, "load: %s\n", q8rt_last_error());
      free(blob);
    }
  }
  run_all(what, m, x, n, NULL, xd, want, tol, n, true);
  free(want), free(tol), free(w), free(x);
}

int main(void) {
  test_rng_seed(20261123);
  test_conv(7, 5, 16, 24, 1, 1, 1, 1, 0, 0, 0, 0, false, false);
  test_conv(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false, true);
  test_conv(9, 9, 3, 32, 3, 3, 2, 2, 1, 1, 1, 1, false, true);
  test_conv(6, 7, 5, 9, 5, 3, 1, 2, 2, 0, 1, 2, false, false);
  test_conv(4, 4, 13, 17, 1, 1, 2, 2, 0, 0, 0, 0, false, true);
  test_conv(3, 3, 1, 3, 3, 3, 1, 1, 2, 2, 2, 2, false, false);
  test_conv(13, 11, 40, 70, 1, 1, 1, 1, 0, 0, 0, 0, false, true);
  test_conv(8, 8, 32, 0, 3, 3, 1, 1, 1, 1, 1, 1, true, true);
  test_conv(9, 7, 19, 0, 3, 3, 2, 2, 1, 1, 1, 1, true, false);
  test_conv(5, 6, 1, 0, 3, 3, 1, 1, 0, 2, 2, 0, true, true);
  test_conv(12, 12, 40, 0, 3, 3, 2, 2, 0, 0, 1, 1, true, true);
  test_fc(1280, 1000);
  test_fc(1, 1);
  test_fc(33, 9);
  test_add(7, 7, 24, false);
  test_add(1, 1, 3, true);
  test_add(56, 56, 24, true);
  test_avgpool(7, 7, 1280, 7, 1, 0, true);
  test_avgpool(5, 6, 19, 3, 2, 1, false);
  test_avgpool(4, 4, 8, 2, 2, 0, false);
  test_softmax(1000);
  test_softmax(10);
  return test_summary("test_f32_ops");
}

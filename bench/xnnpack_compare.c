/*
 * xnnpack_compare: q8rt against an outside reference, XNNPACK (Debian's libxnnpack-dev, 0.0~git20220216), on
 * the same .q8rt blob.
 *
 * The program loads the blob with the q8rt API, walks its ops and tensors through the internal model structs
 * (src/runtime/model.h, src/ops/op.h), takes each layer's raw uint8 OHWI weights and int32 bias straight from the
 * blob (format v2: op->weights, op->bias; docs/blob-format.md), and builds the network twice with XNNPACK's
 * operator API:
 *   - QU8: the same weights, biases, scales, zero points and output clamps (XNNPACK's requantization rounds
 *     differently from QNNPACK's, so its outputs need not be bit-identical to q8rt's);
 *   - F32: weights dequantized exactly as q8rt's fp32 packers do (src/pack/packers.c: w = (w - w_zp) * w_scale,
 *     bias = b * (x_scale * w_scale)), ReLU where the int8 op clamps at its output zero point, softmax in float.
 * It then
 *   1. runs real images (decoded and preprocessed by src/cli/image.c) through q8rt int8, q8rt fp32, XNNPACK QU8
 *      and XNNPACK F32, and counts the images whose top-1 class agrees (q8rt int8 vs XNNPACK QU8, q8rt fp32 vs
 *      XNNPACK F32); it fails if the QU8 agreement is below --min-agree;
 *   2. times the four on one fixed input, alternately in one process (q8rt int8, q8rt fp32, XNNPACK QU8,
 *      XNNPACK F32, then again), so machine drift affects all alike, and prints the medians and the ratios
 *      q8rt int8 / XNNPACK QU8, q8rt fp32 / XNNPACK F32 and q8rt fp32 / int8 (each the median of the per-round
 *      ratios, with its 10th-90th percentiles).
 * All four are profiled per op (q8rt_session_get_op_times; XNNPACK: one clock read around each operator), and
 * the per-op medians go to the JSON output.
 *
 * With --engine it builds one engine only and runs exactly --runs inferences on the fixed input (and optionally one
 * op alone, --op K --op-runs M), for instruction counting under qemu-user (bench/insn-count.sh).
 *
 * Usage: xnnpack_compare MODEL.q8rt [--images DIR] [--count N] [--min-agree N] [--threads N] [--runs R]
 *                        [--warmup W] [--json FILE]
 *        xnnpack_compare MODEL.q8rt --engine q8rt-int8|q8rt-fp32|xnnpack-qu8|xnnpack-f32 [--runs N] [--threads N]
 *                        [--op K --op-runs M]
 *        xnnpack_compare MODEL.q8rt --list-ops
 */
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "cli/image.h"
#include "ops/ops.h"
#include "q8rt.h"
#include "runtime/model.h"
#include "runtime/session.h"

enum { Q8_INT8, Q8_FP32, XNN_QU8, XNN_F32, ENGINES };
static const char* const engine_names[ENGINES] = {"q8rt int8", "q8rt fp32", "XNNPACK QU8", "XNNPACK F32"};
static const char* const engine_keys[ENGINES] = {"q8rt_int8", "q8rt_fp32", "xnnpack_qu8", "xnnpack_f32"};
static const char* const engine_args[ENGINES] = {"q8rt-int8", "q8rt-fp32", "xnnpack-qu8", "xnnpack-f32"};

static int fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("xnnpack_compare: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*) a, y = *(const double*) b;
  return (x > y) - (x < y);
}

static void json_string(FILE* f, const char* s) {
  fputc('"', f);
  for (; *s; s++) {
    const unsigned char c = (unsigned char) *s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static double load_average(void) { /* 1-minute load average, or -1 */
  double v = -1.0;
  FILE* f = fopen("/proc/loadavg", "r");
  if (f != NULL) {
    if (fscanf(f, "%lf", &v) != 1) v = -1.0;
    fclose(f);
  }
  return v;
}

static int cmp_string(const void* a, const void* b) { return strcmp(*(char* const*) a, *(char* const*) b); }

/* Sorts v (n >= 1) and returns its median; *p10 / *p90: the samples of rank round((n - 1) * q). */
static double stats(double* v, size_t n, double* p10, double* p90) {
  qsort(v, n, sizeof *v, cmp_double);
  if (p10 != NULL) *p10 = v[(size_t) ((double) (n - 1) * 0.1 + 0.5)];
  if (p90 != NULL) *p90 = v[(size_t) ((double) (n - 1) * 0.9 + 0.5)];
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ---- the XNNPACK networks ---------------------------------------------------------------------- */

struct xnn_net {
  const q8rt_model* model;
  uint32_t op_count, tensor_count;
  uint8_t** u8;           /* per tensor: QU8 activation buffer (NULL for weights) */
  float** f32;            /* per tensor: F32 activation buffer (the F32 dequantize output aliases its input) */
  bool want_qu8, want_f32; /* which of the two networks net_build creates */
  xnn_operator_t* qu8;    /* per op */
  xnn_operator_t* fp32;   /* per op; NULL for the F32 dequantize (a no-op) */
  float** deq;            /* per op: the QU8 network's dequantize output (its own buffer), else NULL */
};

static void net_free(struct xnn_net* n) {
  for (uint32_t i = 0; i < n->op_count; i++) {
    if (n->qu8 != NULL && n->qu8[i] != NULL) xnn_delete_operator(n->qu8[i]);
    if (n->fp32 != NULL && n->fp32[i] != NULL) xnn_delete_operator(n->fp32[i]);
  }
  /* F32 dequantize outputs alias their input: free each distinct pointer once. */
  for (uint32_t t = 0; n->f32 != NULL && t < n->tensor_count; t++) {
    bool alias = false;
    for (uint32_t u = 0; u < t && !alias; u++) alias = n->f32[u] == n->f32[t];
    if (!alias) free(n->f32[t]);
  }
  for (uint32_t t = 0; n->u8 != NULL && t < n->tensor_count; t++) free(n->u8[t]);
  for (uint32_t i = 0; n->deq != NULL && i < n->op_count; i++) free(n->deq[i]);
  free(n->deq);
  free(n->u8);
  free(n->f32);
  free(n->qu8);
  free(n->fp32);
}

static void* alloc_act(size_t bytes) {
  void* p = NULL;
  /* XNNPACK may read up to XNN_EXTRA_BYTES past an input. */
  if (posix_memalign(&p, 64, bytes + XNN_EXTRA_BYTES + 64) != 0) return NULL;
  memset(p, 0, bytes + XNN_EXTRA_BYTES + 64);
  return p;
}

static float f32_min_for(const struct q8rt_model_op* op) {
  return op->rec->output_min == op->y->zero_point ? 0.0f : -INFINITY; /* as q8rt_f32_clamp_for */
}

/* Builds one op in the precisions the net wants (want_qu8, want_f32); returns 0 or prints and returns 1. */
static int build_op(struct xnn_net* n, uint32_t i, pthreadpool_t pool) {
  const struct q8rt_model_op* op = &n->model->ops[i];
  const struct q8rt_blob_op* r = op->rec;
  const uint32_t xi = r->inputs[0], yi = r->output;
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const float fmin = f32_min_for(op), fmax = INFINITY;
  const bool wq = n->want_qu8, wf32 = n->want_f32;
  enum xnn_status sq = xnn_status_success, sf = xnn_status_success;
  xnn_operator_t* q = &n->qu8[i];
  xnn_operator_t* f = &n->fp32[i];
  switch (r->type) {
    case Q8RT_OP_CONV:
    case Q8RT_OP_DWCONV:
    case Q8RT_OP_FC: {
      const struct q8rt_blob_tensor* w = op->w;
      const bool dw = r->type == Q8RT_OP_DWCONV, fc = r->type == Q8RT_OP_FC;
      const size_t cout = w->dims[0];
      const size_t ks = fc ? 1 : dw ? 9 : (size_t) w->dims[1] * w->dims[2];
      const size_t kc = fc ? w->dims[1] : dw ? 1 : w->dims[3];
      const size_t count = cout * ks * kc;
      /* The blob's raw tensors (format v2, docs/blob-format.md): uint8 weights, conv [Cout,KH,KW,Cin] (OHWI),
       * depthwise [C,3,3,1], fc [Cout,K], and the int32 bias [Cout] or none (op->weights, op->bias). XNNPACK QU8
       * takes them as they are (it folds the zero points itself); F32 gets them dequantized exactly as q8rt's
       * fp32 packers do (src/pack/packers.c): w = (w - w_zp) * w_scale, bias = b * (x_scale * w_scale). */
      const uint8_t* wu = op->weights;
      int32_t* bi = calloc(cout, sizeof *bi);
      float* wfl = wf32 ? malloc(count * sizeof *wfl) : NULL;
      float* bf = wf32 ? malloc(cout * sizeof *bf) : NULL;
      const bool ok = bi != NULL && (!wf32 || (wfl != NULL && bf != NULL));
      const float bias_scale = op->x->scale * w->scale; /* as q8rt_op_pack_src */
      for (size_t c = 0; ok && c < cout; c++) bi[c] = op->bias != NULL ? op->bias[c] : 0;
      if (ok && wf32) {
        for (size_t k = 0; k < count; k++) wfl[k] = (float) ((int) wu[k] - (int) w->zero_point) * w->scale;
        for (size_t c = 0; c < cout; c++) bf[c] = (float) ((double) bi[c] * (double) bias_scale);
      }
      if (!ok) {
        sq = xnn_status_out_of_memory;
      } else if (fc) {
        if (wq) {
          sq = xnn_create_fully_connected_nc_qu8(kc, cout, kc, cout, op->x->zero_point, op->x->scale, w->zero_point,
                                                 w->scale, wu, bi, op->y->zero_point, op->y->scale, r->output_min,
                                                 r->output_max, 0, q);
          if (sq == xnn_status_success) sq = xnn_setup_fully_connected_nc_qu8(*q, xd[0], n->u8[xi], n->u8[yi], pool);
        }
        if (wf32) {
          sf = xnn_create_fully_connected_nc_f32(kc, cout, kc, cout, wfl, bf, fmin, fmax, 0, f);
          if (sf == xnn_status_success) sf = xnn_setup_fully_connected_nc_f32(*f, xd[0], n->f32[xi], n->f32[yi], pool);
        }
      } else {
        /* Depthwise: groups = C with one input and one output channel each, so the kernel is [C][KH][KW][1], the
         * blob's depthwise layout. Dense: [Cout][KH][KW][Cin], the blob's OHWI layout. */
        const uint32_t groups = dw ? (uint32_t) cout : 1;
        const size_t gin = dw ? 1 : kc, gout = dw ? 1 : cout;
        if (wq) {
          sq = xnn_create_convolution2d_nhwc_qu8(r->pad_top, r->pad_right, r->pad_bottom, r->pad_left, r->kernel_h,
                                                 r->kernel_w, r->stride_h, r->stride_w, 1, 1, groups, gin, gout, xd[3],
                                                 yd[3], op->x->zero_point, op->x->scale, w->zero_point, w->scale, wu,
                                                 bi, op->y->zero_point, op->y->scale, r->output_min, r->output_max, 0,
                                                 q);
          if (sq == xnn_status_success) {
            sq = xnn_setup_convolution2d_nhwc_qu8(*q, xd[0], xd[1], xd[2], n->u8[xi], n->u8[yi], pool);
          }
        }
        if (wf32) {
          sf = xnn_create_convolution2d_nhwc_f32(r->pad_top, r->pad_right, r->pad_bottom, r->pad_left, r->kernel_h,
                                                 r->kernel_w, r->stride_h, r->stride_w, 1, 1, groups, gin, gout, xd[3],
                                                 yd[3], wfl, bf, fmin, fmax, 0, f);
          if (sf == xnn_status_success) {
            sf = xnn_setup_convolution2d_nhwc_f32(*f, xd[0], xd[1], xd[2], n->f32[xi], n->f32[yi], pool);
          }
        }
      }
      free(bi);
      free(wfl);
      free(bf);
      break;
    }
    case Q8RT_OP_ADD: {
      const struct q8rt_blob_tensor* b = op->x2;
      const uint32_t bi = r->inputs[1];
      const size_t shape[4] = {xd[0], xd[1], xd[2], xd[3]};
      if (wq) {
        sq = xnn_create_add_nd_qu8(op->x->zero_point, op->x->scale, b->zero_point, b->scale, op->y->zero_point,
                                   op->y->scale, r->output_min, r->output_max, 0, q);
        if (sq == xnn_status_success) {
          sq = xnn_setup_add_nd_qu8(*q, 4, shape, 4, shape, n->u8[xi], n->u8[bi], n->u8[yi], pool);
        }
      }
      if (wf32) {
        sf = xnn_create_add_nd_f32(fmin, fmax, 0, f);
        if (sf == xnn_status_success) {
          sf = xnn_setup_add_nd_f32(*f, 4, shape, 4, shape, n->f32[xi], n->f32[bi], n->f32[yi], pool);
        }
      }
      break;
    }
    case Q8RT_OP_AVGPOOL: {
      const bool global = (r->flags & Q8RT_OP_FLAG_GLOBAL) != 0 ||
                          (r->kernel_h == xd[1] && r->kernel_w == xd[2] && yd[1] == 1 && yd[2] == 1 &&
                           r->pad_top == 0 && r->pad_left == 0 && r->pad_bottom == 0 && r->pad_right == 0);
      if (global && wq) {
        sq = xnn_create_global_average_pooling_nwc_qu8(xd[3], xd[3], xd[3], op->x->zero_point, op->x->scale,
                                                       op->y->zero_point, op->y->scale, r->output_min, r->output_max,
                                                       0, q);
        if (sq == xnn_status_success) {
          sq = xnn_setup_global_average_pooling_nwc_qu8(*q, xd[0], (size_t) xd[1] * xd[2], n->u8[xi], n->u8[yi], pool);
        }
      }
      if (global && wf32) {
        sf = xnn_create_global_average_pooling_nwc_f32(xd[3], xd[3], xd[3], fmin, fmax, 0, f);
        if (sf == xnn_status_success) {
          sf = xnn_setup_global_average_pooling_nwc_f32(*f, xd[0], (size_t) xd[1] * xd[2], n->f32[xi], n->f32[yi],
                                                        pool);
        }
      }
      /* Windowed: note that XNNPACK's padding convention for windowed pooling may differ from Caffe2's. */
      if (!global && wq) {
        sq = xnn_create_average_pooling2d_nhwc_qu8(r->pad_top, r->pad_right, r->pad_bottom, r->pad_left, r->kernel_h,
                                                   r->kernel_w, r->stride_h, r->stride_w, xd[3], xd[3], xd[3],
                                                   op->x->zero_point, op->x->scale, op->y->zero_point, op->y->scale,
                                                   r->output_min, r->output_max, 0, q);
        if (sq == xnn_status_success) {
          sq = xnn_setup_average_pooling2d_nhwc_qu8(*q, xd[0], xd[1], xd[2], n->u8[xi], n->u8[yi], pool);
        }
      }
      if (!global && wf32) {
        sf = xnn_create_average_pooling2d_nhwc_f32(r->pad_top, r->pad_right, r->pad_bottom, r->pad_left, r->kernel_h,
                                                   r->kernel_w, r->stride_h, r->stride_w, xd[3], xd[3], xd[3], fmin,
                                                   fmax, 0, f);
        if (sf == xnn_status_success) {
          sf = xnn_setup_average_pooling2d_nhwc_f32(*f, xd[0], xd[1], xd[2], n->f32[xi], n->f32[yi], pool);
        }
      }
      break;
    }
    case Q8RT_OP_SOFTMAX: {
      const size_t rows = op->x->dims[0], c = op->x->dims[op->x->rank - 1];
      if (wq) {
        sq = xnn_create_softmax_nc_qu8(c, c, c, op->x->scale, op->y->zero_point, op->y->scale, 0, q);
        if (sq == xnn_status_success) sq = xnn_setup_softmax_nc_qu8(*q, rows, n->u8[xi], n->u8[yi], pool);
      }
      if (wf32) {
        sf = xnn_create_softmax_nc_f32(c, c, c, 0, f);
        if (sf == xnn_status_success) sf = xnn_setup_softmax_nc_f32(*f, rows, n->f32[xi], n->f32[yi], pool);
      }
      break;
    }
    case Q8RT_OP_DEQUANTIZE: {
      /* QU8: XNNPACK's qu8 -> f32 conversion into the float output. F32: the identity, so the output aliases
       * the input (no operator). */
      const size_t rows = op->x->dims[0], c = op->x->dims[op->x->rank - 1];
      if (wq) {
        sq = xnn_create_convert_nc_qu8_f32(c, c, c, op->x->scale, op->x->zero_point, 0, q);
        if (sq == xnn_status_success) sq = xnn_setup_convert_nc_qu8_f32(*q, rows, n->u8[xi], n->deq[i], pool);
      }
      break;
    }
    default:
      return fail("op %u: type %u is not supported here", i, (unsigned) r->type);
  }
  if (sq != xnn_status_success || sf != xnn_status_success) {
    struct q8rt_op_info oi;
    q8rt_model_get_op_info(n->model, i, &oi);
    return fail("op %u (%s): XNNPACK %s operator: status %d", i, oi.type,
                sq != xnn_status_success ? "QU8" : "F32", (int) (sq != xnn_status_success ? sq : sf));
  }
  return 0;
}

static int net_build(struct xnn_net* n, const q8rt_model* m, bool want_qu8, bool want_f32, pthreadpool_t pool) {
  memset(n, 0, sizeof *n);
  n->model = m;
  n->want_qu8 = want_qu8;
  n->want_f32 = want_f32;
  n->op_count = m->op_count;
  n->tensor_count = m->view.header->tensor_count;
  n->u8 = calloc(n->tensor_count, sizeof *n->u8);
  n->f32 = calloc(n->tensor_count, sizeof *n->f32);
  n->qu8 = calloc(n->op_count, sizeof *n->qu8);
  n->fp32 = calloc(n->op_count, sizeof *n->fp32);
  n->deq = calloc(n->op_count, sizeof *n->deq);
  if (n->u8 == NULL || n->f32 == NULL || n->qu8 == NULL || n->fp32 == NULL || n->deq == NULL) {
    return fail("out of memory");
  }
  /* Buffers: every activation tensor gets its own (no arena planning: not what is compared). */
  for (uint32_t t = 0; t < n->tensor_count; t++) {
    const struct q8rt_blob_tensor* bt = &m->view.tensors[t];
    if (bt->kind != Q8RT_TENSOR_ACTIVATION) continue;
    const size_t elements = (size_t) q8rt_blob_tensor_elements(bt);
    n->u8[t] = alloc_act(elements);
    if (n->u8[t] == NULL) return fail("out of memory");
  }
  for (uint32_t i = 0; i < n->op_count; i++) {
    const struct q8rt_blob_op* r = m->ops[i].rec;
    for (int j = 0; j < 2; j++) {
      const uint32_t t = r->inputs[j];
      if (t == Q8RT_BLOB_NONE || m->view.tensors[t].kind != Q8RT_TENSOR_ACTIVATION || n->f32[t] != NULL) continue;
      n->f32[t] = alloc_act((size_t) q8rt_blob_tensor_elements(&m->view.tensors[t]) * sizeof(float));
      if (n->f32[t] == NULL) return fail("out of memory");
    }
    if (r->type == Q8RT_OP_DEQUANTIZE) {
      n->f32[r->output] = n->f32[r->inputs[0]];
    } else {
      n->f32[r->output] = alloc_act((size_t) q8rt_blob_tensor_elements(&m->view.tensors[r->output]) * sizeof(float));
      if (n->f32[r->output] == NULL) return fail("out of memory");
    }
  }
  /* The QU8 dequantize writes floats: its own buffer (the F32 network's output aliases its logits). */
  for (uint32_t i = 0; i < n->op_count; i++) {
    if (m->ops[i].rec->type != Q8RT_OP_DEQUANTIZE) continue;
    n->deq[i] = alloc_act((size_t) q8rt_blob_tensor_elements(&m->view.tensors[m->ops[i].rec->output]) * sizeof(float));
    if (n->deq[i] == NULL) return fail("out of memory");
  }
  for (uint32_t i = 0; i < n->op_count; i++) {
    if (build_op(n, i, pool) != 0) return 1;
  }
  return 0;
}

/* Runs one network; op_ms (may be NULL) gets each operator's time. */
static int net_run(const struct xnn_net* n, bool qu8, pthreadpool_t pool, double* op_ms) {
  xnn_operator_t* ops = qu8 ? n->qu8 : n->fp32;
  for (uint32_t i = 0; i < n->op_count; i++) {
    const double t0 = op_ms != NULL ? now_ms() : 0.0;
    if (ops[i] != NULL && xnn_run_operator(ops[i], pool) != xnn_status_success) {
      return fail("op %u: xnn_run_operator failed", i);
    }
    if (op_ms != NULL) op_ms[i] = now_ms() - t0;
  }
  return 0;
}

static uint32_t argmax_u8(const uint8_t* v, size_t n) {
  uint32_t best = 0;
  for (size_t i = 1; i < n; i++) best = v[i] > v[best] ? (uint32_t) i : best;
  return best;
}

static uint32_t argmax_f32(const float* v, size_t n) {
  uint32_t best = 0;
  for (size_t i = 1; i < n; i++) best = v[i] > v[best] ? (uint32_t) i : best;
  return best;
}

/* Up to `count` image files (.jpg / .jpeg, any case) of dir, sorted by name. */
static char** list_images(const char* dir, size_t count, size_t* found) {
  DIR* d = opendir(dir);
  if (d == NULL) return fail("%s: cannot open the image directory", dir), NULL;
  size_t n = 0, cap = 0;
  char** names = NULL;
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    const char* dot = strrchr(e->d_name, '.');
    if (dot == NULL || (strcasecmp(dot, ".jpg") != 0 && strcasecmp(dot, ".jpeg") != 0)) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      char** grown = realloc(names, cap * sizeof *names);
      if (grown == NULL) break;
      names = grown;
    }
    const size_t len = strlen(dir) + strlen(e->d_name) + 2;
    if ((names[n] = malloc(len)) == NULL) break;
    snprintf(names[n++], len, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (names != NULL) qsort(names, n, sizeof *names, cmp_string);
  for (size_t i = count; i < n; i++) free(names[i]);
  *found = n < count ? n : count;
  return names;
}

struct options {
  const char* model;
  const char* images;
  const char* json;
  unsigned count, min_agree, threads, runs, warmup;
  int engine;            /* --engine: Q8_INT8 .. XNN_F32, or -1 (the comparison) */
  int op;                /* --op: op index run alone --op-runs times after the inferences, or -1 */
  unsigned op_runs;
  bool list_ops;
};

/* The fixed input of `q8rt bench` (uint8 NHWC), and dequantized (NHWC floats) for the float engines. */
static void fixed_input(const struct q8rt_blob_tensor* in, uint8_t* u8, float* f32) {
  const size_t count = (size_t) q8rt_blob_tensor_elements(in);
  uint32_t state = 12345;
  for (size_t i = 0; i < count; i++) {
    state = state * 1664525u + 1013904223u;
    u8[i] = (uint8_t) (state >> 24);
    f32[i] = (float) ((int32_t) u8[i] - (int32_t) in->zero_point) * in->scale;
  }
}

/* --list-ops: one CSV line per op (index, type, kernel, output shape, MACs), for bench/insn-count.sh. */
static void list_ops(const q8rt_model* model) {
  printf("index,type,kernel,stride,output,macs\n");
  for (uint32_t i = 0; i < model->op_count; i++) {
    struct q8rt_op_info oi;
    q8rt_model_get_op_info(model, i, &oi);
    printf("%u,%s,%ux%u,%u,%ux%ux%u,%llu\n", i, oi.type, oi.kernel_h, oi.kernel_w, oi.stride_h, oi.output_dims[1],
           oi.output_dims[2], oi.output_dims[3], (unsigned long long) oi.macs);
  }
}

/* --engine: builds that engine only, runs --runs inferences on the fixed input, then (--op K --op-runs M) op K
 * alone M times on the activations the last inference left, and exits; no image check, no timing. Meant for
 * instruction counting under qemu-user (bench/insn-count.sh): the count at 11 runs minus the count at 1 run is
 * the cost of 10 inferences, whatever the loading, packing and first run cost; the count with --op K --op-runs 10
 * minus the count at 1 run is the cost of 10 runs of op K. */
static int engine_main(const struct options* o, const q8rt_model* model) {
  const int e = o->engine;
  const bool q8 = e == Q8_INT8 || e == Q8_FP32;
  const struct q8rt_blob_header* h = model->view.header;
  const struct q8rt_blob_tensor* in = &model->view.tensors[h->input_tensor];
  const size_t in_n = (size_t) q8rt_blob_tensor_elements(in);
  if (o->op >= 0 && (uint32_t) o->op >= model->op_count) {
    return fail("--op %d: the model has ops 0..%u", o->op, model->op_count - 1);
  }
  uint8_t* input_u8 = malloc(in_n);
  float* input_f32 = malloc(in_n * sizeof(float));
  q8rt_session* sess = NULL;
  struct xnn_net net = {0};
  pthreadpool_t pool = NULL;
  bool xnn_ready = false;
  int rc = 0;
  if (input_u8 == NULL || input_f32 == NULL) rc = fail("out of memory");
  if (rc == 0) fixed_input(in, input_u8, input_f32);
  if (rc == 0 && q8) {
    struct q8rt_session_options so;
    q8rt_session_options_init(&so);
    so.num_threads = o->threads;
    so.precision = e == Q8_INT8 ? Q8RT_PRECISION_INT8 : Q8RT_PRECISION_FP32;
    if (q8rt_session_create(model, &so, &sess) != Q8RT_OK) rc = fail("session: %s", q8rt_last_error());
  } else if (rc == 0) {
    if (xnn_initialize(NULL) != xnn_status_success) rc = fail("xnn_initialize failed");
    xnn_ready = rc == 0;
    if (rc == 0 && o->threads > 1 && (pool = pthreadpool_create(o->threads)) == NULL) rc = fail("pthreadpool_create");
    if (rc == 0) rc = net_build(&net, model, e == XNN_QU8, e == XNN_F32, pool);
    if (rc == 0) {
      memcpy(net.u8[h->input_tensor], input_u8, in_n);
      memcpy(net.f32[h->input_tensor], input_f32, in_n * sizeof(float));
    }
  }
  for (unsigned r = 0; rc == 0 && r < o->runs; r++) {
    if (!q8) {
      rc = net_run(&net, e == XNN_QU8, pool, NULL);
    } else if ((e == Q8_INT8 ? q8rt_session_run(sess, Q8RT_INPUT_U8_NHWC, input_u8, in_n)
                             : q8rt_session_run(sess, Q8RT_INPUT_F32_NHWC, input_f32, in_n * sizeof(float))) != Q8RT_OK) {
      rc = fail("q8rt_session_run: %s", q8rt_last_error());
    }
  }
  if (rc == 0 && o->op >= 0) {
    /* The op alone, as q8rt_session_run / net_run run it (internal session structs, src/runtime/session.h). */
    const uint32_t k = (uint32_t) o->op, type = model->ops[k].rec->type;
    const struct q8rt_op_impl* impl = e == Q8_FP32 ? q8rt_op_impl_f32_for(type) : q8rt_op_impl_for(type);
    const xnn_operator_t xop = q8 ? NULL : e == XNN_QU8 ? net.qu8[k] : net.fp32[k];
    for (unsigned r = 0; rc == 0 && r < o->op_runs; r++) {
      if (q8) {
        impl->run(&sess->ctx, sess->plans[k]);
      } else if (xop != NULL && xnn_run_operator(xop, pool) != xnn_status_success) {
        rc = fail("op %u: xnn_run_operator failed", k);
      }
    }
  }
  if (rc == 0) {
    printf("%s: %u inference%s", engine_names[e], o->runs, o->runs == 1 ? "" : "s");
    if (o->op >= 0) printf(", then op %d alone %u time%s", o->op, o->op_runs, o->op_runs == 1 ? "" : "s");
    printf("\n");
  }
  net_free(&net);
  if (pool != NULL) pthreadpool_destroy(pool);
  if (xnn_ready) xnn_deinitialize();
  q8rt_session_free(sess);
  free(input_u8);
  free(input_f32);
  return rc;
}


static bool parse_uint(const char* opt, const char* s, unsigned lo, unsigned hi, unsigned* out) {
  char* end;
  const unsigned long v = strtoul(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) return fail("%s: '%s' is not in %u..%u", opt, s, lo, hi), false;
  *out = (unsigned) v;
  return true;
}

static int parse_args(int argc, char** argv, struct options* o, char* default_images, size_t size) {
  const char* env = getenv("Q8RT_IMAGES_DIR");
  snprintf(default_images, size, "%s/images", env != NULL && *env ? env : "../shared/data/imagenet-val-1300");
  *o = (struct options){.images = default_images, .count = 50, .min_agree = 0, .threads = 1, .runs = 50, .warmup = 5,
                        .engine = -1, .op = -1, .op_runs = 0};
  bool min_agree_set = false;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const bool has_value = i + 1 < argc;
    if (strcmp(a, "--help") == 0) {
      printf("usage: xnnpack_compare MODEL.q8rt [--images DIR] [--count N] [--min-agree N] [--threads N]\n"
             "                       [--runs R] [--warmup W] [--json FILE]\n"
             "Builds the q8rt model with XNNPACK's operators (QU8 and F32), checks top-1 agreement with q8rt on N\n"
             "images of DIR (default $Q8RT_IMAGES_DIR/images, 50 images, fail below --min-agree, default 90%% of N)\n"
             "and times q8rt int8, q8rt fp32, XNNPACK QU8 and XNNPACK F32 alternately (default 1 thread, 50 runs\n"
             "after 5 warm-up rounds).\n"
             "       xnnpack_compare MODEL.q8rt --engine q8rt-int8|q8rt-fp32|xnnpack-qu8|xnnpack-f32 [--runs N]\n"
             "                       [--threads N] [--op K --op-runs M]\n"
             "Builds that engine only, runs exactly N inferences (default 50) on the fixed input of the timing step,\n"
             "then op K alone M times, and exits (no image check, no timing): for counting instructions under\n"
             "qemu-user (bench/insn-count.sh).\n"
             "       xnnpack_compare MODEL.q8rt --list-ops\n"
             "Prints the ops as CSV (index, type, kernel, stride, output HxWxC, MACs).\n");
      exit(0);
    } else if ((strcmp(a, "--images") == 0 || strcmp(a, "--json") == 0) && has_value) {
      *(strcmp(a, "--images") == 0 ? &o->images : &o->json) = argv[++i];
    } else if (strcmp(a, "--count") == 0 && has_value) {
      if (!parse_uint(a, argv[++i], 0, 100000, &o->count)) return 1;
    } else if (strcmp(a, "--min-agree") == 0 && has_value) {
      if (!parse_uint(a, argv[++i], 0, 100000, &o->min_agree)) return 1;
      min_agree_set = true;
    } else if (strcmp(a, "--threads") == 0 && has_value) {
      if (!parse_uint(a, argv[++i], 1, 1024, &o->threads)) return 1;
    } else if (strcmp(a, "--runs") == 0 && has_value) {
      if (!parse_uint(a, argv[++i], 1, 1000000, &o->runs)) return 1;
    } else if (strcmp(a, "--warmup") == 0 && has_value) {
      if (!parse_uint(a, argv[++i], 0, 1000000, &o->warmup)) return 1;
    } else if (strcmp(a, "--engine") == 0 && has_value) {
      const char* name = argv[++i];
      for (int e = 0; e < ENGINES; e++) {
        if (strcmp(name, engine_args[e]) == 0) o->engine = e;
      }
      if (o->engine < 0) {
        return fail("--engine: '%s' is not one of %s, %s, %s, %s", name, engine_args[0], engine_args[1],
                    engine_args[2], engine_args[3]);
      }
    } else if (strcmp(a, "--op") == 0 && has_value) {
      unsigned v;
      if (!parse_uint(a, argv[++i], 0, Q8RT_BLOB_MAX_OPS - 1, &v)) return 1;
      o->op = (int) v;
    } else if (strcmp(a, "--op-runs") == 0 && has_value) {
      if (!parse_uint(a, argv[++i], 0, 1000000, &o->op_runs)) return 1;
    } else if (strcmp(a, "--list-ops") == 0) {
      o->list_ops = true;
    } else if (a[0] != '-' && o->model == NULL) {
      o->model = a;
    } else {
      return fail("unexpected argument '%s' (see --help)", a);
    }
  }
  if (o->model == NULL) return fail("missing MODEL (see --help)");
  if ((o->op >= 0 || o->op_runs > 0) && o->engine < 0) return fail("--op and --op-runs need --engine");
  if ((o->op >= 0) != (o->op_runs > 0)) return fail("--op K and --op-runs M go together");
  if (!min_agree_set) o->min_agree = (o->count * 9 + 9) / 10;
  return 0;
}

int main(int argc, char** argv) {
  struct options o;
  char default_images[4096];
  if (parse_args(argc, argv, &o, default_images, sizeof default_images) != 0) return 1;

  q8rt_model* model = NULL;
  q8rt_session* sess[2] = {NULL, NULL};
  struct xnn_net net = {0};
  pthreadpool_t pool = NULL;
  bool xnn_ready = false;
  char** images = NULL;
  size_t image_count = 0;
  float* image = NULL;
  uint8_t* image_u8 = NULL;
  double* samples = NULL;  /* [ENGINES][runs] */
  double* op_samples = NULL; /* [ENGINES][runs][op_count] */
  double* scratch = NULL;
  double* op_median = NULL; /* [ENGINES][op_count] */
  FILE* json = NULL;
  int rc = 0;

  q8rt_status status = q8rt_model_load_file(o.model, &model);
  if (status != Q8RT_OK) return fail("%s", q8rt_last_error());
  if (o.list_ops || o.engine >= 0) {
    if (o.list_ops) list_ops(model);
    const int engine_rc = o.engine >= 0 ? engine_main(&o, model) : 0;
    q8rt_model_free(model);
    return engine_rc;
  }
  for (int p = 0; p < 2 && rc == 0; p++) {
    struct q8rt_session_options so;
    q8rt_session_options_init(&so);
    so.num_threads = o.threads;
    so.precision = p == 0 ? Q8RT_PRECISION_INT8 : Q8RT_PRECISION_FP32;
    so.profile = 1;
    status = q8rt_session_create(model, &so, &sess[p]);
    if (status != Q8RT_OK) rc = fail("%s session: %s", p == 0 ? "int8" : "fp32", q8rt_last_error());
  }
  if (rc == 0 && xnn_initialize(NULL) != xnn_status_success) rc = fail("xnn_initialize failed");
  xnn_ready = rc == 0;
  if (rc == 0 && o.threads > 1 && (pool = pthreadpool_create(o.threads)) == NULL) rc = fail("pthreadpool_create");
  if (rc == 0) rc = net_build(&net, model, true, true, pool);

  const struct q8rt_blob_header* h = model->view.header;
  const struct q8rt_blob_tensor* in = &model->view.tensors[h->input_tensor];
  const size_t in_h = in->dims[1], in_w = in->dims[2], in_c = in->dims[3];
  const size_t pixels = in_h * in_w, in_n = pixels * in_c;
  const uint32_t classes = model->num_classes, op_count = model->op_count;
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);

  /* ---- 1. top-1 agreement on real images ---- */
  unsigned agree_q = 0, agree_f = 0, agree_q8 = 0, identical_logits = 0, images_run = 0;
  unsigned max_logit_diff = 0;
  double sum_logit_diff = 0, max_f32_rel = 0;
  if (rc == 0 && o.count > 0) {
    images = list_images(o.images, o.count, &image_count);
    if (images == NULL) rc = 1;
    else if (image_count == 0) rc = fail("%s: no JPEG images", o.images);
  }
  image = rc == 0 ? malloc(in_n * sizeof *image) : NULL;
  image_u8 = rc == 0 ? malloc(in_n) : NULL;
  float* logits_f = rc == 0 ? malloc(classes * sizeof *logits_f) : NULL;
  if (rc == 0 && (image == NULL || image_u8 == NULL || logits_f == NULL)) rc = fail("out of memory");
  for (size_t k = 0; rc == 0 && k < image_count; k++) {
    char err[512];
    if (q8rt_image_load_preprocessed(images[k], &mi.preprocess, image, err, sizeof err) != 0) {
      rc = fail("%s", err);
      break;
    }
    /* Quantized like Int8Quantize (q8rt's own function), into the QU8 input; transposed to NHWC floats for F32. */
    q8rt_quantize_f32(image, in_n, in_c, pixels, 1, in->scale, in->zero_point, image_u8);
    memcpy(net.u8[h->input_tensor], image_u8, in_n);
    float* xf = net.f32[h->input_tensor];
    for (size_t p = 0; p < pixels; p++) {
      for (size_t c = 0; c < in_c; c++) xf[p * in_c + c] = image[c * pixels + p];
    }
    if (q8rt_session_run(sess[0], Q8RT_INPUT_U8_NHWC, image_u8, in_n) != Q8RT_OK ||
        q8rt_session_run(sess[1], Q8RT_INPUT_F32_NCHW, image, in_n * sizeof(float)) != Q8RT_OK) {
      rc = fail("q8rt_session_run: %s", q8rt_last_error());
      break;
    }
    if (net_run(&net, true, pool, NULL) != 0 || net_run(&net, false, pool, NULL) != 0) {
      rc = 1;
      break;
    }
    const uint8_t* ql;
    q8rt_session_get_logits(sess[0], &ql, NULL, NULL);
    const uint8_t* xl = net.u8[h->logits_tensor];
    const float* xfl = net.f32[h->logits_tensor];
    q8rt_session_get_logits_f32(sess[1], logits_f, classes);
    const uint32_t top_q8 = argmax_u8(ql, classes), top_xq = argmax_u8(xl, classes);
    const uint32_t top_f32 = argmax_f32(logits_f, classes), top_xf = argmax_f32(xfl, classes);
    agree_q += top_q8 == top_xq;
    agree_f += top_f32 == top_xf;
    agree_q8 += top_q8 == top_f32;
    identical_logits += memcmp(ql, xl, classes) == 0;
    double max_abs = 0;
    for (uint32_t c = 0; c < classes; c++) {
      const unsigned d = (unsigned) abs((int) ql[c] - (int) xl[c]);
      max_logit_diff = d > max_logit_diff ? d : max_logit_diff;
      sum_logit_diff += d;
      max_abs = fmax(max_abs, fabs((double) logits_f[c]));
    }
    for (uint32_t c = 0; c < classes; c++) {
      const double rel = fabs((double) logits_f[c] - (double) xfl[c]) / (max_abs > 0 ? max_abs : 1.0);
      max_f32_rel = fmax(max_f32_rel, rel);
    }
    images_run++;
  }
  free(logits_f);

  /* ---- 2. latency, alternating the four ---- */
  const size_t per_engine_ops = (size_t) o.runs * op_count;
  if (rc == 0) {
    samples = malloc(sizeof(double) * ENGINES * o.runs);
    op_samples = malloc(sizeof(double) * ENGINES * per_engine_ops);
    scratch = malloc(sizeof(double) * o.runs);
    if (samples == NULL || op_samples == NULL || scratch == NULL) rc = fail("out of memory");
  }
  if (rc == 0) {
    fixed_input(in, image_u8, image); /* outside the timing */
    memcpy(net.u8[h->input_tensor], image_u8, in_n);
    memcpy(net.f32[h->input_tensor], image, in_n * sizeof(float));
  }
  for (unsigned r = 0; rc == 0 && r < o.warmup + o.runs; r++) {
    const bool timed = r >= o.warmup;
    for (int e = 0; e < ENGINES && rc == 0; e++) {
      double* op_ms = timed ? op_samples + (size_t) e * per_engine_ops + (size_t) (r - o.warmup) * op_count : NULL;
      const double t0 = now_ms();
      if (e == Q8_INT8 || e == Q8_FP32) {
        status = e == Q8_INT8 ? q8rt_session_run(sess[0], Q8RT_INPUT_U8_NHWC, image_u8, in_n)
                              : q8rt_session_run(sess[1], Q8RT_INPUT_F32_NHWC, image, in_n * sizeof(float));
        if (status != Q8RT_OK) rc = fail("q8rt_session_run: %s", q8rt_last_error());
      } else {
        rc = net_run(&net, e == XNN_QU8, pool, op_ms);
      }
      const double t1 = now_ms();
      if (rc == 0 && timed) {
        samples[(size_t) e * o.runs + (r - o.warmup)] = t1 - t0;
        if (e == Q8_INT8 || e == Q8_FP32) {
          q8rt_session_get_op_times(sess[e == Q8_INT8 ? 0 : 1], op_ms, op_count);
        }
      }
    }
  }

  if (rc == 0) {
    double median[ENGINES], min[ENGINES], p90[ENGINES];
    for (int e = 0; e < ENGINES; e++) {
      memcpy(scratch, samples + (size_t) e * o.runs, sizeof(double) * o.runs);
      median[e] = stats(scratch, o.runs, NULL, &p90[e]);
      min[e] = scratch[0];
    }
    /* Ratios: per round, then median and 10th-90th percentiles. */
    static const int ratio_pairs[3][2] = {{Q8_INT8, XNN_QU8}, {Q8_FP32, XNN_F32}, {Q8_FP32, Q8_INT8}};
    static const char* const ratio_names[3] = {"q8rt int8 / XNNPACK QU8", "q8rt fp32 / XNNPACK F32",
                                               "q8rt fp32 / q8rt int8"};
    static const char* const ratio_keys[3] = {"q8rt_int8_over_xnnpack_qu8", "q8rt_fp32_over_xnnpack_f32",
                                              "q8rt_fp32_over_q8rt_int8"};
    double rmed[3], r10[3], r90[3];
    for (int k = 0; k < 3; k++) {
      for (unsigned r = 0; r < o.runs; r++) {
        scratch[r] = samples[(size_t) ratio_pairs[k][0] * o.runs + r] / samples[(size_t) ratio_pairs[k][1] * o.runs + r];
      }
      rmed[k] = stats(scratch, o.runs, &r10[k], &r90[k]);
    }
    printf("%s: %u ops, %.1f M MACs; XNNPACK %s (Debian libxnnpack0), %u thread%s; load average %.2f\n", o.model,
           op_count, (double) mi.macs / 1e6, "0.0~git20220216", o.threads, o.threads == 1 ? "" : "s", load_average());
    if (images_run > 0) {
      printf("top-1 agreement on %u images of %s:\n", images_run, o.images);
      printf("  q8rt int8 vs XNNPACK QU8   %u/%u   (identical uint8 logits on %u images; |diff| mean %.3f, max %u "
             "quanta)\n",
             agree_q, images_run, identical_logits, sum_logit_diff / ((double) images_run * classes), max_logit_diff);
      printf("  q8rt fp32 vs XNNPACK F32   %u/%u   (max |logit diff| / max |logit|: %.2e)\n", agree_f, images_run,
             max_f32_rel);
      printf("  q8rt int8 vs q8rt fp32     %u/%u\n", agree_q8, images_run);
    }
    printf("latency, batch 1, %u alternating rounds (+%u warm-up), ms:\n", o.runs, o.warmup);
    printf("  %-12s %9s %9s %9s\n", "", "median", "min", "p90");
    for (int e = 0; e < ENGINES; e++) printf("  %-12s %9.3f %9.3f %9.3f\n", engine_names[e], median[e], min[e], p90[e]);
    printf("ratios (median of the per-round ratios, p10-p90):\n");
    for (int k = 0; k < 3; k++) printf("  %-24s %6.3f  (%.3f - %.3f)\n", ratio_names[k], rmed[k], r10[k], r90[k]);

    /* Per-op medians of each engine, and their sums by op kind ("conv 1x1", "dwconv 3x3", "add", ...). */
    op_median = malloc(sizeof(double) * ENGINES * op_count);
    if (op_median == NULL) rc = fail("out of memory");
    enum { MAX_KINDS = 32 };
    char kinds[MAX_KINDS][32];
    size_t kind_count = 0;
    unsigned kind_ops[MAX_KINDS] = {0};
    double kind_ms[MAX_KINDS][ENGINES] = {{0}};
    for (uint32_t i = 0; rc == 0 && i < op_count; i++) {
      struct q8rt_op_info oi;
      q8rt_model_get_op_info(model, i, &oi);
      char kind[32];
      if (strcmp(oi.type, "conv") == 0 || strcmp(oi.type, "dwconv") == 0) {
        snprintf(kind, sizeof kind, "%s %ux%u", oi.type, oi.kernel_h, oi.kernel_w);
      } else {
        snprintf(kind, sizeof kind, "%s", oi.type);
      }
      size_t k = 0;
      while (k < kind_count && strcmp(kinds[k], kind) != 0) k++;
      if (k == kind_count && kind_count < MAX_KINDS) memcpy(kinds[kind_count++], kind, sizeof kind);
      if (k < kind_count) kind_ops[k]++;
      for (int e = 0; e < ENGINES; e++) {
        for (unsigned r = 0; r < o.runs; r++) scratch[r] = op_samples[(size_t) e * per_engine_ops + (size_t) r * op_count + i];
        op_median[(size_t) e * op_count + i] = stats(scratch, o.runs, NULL, NULL);
        if (k < kind_count) kind_ms[k][e] += op_median[(size_t) e * op_count + i];
      }
    }
    if (rc == 0) {
      printf("by op kind (sum of per-op medians, ms):\n");
      printf("  %-12s %4s %10s %12s %6s %10s %12s %6s\n", "kind", "ops", "q8rt int8", "XNNPACK QU8", "ratio",
             "q8rt fp32", "XNNPACK F32", "ratio");
      for (size_t k = 0; k < kind_count; k++) {
        const double* t = kind_ms[k];
        printf("  %-12s %4u %10.3f %12.3f %6.2f %10.3f %12.3f %6.2f\n", kinds[k], kind_ops[k], t[Q8_INT8], t[XNN_QU8],
               t[XNN_QU8] > 0 ? t[Q8_INT8] / t[XNN_QU8] : 0.0, t[Q8_FP32], t[XNN_F32],
               t[XNN_F32] > 0 ? t[Q8_FP32] / t[XNN_F32] : 0.0);
      }
    }

    if (rc == 0 && o.json != NULL) {
      json = fopen(o.json, "w");
      if (json == NULL) {
        rc = fail("%s: cannot write", o.json);
      } else {
        fprintf(json, "{\n\"model\":");
        json_string(json, o.model);
        fprintf(json, ",\"xnnpack\":\"0.0~git20220216 (Debian)\",\"threads\":%u,\"runs\":%u,\"warmup\":%u,"
                      "\"macs\":%llu,\"ops\":%u,\"loadavg_1min\":%.2f,\n",
                o.threads, o.runs, o.warmup, (unsigned long long) mi.macs, op_count, load_average());
        fprintf(json, "\"agreement\":{\"images\":%u,\"dir\":", images_run);
        json_string(json, o.images);
        fprintf(json, ",\"top1_q8rt_int8_vs_xnnpack_qu8\":%u,"
                      "\"top1_q8rt_fp32_vs_xnnpack_f32\":%u,\"top1_q8rt_int8_vs_q8rt_fp32\":%u,"
                      "\"identical_uint8_logits\":%u,\"mean_abs_logit_diff_quanta\":%.4f,\"max_abs_logit_diff_quanta\":%u,"
                      "\"max_rel_f32_logit_diff\":%.3e,\"min_agree\":%u},\n",
                agree_q, agree_f, agree_q8, identical_logits,
                images_run ? sum_logit_diff / ((double) images_run * classes) : 0.0, max_logit_diff, max_f32_rel,
                o.min_agree);
        fprintf(json, "\"latency_ms\":{");
        for (int e = 0; e < ENGINES; e++) {
          fprintf(json, "%s\n\"%s\":{\"median\":%.4f,\"min\":%.4f,\"p90\":%.4f,\"samples\":[", e ? "," : "",
                  engine_keys[e], median[e], min[e], p90[e]);
          for (unsigned r = 0; r < o.runs; r++) fprintf(json, "%s%.4f", r ? "," : "", samples[(size_t) e * o.runs + r]);
          fprintf(json, "]}");
        }
        fprintf(json, "},\n\"ratios\":{");
        for (int k = 0; k < 3; k++) {
          fprintf(json, "%s\n\"%s\":{\"median\":%.4f,\"p10\":%.4f,\"p90\":%.4f}", k ? "," : "", ratio_keys[k], rmed[k],
                  r10[k], r90[k]);
        }
        fprintf(json, "},\n\"layers\":[\n");
        for (uint32_t i = 0; i < op_count; i++) {
          struct q8rt_op_info oi;
          q8rt_model_get_op_info(model, i, &oi);
          fprintf(json, "{\"index\":%u,\"type\":\"%s\",\"macs\":%llu", i, oi.type, (unsigned long long) oi.macs);
          for (int e = 0; e < ENGINES; e++) {
            fprintf(json, ",\"%s_ms\":%.5f", engine_keys[e], op_median[(size_t) e * op_count + i]);
          }
          fprintf(json, "}%s\n", i + 1 < op_count ? "," : "");
        }
        fprintf(json, "]\n}\n");
        if (fclose(json) != 0) rc = fail("%s: write error", o.json);
      }
    }
    if (rc == 0 && images_run > 0 && agree_q < o.min_agree) {
      rc = fail("top-1 agreement q8rt int8 vs XNNPACK QU8 is %u/%u, below %u", agree_q, images_run, o.min_agree);
    }
  }

  free(samples);
  free(op_samples);
  free(op_median);
  free(scratch);
  free(image);
  free(image_u8);
  for (size_t k = 0; images != NULL && k < image_count; k++) free(images[k]);
  free(images);
  net_free(&net);
  if (pool != NULL) pthreadpool_destroy(pool);
  if (xnn_ready) xnn_deinitialize();
  q8rt_session_free(sess[0]);
  q8rt_session_free(sess[1]);
  q8rt_model_free(model);
  return rc;
}

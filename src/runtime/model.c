/* Model loading: the blob container is checked by q8rt_blob_parse; here every op is checked for the
 * shapes, dtypes and parameters the operators and micro-kernels rely on, and its parameters computed. */
#define _DEFAULT_SOURCE /* madvise */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/common.h"
#include "../ops/ops.h"
#include "../pack/packers.h"
#include "../quant/qparams.h"

static const char* op_type_name(uint32_t type) {
  switch (type) {
    case Q8RT_OP_CONV: return "conv";
    case Q8RT_OP_DWCONV: return "dwconv";
    case Q8RT_OP_FC: return "fc";
    case Q8RT_OP_ADD: return "add";
    case Q8RT_OP_AVGPOOL: return "avgpool";
    case Q8RT_OP_SOFTMAX: return "softmax";
    case Q8RT_OP_DEQUANTIZE: return "dequantize";
  }
  return "unknown";
}

const char* q8rt_op_type_name(uint32_t type) { return op_type_name(type); }

#define FAIL(...) q8rt_error(Q8RT_ERROR_INVALID_MODEL, __VA_ARGS__)

static const struct q8rt_blob_tensor* act(const struct q8rt_blob_view* v, uint32_t index, uint8_t dtype) {
  if (index == Q8RT_BLOB_NONE) return NULL;
  const struct q8rt_blob_tensor* t = &v->tensors[index];
  return t->kind == Q8RT_TENSOR_ACTIVATION && t->dtype == dtype ? t : NULL;
}

/* Output extent of a window: floor((in + pads - kernel) / stride) + 1, or 0 if the window does not fit. */
static uint32_t out_extent(uint32_t in, uint32_t pad0, uint32_t pad1, uint32_t kernel, uint32_t stride) {
  const uint32_t padded = in + pad0 + pad1;
  return padded < kernel ? 0 : (padded - kernel) / stride + 1;
}

static q8rt_status check_window(const char* what, uint32_t i, const struct q8rt_blob_op* r, const uint32_t xd[4],
                                const uint32_t yd[4], uint32_t out_channels) {
  if (r->kernel_h == 0 || r->kernel_w == 0 || r->stride_h == 0 || r->stride_w == 0 || r->dilation_h != 1 ||
      r->dilation_w != 1 || r->pad_top >= r->kernel_h || r->pad_bottom >= r->kernel_h ||
      r->pad_left >= r->kernel_w || r->pad_right >= r->kernel_w) {
    return FAIL("%s: op %u (%s): kernel %ux%u, stride %ux%u, dilation %ux%u or padding not supported", what, i,
                op_type_name(r->type), r->kernel_h, r->kernel_w, r->stride_h, r->stride_w, r->dilation_h,
                r->dilation_w);
  }
  const uint32_t oh = out_extent(xd[1], r->pad_top, r->pad_bottom, r->kernel_h, r->stride_h);
  const uint32_t ow = out_extent(xd[2], r->pad_left, r->pad_right, r->kernel_w, r->stride_w);
  if (xd[0] != 1 || yd[0] != 1 || yd[1] != oh || yd[2] != ow || yd[3] != out_channels) {
    return FAIL("%s: op %u (%s): output shape [%u,%u,%u,%u], expected [1,%u,%u,%u]", what, i, op_type_name(r->type),
                yd[0], yd[1], yd[2], yd[3], oh, ow, out_channels);
  }
  return Q8RT_OK;
}

static q8rt_status check_op(struct q8rt_model* m, uint32_t i, const char* what) {
  const struct q8rt_blob_view* v = &m->view;
  struct q8rt_model_op* op = &m->ops[i];
  const struct q8rt_blob_op* r = &v->ops[i];
  op->rec = r;
  op->index = i;
  const bool dequantize = r->type == Q8RT_OP_DEQUANTIZE;
  op->x = act(v, r->inputs[0], Q8RT_DTYPE_U8);
  op->y = act(v, r->output, dequantize ? Q8RT_DTYPE_F32 : Q8RT_DTYPE_U8);
  if (op->x == NULL || op->y == NULL || r->output_min > r->output_max) {
    return FAIL("%s: op %u (%s): input/output tensors of the wrong kind or dtype, or output_min > output_max", what,
                i, op_type_name(r->type));
  }
  uint32_t xd[4], yd[4];
  q8rt_tensor_nhwc(op->x, xd);
  q8rt_tensor_nhwc(op->y, yd);
  const float xs = op->x->scale, ys = op->y->scale;
  switch (r->type) {
    case Q8RT_OP_CONV:
    case Q8RT_OP_DWCONV:
    case Q8RT_OP_FC: {
      const struct q8rt_blob_tensor* w = r->inputs[1] == Q8RT_BLOB_NONE ? NULL : &v->tensors[r->inputs[1]];
      const struct q8rt_blob_tensor* b = r->inputs[2] == Q8RT_BLOB_NONE ? NULL : &v->tensors[r->inputs[2]];
      if (w == NULL || w->kind != Q8RT_TENSOR_CONSTANT || w->dtype != Q8RT_DTYPE_U8) {
        return FAIL("%s: op %u (%s): missing uint8 weight tensor", what, i, op_type_name(r->type));
      }
      if (b != NULL && (b->kind != Q8RT_TENSOR_CONSTANT || b->dtype != Q8RT_DTYPE_I32 || b->dims[0] != w->dims[0])) {
        return FAIL("%s: op %u (%s): the bias must be an int32 tensor [%u] (one per output channel)", what, i,
                    op_type_name(r->type), w->dims[0]);
      }
      op->w = w;
      op->b = b;
      op->weights = v->data + w->data_offset;
      op->bias = b != NULL ? (const int32_t*) (const void*) (v->data + b->data_offset) : NULL;
      q8rt_status status = Q8RT_OK;
      if (r->type == Q8RT_OP_FC) {
        const uint64_t k = q8rt_blob_tensor_elements(op->x) / xd[0];
        if (w->rank != 2 || w->dims[1] != k || op->y->rank != 2 || op->y->dims[0] != xd[0] ||
            op->y->dims[1] != w->dims[0]) {
          return FAIL("%s: op %u (fc): weights [%u,%u] do not match input (K=%llu) or output", what, i, w->dims[0],
                      w->dims[1], (unsigned long long) k);
        }
        op->macs = (uint64_t) xd[0] * w->dims[0] * w->dims[1];
      } else if (r->type == Q8RT_OP_CONV) {
        if (w->rank != 4 || w->dims[1] != r->kernel_h || w->dims[2] != r->kernel_w || w->dims[3] != xd[3] ||
            r->groups != 1 || op->x->rank != 4 || op->y->rank != 4) {
          return FAIL("%s: op %u (conv): weights [%u,%u,%u,%u] do not match kernel %ux%u / %u input channels", what,
                      i, w->dims[0], w->dims[1], w->dims[2], w->dims[3], r->kernel_h, r->kernel_w, xd[3]);
        }
        status = check_window(what, i, r, xd, yd, w->dims[0]);
        op->macs = (uint64_t) yd[1] * yd[2] * yd[3] * r->kernel_h * r->kernel_w * xd[3];
      } else {
        if (r->kernel_h != 3 || r->kernel_w != 3 || w->rank != 4 || w->dims[0] != xd[3] || w->dims[1] != 3 ||
            w->dims[2] != 3 || w->dims[3] != 1 || r->groups != xd[3] ||
            op->x->rank != 4 || op->y->rank != 4) {
          return FAIL("%s: op %u (dwconv): only 3x3 depthwise with weights [C,3,3,1] is supported", what, i);
        }
        status = check_window(what, i, r, xd, yd, xd[3]);
        op->macs = (uint64_t) yd[1] * yd[2] * yd[3] * 9;
      }
      if (status != Q8RT_OK) return status;
      const bool ok = r->rule == Q8RT_BLOB_RULE_CAFFE2
                          ? q8rt_conv_params_init(&op->params.conv, xs, w->scale, ys, w->zero_point,
                                                  op->y->zero_point, r->output_min, r->output_max)
                          : q8rt_tflite_conv_params_init(&op->params.conv, xs, w->scale, ys, w->zero_point,
                                                         op->y->zero_point, r->output_min, r->output_max,
                                                         (enum q8rt_requant_rule) r->rule);
      if (!ok) {
        return q8rt_error(Q8RT_ERROR_UNSUPPORTED,
                          "%s: op %u (%s): requantization scale %g outside [2^-32, 1) supported by the kernels", what,
                          i, op_type_name(r->type), (double) q8rt_conv_scale(xs, w->scale, ys));
      }
      struct q8rt_pack_src src;
      q8rt_op_pack_src(op, &src);
      if (!q8rt_pack_bias_fits(&src)) {
        return FAIL("%s: op %u (%s): a bias folded with the input zero point %u overflows int32", what, i,
                    op_type_name(r->type), op->x->zero_point);
      }
      m->weight_bytes += w->data_size + (b != NULL ? b->data_size : 0);
      break;
    }
    case Q8RT_OP_ADD: {
      op->x2 = act(v, r->inputs[1], Q8RT_DTYPE_U8);
      if (op->x2 == NULL || r->inputs[2] != Q8RT_BLOB_NONE ||
          q8rt_blob_tensor_elements(op->x2) != q8rt_blob_tensor_elements(op->x) ||
          q8rt_blob_tensor_elements(op->y) != q8rt_blob_tensor_elements(op->x)) {
        return FAIL("%s: op %u (add): inputs and output must be uint8 tensors of one size", what, i);
      }
      if (r->rule != Q8RT_BLOB_RULE_CAFFE2) {
        if (!q8rt_tflite_add_params_init(&op->params.tflite_add, op->x->zero_point, xs, op->x2->zero_point,
                                         op->x2->scale, op->y->zero_point, ys, r->output_min, r->output_max,
                                         (enum q8rt_requant_rule) r->rule)) {
          return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: op %u (add): scales unsupported by TFLite's uint8 ADD",
                            what, i);
        }
      } else if (!q8rt_add_params_init(&op->params.add, op->x->zero_point, xs, op->x2->zero_point, op->x2->scale,
                                       op->y->zero_point, ys, r->output_min, r->output_max)) {
        return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: op %u (add): input/output scale ratios outside [2^-14, 2^8)",
                          what, i);
      }
      break;
    }
    case Q8RT_OP_AVGPOOL: {
      if (r->inputs[1] != Q8RT_BLOB_NONE || op->x->rank != 4 || op->y->rank != 4) {
        return FAIL("%s: op %u (avgpool): needs one NHWC input and output", what, i);
      }
      uint32_t pool = 0;
      if (r->flags & Q8RT_OP_FLAG_GLOBAL) {
        if (yd[0] != 1 || yd[1] != 1 || yd[2] != 1 || yd[3] != xd[3] || xd[0] != 1) {
          return FAIL("%s: op %u (avgpool): global pooling output must be [1,1,1,C]", what, i);
        }
        pool = (uint64_t) xd[1] * xd[2] > (1u << 24) ? UINT32_MAX : xd[1] * xd[2]; /* no uint32 wrap */
      } else {
        q8rt_status status = check_window(what, i, r, xd, yd, xd[3]);
        if (status != Q8RT_OK) return status;
        pool = (uint32_t) r->kernel_h * r->kernel_w;
      }
      if (r->rule != Q8RT_BLOB_RULE_CAFFE2) { /* TFLite: (sum + n / 2) / n, one scale and zero point */
        if (pool > (1u << 23) || op->y->scale != xs || op->y->zero_point != op->x->zero_point) {
          return FAIL("%s: op %u (avgpool): TFLite average pooling needs equal input and output quantization", what,
                      i);
        }
        break;
      }
      if (pool > (1u << 24) ||
          !q8rt_avgpool_params_init(&op->params.pool, pool, op->x->zero_point, xs, op->y->zero_point, ys,
                                    r->output_min, r->output_max)) {
        return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: op %u (avgpool): scale ratio or pooling size unsupported",
                          what, i);
      }
      break;
    }
    case Q8RT_OP_SOFTMAX:
      if (r->inputs[1] != Q8RT_BLOB_NONE || xd[1] != 1 || xd[2] != 1 || yd[1] != 1 || yd[2] != 1 ||
          xd[0] != yd[0] || xd[3] != yd[3] || op->y->scale != 0x1.0p-8f || op->y->zero_point != 0) {
        return FAIL("%s: op %u (softmax): needs [N,C] (or [N,1,1,C]) input and output with scale 1/256, zero "
                    "point 0", what, i);
      }
      if (r->rule != Q8RT_BLOB_RULE_CAFFE2) {
        if (!q8rt_tflite_softmax_params_init(&op->params.tflite_softmax, 1.0f, xs,
                                             (enum q8rt_requant_rule) r->rule)) {
          return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: op %u (softmax): input scale %g unsupported by TFLite's "
                            "uint8 softmax", what, i, (double) xs);
        }
        break;
      }
      q8rt_softmax_table_init(op->softmax_table, xd[3], xs);
      break;
    case Q8RT_OP_DEQUANTIZE:
      if (r->inputs[1] != Q8RT_BLOB_NONE ||
          q8rt_blob_tensor_elements(op->y) != q8rt_blob_tensor_elements(op->x)) {
        return FAIL("%s: op %u (dequantize): input and output sizes differ", what, i);
      }
      break;
    default:
      return q8rt_error(Q8RT_ERROR_UNSUPPORTED, "%s: op %u: unknown op type %u", what, i, r->type);
  }
  /* Saturating: ops may share one weight tensor, so the sum is not bounded by the file size. */
  if (__builtin_add_overflow(m->macs, op->macs, &m->macs)) m->macs = UINT64_MAX;
  return Q8RT_OK;
}

/* Single assignment, in order: the input is produced by no op; every other activation an op reads was
 * written by an earlier op; no activation is written twice. */
static q8rt_status check_dataflow(struct q8rt_model* m, const char* what) {
  const struct q8rt_blob_header* h = m->view.header;
  uint8_t* written = q8rt_alloc_zeroed(h->tensor_count, 1);
  if (written == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  q8rt_status status = Q8RT_OK;
  written[h->input_tensor] = 1;
  for (uint32_t i = 0; i < m->op_count && status == Q8RT_OK; i++) {
    const struct q8rt_blob_op* r = m->ops[i].rec;
    for (int j = 0; j < 3; j++) {
      const uint32_t t = r->inputs[j];
      if (t != Q8RT_BLOB_NONE && m->view.tensors[t].kind == Q8RT_TENSOR_ACTIVATION && !written[t]) {
        status = FAIL("%s: op %u (%s) reads tensor %u before any op writes it", what, i, op_type_name(r->type), t);
      }
    }
    if (status == Q8RT_OK && written[r->output]) {
      status = FAIL("%s: op %u (%s) writes tensor %u a second time", what, i, op_type_name(r->type), r->output);
    }
    written[r->output] = 1;
  }
  if (status == Q8RT_OK && (!written[h->logits_tensor] || !written[h->output_tensor])) {
    status = FAIL("%s: the logits or output tensor is never computed", what);
  }
  q8rt_free(written);
  return status;
}

static q8rt_status check_io(struct q8rt_model* m, const char* what) {
  const struct q8rt_blob_header* h = m->view.header;
  const struct q8rt_blob_tensor* in = act(&m->view, h->input_tensor, Q8RT_DTYPE_U8);
  const struct q8rt_blob_tensor* logits = act(&m->view, h->logits_tensor, Q8RT_DTYPE_U8);
  const struct q8rt_blob_tensor* out = act(&m->view, h->output_tensor, Q8RT_DTYPE_F32);
  if (in == NULL || in->rank != 4 || in->dims[0] != 1) {
    return FAIL("%s: the input must be a uint8 NHWC tensor [1,H,W,C]", what);
  }
  /* The logits are the uint8 tensor the probabilities are computed from (for a classifier, the input of
   * the softmax); the output is the float32 tensor with as many elements. */
  if (logits == NULL || out == NULL || q8rt_blob_tensor_elements(out) != q8rt_blob_tensor_elements(logits)) {
    return FAIL("%s: the logits must be uint8 and the output float32 with as many elements", what);
  }
  const bool central = h->preprocess == Q8RT_PREPROCESS_CENTRAL_CROP;
  if (h->crop_height != in->dims[1] || h->crop_width != in->dims[2] ||
      (central ? h->resize_shorter != 0 : h->resize_shorter < h->crop_height || h->resize_shorter < h->crop_width)) {
    return FAIL("%s: preprocessing (crop %ux%u, resize %u) does not match the input [1,%u,%u,%u]", what,
                h->crop_height, h->crop_width, h->resize_shorter, in->dims[1], in->dims[2], in->dims[3]);
  }
  m->num_classes = (uint32_t) q8rt_blob_tensor_elements(logits);
  if (h->class_offset >= m->num_classes) {
    return FAIL("%s: class offset %u for %u outputs", what, h->class_offset, m->num_classes);
  }
  if (h->label_count != 0 && h->label_count != m->num_classes) {
    return FAIL("%s: %u class names for %u classes", what, h->label_count, m->num_classes);
  }
  if (h->label_count != 0) {
    m->labels = q8rt_alloc_zeroed(h->label_count, sizeof *m->labels);
    if (m->labels == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
    const char* p = m->view.labels;
    for (uint32_t c = 0; c < h->label_count; c++) {
      m->labels[c] = p;
      p += strlen(p) + 1;
    }
  }
  return Q8RT_OK;
}

/* Drops the resident pages of [p, p + n) of a file mapping (rounded out to whole pages): clean private pages of a
 * read-only mapping are read from the file again on the next access. */
static void release_mapped(void* ctx, const void* p, size_t n) {
  const struct q8rt_model* m = ctx;
  const uintptr_t page = (uintptr_t) sysconf(_SC_PAGESIZE);
  const uintptr_t base = (uintptr_t) m->blob, end_all = base + m->blob_size;
  uintptr_t lo = (uintptr_t) p & ~(page - 1), hi = ((uintptr_t) p + n + page - 1) & ~(page - 1);
  if (lo < base) lo = base;
  if (hi > end_all) hi = (end_all + page - 1) & ~(page - 1);
  if (hi > lo) (void) madvise((void*) lo, hi - lo, MADV_DONTNEED);
}

void q8rt_model_release_raw(const q8rt_model* m) {
  if (!m->mapped) return;
  const struct q8rt_blob_view* v = &m->view;
  for (uint32_t i = 0; i < v->header->tensor_count; i++) {
    const struct q8rt_blob_tensor* t = &v->tensors[i];
    if (t->kind == Q8RT_TENSOR_CONSTANT) release_mapped((void*) m, v->data + t->data_offset, t->data_size);
  }
}

static void free_blob(void* blob, size_t size, bool mapped) {
  if (mapped) {
    munmap(blob, size);
  } else {
    q8rt_free(blob);
  }
}

static q8rt_status load_owned(void* blob, size_t size, bool mapped, const char* what, q8rt_model** model) {
  q8rt_model* m = q8rt_alloc_zeroed(1, sizeof *m);
  if (m == NULL) {
    free_blob(blob, size, mapped);
    return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  }
  m->blob = blob;
  m->blob_size = size;
  m->mapped = mapped;
  m->packed = q8rt_weight_cache_create();
  q8rt_status status = m->packed == NULL ? q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "%s: out of memory", what)
                                         : q8rt_blob_parse(blob, size, what, &m->view);
  if (status == Q8RT_OK) {
    m->op_count = m->view.header->op_count;
    m->ops = q8rt_alloc_zeroed(m->op_count, sizeof *m->ops);
    if (m->ops == NULL) status = q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
  }
  for (uint32_t i = 0; status == Q8RT_OK && i < m->op_count; i++) status = check_op(m, i, what);
  if (status == Q8RT_OK) status = check_dataflow(m, what);
  if (status == Q8RT_OK) status = check_io(m, what);
  if (status != Q8RT_OK) {
    q8rt_model_free(m);
    return status;
  }
  if (mapped) q8rt_weight_cache_set_release(m->packed, release_mapped, m);
  *model = m;
  return Q8RT_OK;
}

q8rt_status q8rt_model_load_from_memory(const void* data, size_t size, q8rt_model** model) {
  if (model == NULL) return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_model_load_from_memory: model is NULL");
  *model = NULL;
  if (data == NULL && size != 0) return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_model_load_from_memory: data is NULL");
  if (size > Q8RT_MAX_MODEL_BYTES) {
    return q8rt_error(Q8RT_ERROR_LIMIT, "model: %zu bytes, larger than the %llu-byte cap", size,
                      (unsigned long long) Q8RT_MAX_MODEL_BYTES);
  }
  void* copy = q8rt_alloc_aligned(size == 0 ? 1 : size);
  if (copy == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "model: out of memory for %zu bytes", size);
  if (size != 0) memcpy(copy, data, size);
  return load_owned(copy, size, false, "model", model);
}

/* Files are mapped read-only (MAP_PRIVATE), not copied: once validated, the raw weights' pages are dropped, and
 * each op's are read again only while the weight cache packs them (then dropped again), so a process holds the
 * packed weights but not a second copy of the raw ones. */
q8rt_status q8rt_model_load_file(const char* path, q8rt_model** model) {
  if (model != NULL) *model = NULL;
  if (model == NULL || path == NULL) return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_model_load_file: NULL argument");
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return q8rt_error(Q8RT_ERROR_IO, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return q8rt_error(Q8RT_ERROR_IO, "%s: not a regular file", path);
  }
  if ((uint64_t) st.st_size > Q8RT_MAX_MODEL_BYTES) {
    close(fd);
    return q8rt_error(Q8RT_ERROR_LIMIT, "%s: %lld bytes, larger than the %llu-byte cap", path,
                      (long long) st.st_size, (unsigned long long) Q8RT_MAX_MODEL_BYTES);
  }
  const size_t size = (size_t) st.st_size;
  if (size == 0) { /* nothing to map: the parser reports the empty file */
    close(fd);
    void* empty = q8rt_alloc_aligned(1);
    if (empty == NULL) return q8rt_error(Q8RT_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
    return load_owned(empty, 0, false, path, model);
  }
  void* blob = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  close(fd);
  if (blob == MAP_FAILED) return q8rt_error(Q8RT_ERROR_IO, "%s: cannot map %zu bytes: %s", path, size, strerror(map_errno));
#ifdef MADV_NOHUGEPAGE
  (void) madvise(blob, size, MADV_NOHUGEPAGE); /* small pages, so that released ranges really leave the RSS */
#endif
  q8rt_status status = load_owned(blob, size, true, path, model);
  if (status == Q8RT_OK) q8rt_model_release_raw(*model); /* the checksum pass read them all */
  return status;
}

void q8rt_model_free(q8rt_model* model) {
  if (model == NULL) return;
  q8rt_weight_cache_free(model->packed);
  q8rt_free(model->labels);
  q8rt_free(model->ops);
  free_blob(model->blob, model->blob_size, model->mapped);
  q8rt_free(model);
}

q8rt_status q8rt_model_get_info(const q8rt_model* m, struct q8rt_model_info* info) {
  if (info != NULL) memset(info, 0, sizeof *info);
  if (m == NULL || info == NULL) return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_model_get_info: NULL argument");
  const struct q8rt_blob_header* h = m->view.header;
  const struct q8rt_blob_tensor* in = &m->view.tensors[h->input_tensor];
  info->input_height = in->dims[1];
  info->input_width = in->dims[2];
  info->input_channels = in->dims[3];
  info->input_scale = in->scale;
  info->input_zero_point = in->zero_point;
  info->num_classes = m->num_classes;
  info->op_count = m->op_count;
  info->tensor_count = h->tensor_count;
  info->macs = m->macs;
  info->weight_bytes = m->weight_bytes;
  info->preprocess.resize_shorter = h->resize_shorter;
  info->preprocess.height = h->crop_height;
  info->preprocess.width = h->crop_width;
  info->preprocess.channel_order = h->channel_order == Q8RT_CHANNELS_BGR ? Q8RT_BGR : Q8RT_RGB;
  for (int c = 0; c < 3; c++) {
    info->preprocess.mean[c] = h->mean[c];
    info->preprocess.std[c] = h->std[c];
  }
  info->preprocess.kind = h->preprocess == Q8RT_PREPROCESS_CENTRAL_CROP ? Q8RT_CENTRAL_CROP_TF : Q8RT_RESIZE_SHORTER_CROP;
  info->preprocess.central_fraction = h->crop_fraction;
  info->class_offset = h->class_offset;
  return Q8RT_OK;
}

q8rt_status q8rt_model_get_op_info(const q8rt_model* m, uint32_t index, struct q8rt_op_info* info) {
  if (info != NULL) memset(info, 0, sizeof *info); /* type and output_name NULL on failure */
  if (m == NULL || info == NULL || index >= m->op_count) {
    return q8rt_error(Q8RT_ERROR_INVALID_ARGUMENT, "q8rt_model_get_op_info: bad argument (index %u)", index);
  }
  const struct q8rt_model_op* op = &m->ops[index];
  const struct q8rt_blob_op* r = op->rec;
  info->type = op_type_name(r->type);
  info->output_name = m->view.strings + op->y->name_offset; /* not NUL-terminated: see output_name_size */
  info->output_name_size = op->y->name_size;
  info->source_op = r->source_op;
  q8rt_tensor_nhwc(op->x, info->input_dims);
  q8rt_tensor_nhwc(op->y, info->output_dims);
  info->kernel_h = r->kernel_h;
  info->kernel_w = r->kernel_w;
  info->stride_h = r->stride_h;
  info->stride_w = r->stride_w;
  info->groups = r->groups;
  info->macs = op->macs;
  info->weight_bytes = op->w != NULL ? op->w->data_size + (op->b != NULL ? op->b->data_size : 0) : 0;
  return Q8RT_OK;
}

const char* q8rt_model_class_name(const q8rt_model* m, uint32_t index) {
  if (m == NULL || m->labels == NULL || index >= m->num_classes) return NULL;
  return m->labels[index];
}

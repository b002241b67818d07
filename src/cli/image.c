/* JPEG decoding (libjpeg-turbo) and preprocessing (stb_image_resize) for the CLI. See image.h. */
#include "cli/image.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jerror.h>
#include <jpeglib.h>

/* stb_image_resize: the implementation lives here (static, so it cannot clash with another copy). */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* Memory libjpeg may use for its own buffers (a progressive image keeps all its coefficients:
 * 2 bytes per sample). Past this libjpeg fails cleanly ("Backing store not supported"). */
#define LIBJPEG_MAX_MEMORY (640L << 20)
/* More scans than any sane progressive JPEG has; bounds decode time on hostile input. */
#define LIBJPEG_MAX_SCANS 500

#if defined(__GNUC__) || defined(__clang__)
#define Q8RT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define Q8RT_PRINTF(f, a)
#endif

static int fail(char* err, size_t err_size, const char* fmt, ...) Q8RT_PRINTF(3, 4);
static int fail(char* err, size_t err_size, const char* fmt, ...) {
  if (err != NULL && err_size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* ---- file ------------------------------------------------------------------------------------ */

int q8rt_image_read_file(const char* path, uint8_t** data, size_t* size, char* err, size_t err_size) {
  if (data != NULL) *data = NULL;
  if (size != NULL) *size = 0;
  if (path == NULL || data == NULL || size == NULL) return fail(err, err_size, "(null): invalid argument");

  FILE* f = fopen(path, "rb");
  if (f == NULL) return fail(err, err_size, "%s: cannot open (%s)", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    int e = errno;
    fclose(f);
    return fail(err, err_size, "%s: cannot stat (%s)", path, strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    fclose(f);
    return fail(err, err_size, "%s: is a directory", path);
  }
  size_t cap = 64u << 10;
  if (S_ISREG(st.st_mode)) {
    if (st.st_size == 0) {
      fclose(f);
      return fail(err, err_size, "%s: empty file", path);
    }
    if ((uint64_t) st.st_size > Q8RT_IMAGE_MAX_FILE_BYTES) {
      fclose(f);
      return fail(err, err_size, "%s: file too large (%llu bytes, limit %zu)", path,
                  (unsigned long long) st.st_size, Q8RT_IMAGE_MAX_FILE_BYTES);
    }
    cap = (size_t) st.st_size + 1; /* +1: notices a file that grew, and EOF in one read */
  }

  uint8_t* buf = NULL;
  size_t len = 0;
  for (;;) {
    if (len == cap || buf == NULL) {
      if (buf != NULL) cap = cap * 2;
      if (cap > Q8RT_IMAGE_MAX_FILE_BYTES + 1) cap = Q8RT_IMAGE_MAX_FILE_BYTES + 1;
      uint8_t* nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        fclose(f);
        return fail(err, err_size, "%s: out of memory reading the file", path);
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (len > Q8RT_IMAGE_MAX_FILE_BYTES) {
      free(buf);
      fclose(f);
      return fail(err, err_size, "%s: file too large (limit %zu bytes)", path, Q8RT_IMAGE_MAX_FILE_BYTES);
    }
    if (n == 0 || len < cap) {
      if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return fail(err, err_size, "%s: read error (%s)", path, strerror(e));
      }
      if (feof(f)) break;
    }
  }
  fclose(f);
  if (len == 0) {
    free(buf);
    return fail(err, err_size, "%s: empty file", path);
  }
  *data = buf;
  *size = len;
  return 0;
}

/* ---- JPEG decoding --------------------------------------------------------------------------- */

struct jpeg_err {
  struct jpeg_error_mgr pub;
  jmp_buf jmp;
  char msg[JMSG_LENGTH_MAX + 128];
};

static void jpeg_err_exit(j_common_ptr cinfo) {
  struct jpeg_err* e = (struct jpeg_err*) cinfo->err;
  char text[JMSG_LENGTH_MAX];
  if (cinfo->err->msg_code == JERR_NO_BACKING_STORE) { /* hit LIBJPEG_MAX_MEMORY */
    snprintf(e->msg, sizeof e->msg, "image needs more than %ld MiB of JPEG decoder memory",
             LIBJPEG_MAX_MEMORY >> 20);
    longjmp(e->jmp, 1);
  }
  (*cinfo->err->format_message)(cinfo, text);
  snprintf(e->msg, sizeof e->msg, "invalid JPEG data (%s)", text);
  longjmp(e->jmp, 1);
}

static void jpeg_err_emit(j_common_ptr cinfo, int msg_level) {
  struct jpeg_err* e = (struct jpeg_err*) cinfo->err;
  if (msg_level < 0) {
    /* The source ran out of data, or an end marker came before all pixels: libjpeg would fill the rest
     * with gray (and a tiny file could claim a huge image), so both are errors here. */
    if (cinfo->err->msg_code == JWRN_JPEG_EOF || cinfo->err->msg_code == JWRN_HIT_MARKER) {
      snprintf(e->msg, sizeof e->msg, "truncated JPEG data");
      longjmp(e->jmp, 1);
    }
    cinfo->err->num_warnings++; /* other corrupt-data warnings: libjpeg recovers; keep going */
  }
}

static void jpeg_err_output(j_common_ptr cinfo) { (void) cinfo; /* never print */ }

static void jpeg_progress(j_common_ptr cinfo) {
  if (cinfo->is_decompressor && ((j_decompress_ptr) cinfo)->input_scan_number > LIBJPEG_MAX_SCANS) {
    struct jpeg_err* e = (struct jpeg_err*) cinfo->err;
    snprintf(e->msg, sizeof e->msg, "invalid JPEG data (more than %d scans)", LIBJPEG_MAX_SCANS);
    longjmp(e->jmp, 1);
  }
}

static void jpeg_bail(j_decompress_ptr cinfo) {
  longjmp(((struct jpeg_err*) cinfo->err)->jmp, 1);
}

/* The part that runs under the setjmp of q8rt_image_decode_jpeg; every failure longjmps with
 * e->msg set. The pixel buffer goes through *rgb_slot (volatile) so the caller can free it. */
static void jpeg_decode_body(j_decompress_ptr cinfo, struct jpeg_err* e, const void* data, size_t size,
                             uint8_t* volatile* rgb_slot, uint32_t* width, uint32_t* height) {
  jpeg_mem_src(cinfo, (const unsigned char*) data, (unsigned long) size);
  cinfo->mem->max_memory_to_use = LIBJPEG_MAX_MEMORY;
  jpeg_read_header(cinfo, TRUE);

  const uint32_t w = cinfo->image_width, h = cinfo->image_height;
  if (w == 0 || h == 0) {
    snprintf(e->msg, sizeof e->msg, "image has zero size (%ux%u)", (unsigned) w, (unsigned) h);
    jpeg_bail(cinfo);
  }
  if (w > Q8RT_IMAGE_MAX_DIM || h > Q8RT_IMAGE_MAX_DIM) {
    snprintf(e->msg, sizeof e->msg, "image is %ux%u, larger than the %ux%u limit", (unsigned) w,
             (unsigned) h, Q8RT_IMAGE_MAX_DIM, Q8RT_IMAGE_MAX_DIM);
    jpeg_bail(cinfo);
  }
  if ((uint64_t) w * h > Q8RT_IMAGE_MAX_PIXELS) {
    snprintf(e->msg, sizeof e->msg, "image is %ux%u, more than the %u-pixel limit", (unsigned) w, (unsigned) h,
             (unsigned) Q8RT_IMAGE_MAX_PIXELS);
    jpeg_bail(cinfo);
  }
  int cmyk = 0;
  switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
      cinfo->out_color_space = JCS_RGB;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo->out_color_space = JCS_CMYK;
      cmyk = 1;
      break;
    default:
      snprintf(e->msg, sizeof e->msg, "unsupported JPEG color space (%d components)",
               cinfo->num_components);
      jpeg_bail(cinfo);
  }
  cinfo->dct_method = JDCT_ISLOW; /* accurate, and the same on every platform */
  cinfo->do_fancy_upsampling = TRUE;
  jpeg_start_decompress(cinfo);
  if (cinfo->output_width != w || cinfo->output_height != h ||
      cinfo->output_components != (cmyk ? 4 : 3)) {
    snprintf(e->msg, sizeof e->msg, "unexpected decoder output (%ux%u, %d components)",
             (unsigned) cinfo->output_width, (unsigned) cinfo->output_height, cinfo->output_components);
    jpeg_bail(cinfo);
  }

  uint8_t* rgb = malloc((size_t) w * h * 3);
  if (rgb == NULL) {
    snprintf(e->msg, sizeof e->msg, "out of memory (%ux%u image)", (unsigned) w, (unsigned) h);
    jpeg_bail(cinfo);
  }
  *rgb_slot = rgb;

  JSAMPARRAY cmyk_row =
      cmyk ? (*cinfo->mem->alloc_sarray)((j_common_ptr) cinfo, JPOOL_IMAGE, (JDIMENSION) w * 4, 1) : NULL;
  /* Adobe CMYK/YCCK JPEGs (Photoshop) store inverted values: 255 = no ink. */
  const int inverted = cinfo->saw_Adobe_marker;
  while (cinfo->output_scanline < h) {
    uint8_t* dst = rgb + (size_t) cinfo->output_scanline * w * 3;
    JDIMENSION got;
    if (!cmyk) {
      JSAMPROW row = dst;
      got = jpeg_read_scanlines(cinfo, &row, 1);
    } else {
      got = jpeg_read_scanlines(cinfo, cmyk_row, 1);
      const uint8_t* s = cmyk_row[0];
      for (uint32_t x = 0; x < w; x++, s += 4) {
        unsigned c = s[0], m = s[1], y = s[2], k = s[3];
        if (!inverted) {
          c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
        }
        dst[3 * x + 0] = (uint8_t) ((c * k + 127) / 255);
        dst[3 * x + 1] = (uint8_t) ((m * k + 127) / 255);
        dst[3 * x + 2] = (uint8_t) ((y * k + 127) / 255);
      }
    }
    if (got != 1) {
      snprintf(e->msg, sizeof e->msg, "truncated JPEG data");
      jpeg_bail(cinfo);
    }
  }
  jpeg_finish_decompress(cinfo);
  *width = w;
  *height = h;
}

/* Runs the decoder under setjmp. On failure returns -1 with the reason in msg (JMSG_LENGTH_MAX + 128
 * bytes) and nothing allocated. Kept apart from the argument checks so that no variable of this frame
 * is modified between setjmp and longjmp except the volatile `out`. */
static int jpeg_decode_guarded(const void* data, size_t size, uint8_t** rgb, uint32_t* width,
                               uint32_t* height, char* msg) {
  struct jpeg_decompress_struct cinfo;
  struct jpeg_err jerr;
  struct jpeg_progress_mgr progress;
  uint8_t* volatile out = NULL;
  memset(&cinfo, 0, sizeof cinfo);
  memset(&progress, 0, sizeof progress);
  cinfo.err = jpeg_std_error(&jerr.pub);
  jerr.pub.error_exit = jpeg_err_exit;
  jerr.pub.emit_message = jpeg_err_emit;
  jerr.pub.output_message = jpeg_err_output;
  jerr.msg[0] = '\0';
  if (setjmp(jerr.jmp) != 0) {
    jpeg_destroy_decompress(&cinfo);
    free((void*) out);
    snprintf(msg, sizeof jerr.msg, "%s", jerr.msg[0] != '\0' ? jerr.msg : "cannot decode JPEG");
    return -1;
  }
  jpeg_create_decompress(&cinfo);
  progress.progress_monitor = jpeg_progress;
  cinfo.progress = &progress;
  jpeg_decode_body(&cinfo, &jerr, data, size, &out, width, height);
  jpeg_destroy_decompress(&cinfo);
  *rgb = out;
  return 0;
}

int q8rt_image_decode_jpeg(const void* data, size_t size, const char* name_for_errors, uint8_t** rgb,
                           uint32_t* width, uint32_t* height, char* err, size_t err_size) {
  const char* name = name_for_errors != NULL ? name_for_errors : "image";
  if (rgb != NULL) *rgb = NULL;
  if (width != NULL) *width = 0;
  if (height != NULL) *height = 0;
  if (rgb == NULL || width == NULL || height == NULL || (data == NULL && size != 0)) {
    return fail(err, err_size, "%s: invalid argument", name);
  }
  if (size == 0) return fail(err, err_size, "%s: empty file", name);
  const uint8_t* bytes = (const uint8_t*) data;
  static const uint8_t soi[3] = {0xFF, 0xD8, 0xFF};
  const size_t head = size < 3 ? size : 3;
  if (memcmp(bytes, soi, head) != 0) {
    char hex[4 * 3 + 1] = "";
    const size_t n = size < 4 ? size : 4;
    for (size_t i = 0; i < n; i++) {
      snprintf(hex + 3 * i, sizeof hex - 3 * i, " %02X", bytes[i]);
    }
    return fail(err, err_size, "%s: not a JPEG file (starts with%s)", name, hex);
  }
  if (size < 3 || (unsigned long) size != size) {
    return fail(err, err_size, "%s: truncated JPEG data", name);
  }

  char msg[sizeof ((struct jpeg_err*) 0)->msg];
  if (jpeg_decode_guarded(data, size, rgb, width, height, msg) != 0) {
    return fail(err, err_size, "%s: %s", name, msg);
  }
  return 0;
}

/* ---- preprocessing --------------------------------------------------------------------------- */

void q8rt_image_resized_size(uint32_t width, uint32_t height, uint32_t resize_shorter,
                             uint32_t* resized_width, uint32_t* resized_height) {
  if (width == 0 || height == 0) {
    *resized_width = *resized_height = 0;
    return;
  }
  if (width <= height) {
    const uint64_t longer = ((uint64_t) height * resize_shorter + width / 2) / width;
    *resized_width = resize_shorter;
    *resized_height = longer > UINT32_MAX ? UINT32_MAX : (uint32_t) longer;
  } else {
    const uint64_t longer = ((uint64_t) width * resize_shorter + height / 2) / height;
    *resized_height = resize_shorter;
    *resized_width = longer > UINT32_MAX ? UINT32_MAX : (uint32_t) longer;
  }
}

static int check_preprocess(const struct q8rt_preprocess* pre, const char* name, char* err, size_t err_size) {
  if (pre == NULL) return fail(err, err_size, "%s: no preprocessing parameters", name);
  if (pre->resize_shorter == 0 || pre->height == 0 || pre->width == 0 ||
      pre->resize_shorter > Q8RT_IMAGE_MAX_DIM || pre->height > Q8RT_IMAGE_MAX_DIM ||
      pre->width > Q8RT_IMAGE_MAX_DIM) {
    return fail(err, err_size,
                "%s: invalid preprocessing sizes (resize_shorter %u, crop %ux%u; each must be 1..%u)", name,
                (unsigned) pre->resize_shorter, (unsigned) pre->width, (unsigned) pre->height,
                Q8RT_IMAGE_MAX_DIM);
  }
  if (pre->channel_order != Q8RT_RGB && pre->channel_order != Q8RT_BGR) {
    return fail(err, err_size, "%s: invalid channel order %d", name, (int) pre->channel_order);
  }
  for (int c = 0; c < 3; c++) {
    if (!isfinite(pre->mean[c]) || !isfinite(pre->std[c]) || pre->std[c] == 0.0f) {
      return fail(err, err_size, "%s: invalid normalization for channel %d (mean %g, std %g)", name, c,
                  (double) pre->mean[c], (double) pre->std[c]);
    }
  }
  return 0;
}

int q8rt_image_preprocess(const uint8_t* rgb, uint32_t width, uint32_t height,
                          const struct q8rt_preprocess* pre, const char* name_for_errors, float* out,
                          char* err, size_t err_size) {
  const char* name = name_for_errors != NULL ? name_for_errors : "image";
  if (rgb == NULL || out == NULL) return fail(err, err_size, "%s: invalid argument", name);
  if (check_preprocess(pre, name, err, err_size) != 0) return -1;
  if (width == 0 || height == 0) {
    return fail(err, err_size, "%s: image has zero size (%ux%u)", name, (unsigned) width, (unsigned) height);
  }
  if (width > Q8RT_IMAGE_MAX_DIM || height > Q8RT_IMAGE_MAX_DIM) {
    return fail(err, err_size, "%s: image is %ux%u, larger than the %ux%u limit", name, (unsigned) width,
                (unsigned) height, Q8RT_IMAGE_MAX_DIM, Q8RT_IMAGE_MAX_DIM);
  }
  uint32_t rw, rh;
  q8rt_image_resized_size(width, height, pre->resize_shorter, &rw, &rh);
  if (rw > Q8RT_IMAGE_MAX_DIM || rh > Q8RT_IMAGE_MAX_DIM) {
    return fail(err, err_size, "%s: image %ux%u resized to shorter side %u would be %ux%u, larger than the %ux%u limit",
                name, (unsigned) width, (unsigned) height, (unsigned) pre->resize_shorter, (unsigned) rw,
                (unsigned) rh, Q8RT_IMAGE_MAX_DIM, Q8RT_IMAGE_MAX_DIM);
  }
  if (rw < pre->width || rh < pre->height) {
    return fail(err, err_size, "%s: resized image %ux%u is smaller than the %ux%u crop", name, (unsigned) rw,
                (unsigned) rh, (unsigned) pre->width, (unsigned) pre->height);
  }

  const uint8_t* src = rgb;
  uint8_t* resized = NULL;
  if (rw != width || rh != height) {
    resized = malloc((size_t) rw * rh * 3);
    if (resized == NULL) {
      return fail(err, err_size, "%s: out of memory resizing to %ux%u", name, (unsigned) rw, (unsigned) rh);
    }
    if (!stbir_resize_uint8_generic(rgb, (int) width, (int) height, (int) (width * 3), resized, (int) rw,
                                    (int) rh, (int) (rw * 3), 3, STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP,
                                    STBIR_FILTER_TRIANGLE, STBIR_COLORSPACE_LINEAR, NULL)) {
      free(resized);
      return fail(err, err_size, "%s: resize to %ux%u failed (out of memory)", name, (unsigned) rw, (unsigned) rh);
    }
    src = resized;
  }

  const size_t H = pre->height, W = pre->width;
  const size_t oy = (rh - H) / 2, ox = (rw - W) / 2;
  for (int c = 0; c < 3; c++) {
    const int sc = pre->channel_order == Q8RT_BGR ? 2 - c : c;
    const float mean = pre->mean[c], std = pre->std[c];
    float* o = out + (size_t) c * H * W;
    for (size_t y = 0; y < H; y++) {
      const uint8_t* row = src + ((oy + y) * rw + ox) * 3 + sc;
      for (size_t x = 0; x < W; x++) o[y * W + x] = ((float) row[3 * x] - mean) / std;
    }
  }
  free(resized);
  return 0;
}

/* ---- together ------------------------------------------------------------------------------- */

int q8rt_image_decode_preprocess_memory(const void* data, size_t size, const char* name_for_errors,
                                        const struct q8rt_preprocess* pre, float* out, char* err,
                                        size_t err_size) {
  const char* name = name_for_errors != NULL ? name_for_errors : "image";
  if (out == NULL) return fail(err, err_size, "%s: invalid argument", name);
  if (check_preprocess(pre, name, err, err_size) != 0) return -1;
  uint8_t* rgb = NULL;
  uint32_t w = 0, h = 0;
  if (q8rt_image_decode_jpeg(data, size, name, &rgb, &w, &h, err, err_size) != 0) return -1;
  const int rc = q8rt_image_preprocess(rgb, w, h, pre, name, out, err, err_size);
  free(rgb);
  return rc;
}

int q8rt_image_load_preprocessed(const char* path, const struct q8rt_preprocess* pre, float* out,
                                 char* err, size_t err_size) {
  if (path == NULL) return fail(err, err_size, "(null): invalid argument");
  if (out == NULL) return fail(err, err_size, "%s: invalid argument", path);
  if (check_preprocess(pre, path, err, err_size) != 0) return -1;
  uint8_t* data = NULL;
  size_t size = 0;
  if (q8rt_image_read_file(path, &data, &size, err, err_size) != 0) return -1;
  const int rc = q8rt_image_decode_preprocess_memory(data, size, path, pre, out, err, err_size);
  free(data);
  return rc;
}

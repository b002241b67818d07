/* Image decoding (JPEG: libjpeg-turbo, EXIF orientation: libexif; PNG: libpng) and preprocessing for the CLI.
 * See image.h. */
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
#include <libexif/exif-data.h>
#include <png.h>

#include "cli/resize.h"
#include "cli/resize_tf.h"

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

/* EXIF orientation (tag 0x0112 of IFD0) from the APP1 "Exif" markers libjpeg saved; 1 when absent or invalid.
 * libexif parses the TIFF structure (bounds-checked, fuzzed by its maintainers). */
static unsigned jpeg_exif_orientation(j_decompress_ptr cinfo) {
  static const uint8_t exif_id[6] = {'E', 'x', 'i', 'f', 0, 0};
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < sizeof exif_id || memcmp(m->data, exif_id, 6) != 0) {
      continue;
    }
    ExifData* ed = exif_data_new_from_data(m->data, m->data_length);
    if (ed == NULL) return 1;
    unsigned orientation = 1;
    ExifEntry* entry = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (entry != NULL && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1 && entry->size >= 2) {
      const unsigned v = exif_get_short(entry->data, exif_data_get_byte_order(ed));
      if (v >= 1 && v <= 8) orientation = v;
    }
    exif_data_unref(ed);
    return orientation;
  }
  return 1;
}

/* DCT scaling: the smallest M/8 (M = 1..8) whose decoded shorter side is still at least min_shorter, used only
 * when the image is at least twice min_shorter (0: always full size). libjpeg-turbo's reduced-size inverse
 * DCT is itself a low-pass filter, so less than 1/8 of the work and memory is spent on a large photo. */
static unsigned jpeg_scale_num(uint32_t width, uint32_t height, uint32_t min_shorter) {
  const uint64_t shorter = width < height ? width : height;
  if (min_shorter == 0 || shorter < 2 * (uint64_t) min_shorter) return 8;
  for (unsigned m = 1; m < 8; m++) {
    if ((shorter * m + 7) / 8 >= min_shorter) return m;
  }
  return 8;
}

static void check_size(struct jpeg_err* e, j_decompress_ptr cinfo, uint32_t w, uint32_t h) {
  if (w == 0 || h == 0) {
    snprintf(e->msg, sizeof e->msg, "image has zero size (%ux%u)", (unsigned) w, (unsigned) h);
    jpeg_bail(cinfo);
  }
  if (w > Q8RT_IMAGE_MAX_DIM || h > Q8RT_IMAGE_MAX_DIM) {
    snprintf(e->msg, sizeof e->msg, "image is %ux%u, larger than the %ux%u limit", (unsigned) w, (unsigned) h,
             Q8RT_IMAGE_MAX_DIM, Q8RT_IMAGE_MAX_DIM);
    jpeg_bail(cinfo);
  }
  if ((uint64_t) w * h > Q8RT_IMAGE_MAX_PIXELS) {
    snprintf(e->msg, sizeof e->msg, "image is %ux%u, more than the %u-pixel limit", (unsigned) w, (unsigned) h,
             (unsigned) Q8RT_IMAGE_MAX_PIXELS);
    jpeg_bail(cinfo);
  }
}

/* The part that runs under the setjmp of jpeg_decode_guarded; every failure longjmps with e->msg set. The pixel
 * buffer goes through *rgb_slot (volatile) so the caller can free it. */
static void jpeg_decode_body(j_decompress_ptr cinfo, struct jpeg_err* e, const void* data, size_t size,
                             uint32_t min_shorter, uint8_t* volatile* rgb_slot, struct q8rt_image* img) {
  jpeg_mem_src(cinfo, (const unsigned char*) data, (unsigned long) size);
  cinfo->mem->max_memory_to_use = LIBJPEG_MAX_MEMORY;
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(cinfo, TRUE);

  const uint32_t full_w = cinfo->image_width, full_h = cinfo->image_height;
  check_size(e, cinfo, full_w, full_h);
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
      snprintf(e->msg, sizeof e->msg, "unsupported JPEG color space (%d components)", cinfo->num_components);
      jpeg_bail(cinfo);
  }
  cinfo->dct_method = JDCT_ISLOW; /* accurate, and the same on every platform */
  cinfo->do_fancy_upsampling = TRUE;
  cinfo->scale_num = jpeg_scale_num(full_w, full_h, min_shorter);
  cinfo->scale_denom = 8;
  jpeg_calc_output_dimensions(cinfo);
  const uint32_t w = cinfo->output_width, h = cinfo->output_height;
  const unsigned orientation = jpeg_exif_orientation(cinfo);
  jpeg_start_decompress(cinfo);
  if (cinfo->output_width != w || cinfo->output_height != h || w == 0 || h == 0 ||
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
  img->width = w;
  img->height = h;
  img->full_width = full_w;
  img->full_height = full_h;
  img->orientation = (uint8_t) orientation;
  img->scale_num = (uint8_t) cinfo->scale_num;
}

/* Runs the decoder under setjmp. On failure returns -1 with the reason in msg (JMSG_LENGTH_MAX + 128 bytes) and
 * nothing allocated. Kept apart from the argument checks so that no variable of this frame is modified between
 * setjmp and longjmp except the volatile `out`. */
static int jpeg_decode_guarded(const void* data, size_t size, uint32_t min_shorter, struct q8rt_image* img,
                               char* msg) {
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
  jpeg_decode_body(&cinfo, &jerr, data, size, min_shorter, &out, img);
  jpeg_destroy_decompress(&cinfo);
  img->rgb = out;
  return 0;
}

/* ---- PNG decoding ---------------------------------------------------------------------------- */

/* libpng's simplified API: palette, gray, 16-bit and interlaced images come out as 8-bit sRGB. An alpha channel
 * is dropped (the colour samples are used as stored, as Pillow's convert("RGB") does). */
static int png_decode(const void* data, size_t size, const char* name, struct q8rt_image* img, char* err,
                      size_t err_size) {
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, size)) {
    return fail(err, err_size, "%s: invalid PNG data (%s)", name, png.message);
  }
  const uint32_t w = png.width, h = png.height;
  if (w == 0 || h == 0 || w > Q8RT_IMAGE_MAX_DIM || h > Q8RT_IMAGE_MAX_DIM ||
      (uint64_t) w * h > Q8RT_IMAGE_MAX_PIXELS) {
    png_image_free(&png);
    return fail(err, err_size, "%s: image is %ux%u, outside the limits (1..%u per side, %u pixels)", name,
                (unsigned) w, (unsigned) h, Q8RT_IMAGE_MAX_DIM, (unsigned) Q8RT_IMAGE_MAX_PIXELS);
  }
  const int alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  png.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  const size_t channels = alpha ? 4 : 3;
  uint8_t* buf = malloc((size_t) w * h * channels);
  if (buf == NULL) {
    png_image_free(&png);
    return fail(err, err_size, "%s: out of memory (%ux%u image)", name, (unsigned) w, (unsigned) h);
  }
  if (!png_image_finish_read(&png, NULL, buf, (png_int_32) (w * channels), NULL)) {
    free(buf);
    return fail(err, err_size, "%s: invalid PNG data (%s)", name, png.message);
  }
  if (alpha) { /* RGBA -> RGB in place */
    for (size_t i = 0, n = (size_t) w * h; i < n; i++) memmove(buf + 3 * i, buf + 4 * i, 3);
    uint8_t* shrunk = realloc(buf, (size_t) w * h * 3);
    if (shrunk != NULL) buf = shrunk;
  }
  img->rgb = buf;
  img->width = img->full_width = w;
  img->height = img->full_height = h;
  img->orientation = 1;
  img->scale_num = 8;
  return 0;
}

/* ---- orientation ----------------------------------------------------------------------------- */

void q8rt_image_orient_source(unsigned orientation, uint32_t width, uint32_t height, uint32_t x, uint32_t y,
                              uint32_t* sx, uint32_t* sy) {
  /* (x, y) is a pixel of the upright image; (width, height) the stored image's size. */
  switch (orientation) {
    case 2: *sx = width - 1 - x, *sy = y; break;               /* mirrored left-right */
    case 3: *sx = width - 1 - x, *sy = height - 1 - y; break;  /* rotated 180 */
    case 4: *sx = x, *sy = height - 1 - y; break;              /* mirrored top-bottom */
    case 5: *sx = y, *sy = x; break;                           /* transposed */
    case 6: *sx = y, *sy = height - 1 - x; break;              /* stored rotated 90 counter-clockwise */
    case 7: *sx = width - 1 - y, *sy = height - 1 - x; break;  /* transversed */
    case 8: *sx = width - 1 - y, *sy = x; break;               /* stored rotated 90 clockwise */
    default: *sx = x, *sy = y; break;
  }
}

/* Turns img upright per img->orientation (EXIF values 1..8), in a new buffer. */
static int apply_orientation(struct q8rt_image* img, const char* name, char* err, size_t err_size) {
  const unsigned o = img->orientation;
  if (o <= 1 || o > 8) return 0;
  const uint32_t w = img->width, h = img->height;
  const uint32_t ow = o >= 5 ? h : w, oh = o >= 5 ? w : h;
  uint8_t* out = malloc((size_t) w * h * 3);
  if (out == NULL) return fail(err, err_size, "%s: out of memory (%ux%u image)", name, (unsigned) w, (unsigned) h);
  for (uint32_t y = 0; y < oh; y++) {
    for (uint32_t x = 0; x < ow; x++) {
      uint32_t sx, sy;
      q8rt_image_orient_source(o, w, h, x, y, &sx, &sy);
      memcpy(out + ((size_t) y * ow + x) * 3, img->rgb + ((size_t) sy * w + sx) * 3, 3);
    }
  }
  free(img->rgb);
  img->rgb = out;
  img->width = ow;
  img->height = oh;
  if (o >= 5) {
    const uint32_t t = img->full_width;
    img->full_width = img->full_height;
    img->full_height = t;
  }
  return 0;
}

/* ---- decoding -------------------------------------------------------------------------------- */

void q8rt_image_free(struct q8rt_image* img) {
  if (img == NULL) return;
  free(img->rgb);
  memset(img, 0, sizeof *img);
}

int q8rt_image_decode(const void* data, size_t size, const char* name_for_errors, uint32_t min_shorter,
                      struct q8rt_image* img, char* err, size_t err_size) {
  const char* name = name_for_errors != NULL ? name_for_errors : "image";
  if (img != NULL) memset(img, 0, sizeof *img);
  if (img == NULL || (data == NULL && size != 0)) return fail(err, err_size, "%s: invalid argument", name);
  if (size == 0) return fail(err, err_size, "%s: empty file", name);
  const uint8_t* bytes = (const uint8_t*) data;
  static const uint8_t jpeg_magic[3] = {0xFF, 0xD8, 0xFF};
  static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  int rc;
  if (size >= sizeof png_magic && memcmp(bytes, png_magic, sizeof png_magic) == 0) {
    img->format = Q8RT_IMAGE_PNG;
    rc = png_decode(data, size, name, img, err, err_size);
  } else if (memcmp(bytes, jpeg_magic, size < 3 ? size : 3) == 0) {
    if (size < 3 || (unsigned long) size != size) return fail(err, err_size, "%s: truncated JPEG data", name);
    img->format = Q8RT_IMAGE_JPEG;
    char msg[sizeof ((struct jpeg_err*) 0)->msg];
    rc = jpeg_decode_guarded(data, size, min_shorter, img, msg);
    if (rc != 0) fail(err, err_size, "%s: %s", name, msg);
  } else {
    char hex[4 * 3 + 1] = "";
    const size_t n = size < 4 ? size : 4;
    for (size_t i = 0; i < n; i++) snprintf(hex + 3 * i, sizeof hex - 3 * i, " %02X", bytes[i]);
    return fail(err, err_size, "%s: not a JPEG or PNG file (starts with%s)", name, hex);
  }
  if (rc == 0) rc = apply_orientation(img, name, err, err_size);
  if (rc != 0) q8rt_image_free(img);
  return rc;
}

/* ---- preprocessing --------------------------------------------------------------------------- */

/* num / den rounded to the nearest integer, ties to even (Python's round()). */
static uint64_t div_round_half_even(uint64_t num, uint64_t den) {
  uint64_t q = num / den;
  const uint64_t r2 = 2 * (num % den);
  if (r2 > den || (r2 == den && (q & 1) != 0)) q++;
  return q;
}

void q8rt_image_resized_size(uint32_t width, uint32_t height, uint32_t resize_shorter,
                             uint32_t* resized_width, uint32_t* resized_height) {
  if (width == 0 || height == 0 || resize_shorter == 0) {
    *resized_width = *resized_height = 0;
    return;
  }
  const uint32_t shorter = width <= height ? width : height, longer = width <= height ? height : width;
  const uint64_t l = div_round_half_even((uint64_t) longer * resize_shorter, shorter);
  const uint32_t l32 = l > UINT32_MAX ? UINT32_MAX : (uint32_t) l;
  *resized_width = width <= height ? resize_shorter : l32;
  *resized_height = width <= height ? l32 : resize_shorter;
}

uint32_t q8rt_image_crop_offset(uint32_t resized, uint32_t crop) {
  return resized <= crop ? 0 : (uint32_t) div_round_half_even(resized - crop, 2);
}

static int check_preprocess(const struct q8rt_preprocess* pre, const char* name, char* err, size_t err_size) {
  if (pre == NULL) return fail(err, err_size, "%s: no preprocessing parameters", name);
  const bool central = pre->kind == Q8RT_CENTRAL_CROP_TF;
  if (pre->kind != Q8RT_RESIZE_SHORTER_CROP && !central) {
    return fail(err, err_size, "%s: unknown preprocessing kind %d", name, (int) pre->kind);
  }
  if (central && !(pre->central_fraction > 0.0f && pre->central_fraction <= 1.0f)) {
    return fail(err, err_size, "%s: central crop fraction %g outside (0, 1]", name, (double) pre->central_fraction);
  }
  if ((central ? pre->resize_shorter != 0 : pre->resize_shorter == 0) || pre->height == 0 || pre->width == 0 ||
      pre->resize_shorter > Q8RT_IMAGE_MAX_DIM || pre->height > Q8RT_IMAGE_MAX_DIM ||
      pre->width > Q8RT_IMAGE_MAX_DIM) {
    return fail(err, err_size,
                "%s: invalid preprocessing sizes (resize_shorter %u, crop %ux%u; each must be 1..%u)", name,
                (unsigned) pre->resize_shorter, (unsigned) pre->width, (unsigned) pre->height, Q8RT_IMAGE_MAX_DIM);
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

/* out[c][y][x] = (crop[y][x][src(c)] - mean[c]) / std[c] for an RGB8 crop of pre->height x pre->width. */
static void normalize(const uint8_t* crop, const struct q8rt_preprocess* pre, float* out) {
  const size_t pixels = (size_t) pre->height * pre->width;
  for (int c = 0; c < 3; c++) {
    const int sc = pre->channel_order == Q8RT_BGR ? 2 - c : c;
    const float mean = pre->mean[c], std = pre->std[c];
    float* o = out + (size_t) c * pixels;
    for (size_t i = 0; i < pixels; i++) o[i] = ((float) crop[3 * i + sc] - mean) / std;
  }
}

int q8rt_image_preprocess_image(const struct q8rt_image* img, const struct q8rt_preprocess* pre,
                                const char* name_for_errors, float* out, char* err, size_t err_size) {
  const char* name = name_for_errors != NULL ? name_for_errors : "image";
  if (img == NULL || img->rgb == NULL || out == NULL) return fail(err, err_size, "%s: invalid argument", name);
  if (check_preprocess(pre, name, err, err_size) != 0) return -1;
  const uint32_t w = img->width, h = img->height;
  if (w == 0 || h == 0 || img->full_width == 0 || img->full_height == 0) {
    return fail(err, err_size, "%s: image has zero size (%ux%u)", name, (unsigned) w, (unsigned) h);
  }
  if (w > Q8RT_IMAGE_MAX_DIM || h > Q8RT_IMAGE_MAX_DIM || img->full_width > Q8RT_IMAGE_MAX_DIM ||
      img->full_height > Q8RT_IMAGE_MAX_DIM) {
    return fail(err, err_size, "%s: image is %ux%u, larger than the %ux%u limit", name, (unsigned) w,
                (unsigned) h, Q8RT_IMAGE_MAX_DIM, Q8RT_IMAGE_MAX_DIM);
  }
  const uint32_t W = pre->width, H = pre->height;
  uint8_t* crop = NULL;
  if (pre->kind == Q8RT_CENTRAL_CROP_TF) {
    /* TensorFlow's evaluation reads every decoded pixel: the image must not be DCT-scaled. */
    if (w != img->full_width || h != img->full_height) {
      return fail(err, err_size, "%s: a central-crop model needs the image decoded at full size", name);
    }
    crop = malloc((size_t) W * H * 3);
    if (crop == NULL) return fail(err, err_size, "%s: out of memory", name);
    if (!q8rt_tf_crop_resize(img->rgb, w, h, (size_t) w * 3, pre->central_fraction, W, H, crop)) {
      free(crop);
      return fail(err, err_size, "%s: a %g central crop of %ux%u is empty", name, (double) pre->central_fraction,
                  (unsigned) w, (unsigned) h);
    }
    normalize(crop, pre, out);
    free(crop);
    return 0;
  }
  /* The resized size comes from the full-resolution size, so a DCT-scaled decode keeps the aspect ratio of
   * the photo; the resample maps the decoded pixels onto it. */
  uint32_t rw, rh;
  q8rt_image_resized_size(img->full_width, img->full_height, pre->resize_shorter, &rw, &rh);
  if (rw < W || rh < H) {
    return fail(err, err_size, "%s: resized image %ux%u is smaller than the %ux%u crop", name, (unsigned) rw,
                (unsigned) rh, (unsigned) W, (unsigned) H);
  }
  crop = malloc((size_t) W * H * 3);
  if (crop == NULL) return fail(err, err_size, "%s: out of memory", name);
  if (q8rt_resize_bilinear_crop_rgb8(img->rgb, w, h, rw, rh, q8rt_image_crop_offset(rw, W),
                                     q8rt_image_crop_offset(rh, H), W, H, crop) != 0) {
    free(crop);
    return fail(err, err_size, "%s: out of memory resizing %ux%u to %ux%u", name, (unsigned) w, (unsigned) h,
                (unsigned) rw, (unsigned) rh);
  }
  normalize(crop, pre, out);
  free(crop);
  return 0;
}

int q8rt_image_preprocess(const uint8_t* rgb, uint32_t width, uint32_t height, const struct q8rt_preprocess* pre,
                          const char* name_for_errors, float* out, char* err, size_t err_size) {
  struct q8rt_image img = {.rgb = (uint8_t*) rgb, .width = width, .height = height, .full_width = width,
                           .full_height = height, .orientation = 1, .scale_num = 8};
  return q8rt_image_preprocess_image(&img, pre, name_for_errors, out, err, err_size);
}

/* ---- together ------------------------------------------------------------------------------- */

int q8rt_image_decode_preprocess_memory(const void* data, size_t size, const char* name_for_errors,
                                        const struct q8rt_preprocess* pre, float* out, char* err,
                                        size_t err_size) {
  const char* name = name_for_errors != NULL ? name_for_errors : "image";
  if (out == NULL) return fail(err, err_size, "%s: invalid argument", name);
  if (check_preprocess(pre, name, err, err_size) != 0) return -1;
  struct q8rt_image img;
  if (q8rt_image_decode(data, size, name, pre->resize_shorter, &img, err, err_size) != 0) return -1;
  const int rc = q8rt_image_preprocess_image(&img, pre, name, out, err, err_size);
  q8rt_image_free(&img);
  return rc;
}

int q8rt_image_load_preprocessed(const char* path, const struct q8rt_preprocess* pre, float* out, char* err,
                                 size_t err_size) {
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

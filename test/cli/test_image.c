/* Tests for src/cli/image.c and src/cli/resize.c: JPEG / PNG decoding, EXIF orientation, DCT scaling,
 * preprocessing (resize, crop, channel order, normalization), rejection of bad inputs; the resize against a
 * double-precision reference over a sweep of sizes, and decode + resize byte for byte against Pillow. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>
#include <zlib.h>

#include "cli/image.h"
#include "cli/resize.h"
#include "../common/test.h"

static double now_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* Full-size decode (no DCT scaling) into *rgb (caller frees), as the tests below use it. */
static int decode_full(const void* data, size_t size, const char* name, uint8_t** rgb, uint32_t* w, uint32_t* h,
                       char* err, size_t err_size) {
  struct q8rt_image img;
  const int rc = q8rt_image_decode(data, size, name, 0, &img, err, err_size);
  *rgb = img.rgb;
  *w = img.width;
  *h = img.height;
  return rc;
}

static struct q8rt_preprocess make_pre(uint32_t shorter, uint32_t h, uint32_t w, q8rt_channel_order order) {
  struct q8rt_preprocess p;
  memset(&p, 0, sizeof p);
  p.resize_shorter = shorter;
  p.height = h;
  p.width = w;
  p.channel_order = order;
  for (int c = 0; c < 3; c++) {
    p.mean[c] = 0.0f;
    p.std[c] = 1.0f;
  }
  return p;
}

static int write_file(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) return -1;
  size_t n = size ? fwrite(data, 1, size, f) : 0;
  fclose(f);
  return n == size ? 0 : -1;
}

/* Encodes a width x height image with `components` channels (1 gray, 3 RGB, 4 CMYK) into memory. */
static int encode_progressive;

static unsigned char* encode_jpeg(const uint8_t* pixels, int width, int height, int components,
                                  unsigned long* size) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr e;
  unsigned char* buf = NULL;
  *size = 0;
  c.err = jpeg_std_error(&e);
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, &buf, size);
  c.image_width = (JDIMENSION) width;
  c.image_height = (JDIMENSION) height;
  c.input_components = components;
  c.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 100, TRUE);
  if (encode_progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = (JSAMPROW) (pixels + (size_t) c.next_scanline * width * components);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  return buf;
}

/* ---- preprocessing on synthetic images ------------------------------------------------------- */

static void test_resized_size(void) {
  uint32_t w, h;
  q8rt_image_resized_size(500, 375, 256, &w, &h);
  CHECK(w == 341 && h == 256); /* 500*256/375 = 341.33 */
  q8rt_image_resized_size(375, 500, 256, &w, &h);
  CHECK(w == 256 && h == 341);
  q8rt_image_resized_size(227, 227, 256, &w, &h);
  CHECK(w == 256 && h == 256);
  q8rt_image_resized_size(3, 2, 3, &w, &h);
  CHECK(w == 4 && h == 3); /* 4.5: ties to even */
  q8rt_image_resized_size(2, 7, 3, &w, &h);
  CHECK(w == 3 && h == 10); /* 10.5: ties to even */
  q8rt_image_resized_size(681, 454, 256, &w, &h);
  CHECK(w == 384 && h == 256); /* 681 * 256 / 454 = 384.0 */
  CHECK(q8rt_image_crop_offset(341, 224) == 58 && q8rt_image_crop_offset(343, 224) == 60); /* 58.5, 59.5 */
  CHECK(q8rt_image_crop_offset(256, 224) == 16 && q8rt_image_crop_offset(224, 224) == 0);
  q8rt_image_resized_size(640, 427, 224, &w, &h);
  CHECK(w == 336 && h == 224); /* 335.74 */
  q8rt_image_resized_size(16384, 1, 256, &w, &h);
  CHECK(w == 16384u * 256 && h == 256);
}

static void test_constant_color(void) {
  const uint32_t W = 10, H = 8;
  uint8_t* img = malloc(W * H * 3);
  for (uint32_t i = 0; i < W * H; i++) img[3 * i] = 10, img[3 * i + 1] = 120, img[3 * i + 2] = 250;
  float out[3 * 4 * 6];
  char err[256];

  /* No resize (shorter side already 8), crop 4x6. */
  struct q8rt_preprocess p = make_pre(8, 4, 6, Q8RT_RGB);
  p.mean[0] = 1.5f, p.mean[1] = 100.0f, p.mean[2] = 255.0f;
  p.std[0] = 3.0f, p.std[1] = 0.7f, p.std[2] = 58.3f;
  CHECK(q8rt_image_preprocess(img, W, H, &p, "const", out, err, sizeof err) == 0);
  int ok = 1;
  for (int c = 0; c < 3; c++) {
    const float px = c == 0 ? 10.0f : c == 1 ? 120.0f : 250.0f;
    const float want = (px - p.mean[c]) / p.std[c];
    for (int i = 0; i < 24; i++) ok &= out[c * 24 + i] == want;
  }
  CHECK(ok);

  /* BGR: output channel 0 is blue, normalized with mean[0]/std[0]. */
  p.channel_order = Q8RT_BGR;
  CHECK(q8rt_image_preprocess(img, W, H, &p, "const", out, err, sizeof err) == 0);
  ok = 1;
  for (int c = 0; c < 3; c++) {
    const float px = c == 0 ? 250.0f : c == 1 ? 120.0f : 10.0f;
    const float want = (px - p.mean[c]) / p.std[c];
    for (int i = 0; i < 24; i++) ok &= out[c * 24 + i] == want;
  }
  CHECK(ok);

  /* With a resize (up and down) a constant image stays exactly constant. */
  for (uint32_t shorter = 5; shorter <= 20; shorter += 15) {
    p = make_pre(shorter, 4, 5, Q8RT_RGB);
    CHECK(q8rt_image_preprocess(img, W, H, &p, "const", out, err, sizeof err) == 0);
    ok = 1;
    for (int i = 0; i < 20; i++) ok &= out[i] == 10.0f && out[20 + i] == 120.0f && out[40 + i] == 250.0f;
    CHECKF(ok, "shorter %u", (unsigned) shorter);
  }
  free(img);
}

/* pixel(x, y, c) of the gradient test image */
static uint8_t grad(uint32_t x, uint32_t y, int c) { return (uint8_t) ((x * 3 + y * 29 + c * 7) & 255); }

static void test_crop_no_resize(void) {
  /* 7x6 image, shorter side 6 = resize_shorter: no resize. Crop 3x4 (h x w): offsets round(1.5) = 2 on both
   * axes (ties to even). */
  const uint32_t W = 7, H = 6;
  uint8_t img[7 * 6 * 3];
  for (uint32_t y = 0; y < H; y++)
    for (uint32_t x = 0; x < W; x++)
      for (int c = 0; c < 3; c++) img[(y * W + x) * 3 + c] = grad(x, y, c);
  float out[3 * 3 * 4];
  char err[256];
  for (int order = 0; order < 2; order++) {
    struct q8rt_preprocess p = make_pre(6, 3, 4, order ? Q8RT_BGR : Q8RT_RGB);
    CHECK(q8rt_image_preprocess(img, W, H, &p, "grad", out, err, sizeof err) == 0);
    int ok = 1;
    for (int c = 0; c < 3; c++)
      for (uint32_t y = 0; y < 3; y++)
        for (uint32_t x = 0; x < 4; x++) ok &= out[(c * 3 + y) * 4 + x] == (float) grad(x + 2, y + 2, order ? 2 - c : c);
    CHECKF(ok, "order %d", order);
  }
  /* Full-size crop: offset 0, the whole image. */
  float full[3 * 7 * 6];
  struct q8rt_preprocess p = make_pre(6, 6, 7, Q8RT_RGB);
  CHECK(q8rt_image_preprocess(img, W, H, &p, "grad", full, err, sizeof err) == 0);
  CHECK(full[0] == (float) grad(0, 0, 0) && full[41] == (float) grad(6, 5, 0) &&
        full[2 * 42 + 8] == (float) grad(1, 1, 2));
  /* Crop larger than the image: error naming the image. */
  p = make_pre(6, 7, 4, Q8RT_RGB);
  CHECK(q8rt_image_preprocess(img, W, H, &p, "grad", full, err, sizeof err) == -1);
  CHECKF(strstr(err, "grad:") == err && strstr(err, "smaller than") != NULL, "%s", err);
}

/* Plain bilinear with half-pixel centers and edge clamp, as a reference for upscaling. */
static double bilinear_ref(const uint8_t* img, int w, int h, int c, double u, double v) {
  int x0 = (int) floor(u), y0 = (int) floor(v);
  double fx = u - x0, fy = v - y0;
#define CL(a, n) ((a) < 0 ? 0 : (a) >= (n) ? (n) - 1 : (a))
  int xa = CL(x0, w), xb = CL(x0 + 1, w), ya = CL(y0, h), yb = CL(y0 + 1, h);
#undef CL
  double p00 = img[(ya * w + xa) * 3 + c], p01 = img[(ya * w + xb) * 3 + c];
  double p10 = img[(yb * w + xa) * 3 + c], p11 = img[(yb * w + xb) * 3 + c];
  return (1 - fy) * ((1 - fx) * p00 + fx * p01) + fy * ((1 - fx) * p10 + fx * p11);
}

static void test_bilinear_upscale(void) {
  /* 8x6 -> shorter 12: exactly 2x, 16x12. Source values are multiples of 4 so the 1/4, 3/4 weights
   * give integers; then the result must match plain bilinear exactly. Crop 10x12 (h x w) at (1, 2). */
  const int W = 8, H = 6;
  uint8_t img[8 * 6 * 3];
  test_rng_seed(12345);
  for (int i = 0; i < W * H * 3; i++) img[i] = (uint8_t) (4 * test_rand_range(0, 63));
  struct q8rt_preprocess p = make_pre(12, 10, 12, Q8RT_RGB);
  float out[3 * 10 * 12];
  char err[256];
  CHECK(q8rt_image_preprocess(img, W, H, &p, "up", out, err, sizeof err) == 0);
  int ok = 1, bad = 0;
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 10; y++)
      for (int x = 0; x < 12; x++) {
        const int rx = x + 2, ry = y + 1; /* in the 16x12 resized image */
        const double want = bilinear_ref(img, W, H, c, (rx + 0.5) * W / 16.0 - 0.5, (ry + 0.5) * H / 12.0 - 0.5);
        const float got = out[(c * 10 + y) * 12 + x];
        if (got != (float) floor(want + 0.5)) {
          if (!bad++) fprintf(stderr, "upscale c%d y%d x%d: got %g want %g\n", c, y, x, (double) got, want);
          ok = 0;
        }
      }
  CHECK(ok);

  /* Non-integer factor (8x6 -> 11x8 area, shorter 8, longer (8*8+3)/6 = 11): within 1 of bilinear. */
  p = make_pre(8, 8, 11, Q8RT_RGB);
  float out2[3 * 8 * 11];
  CHECK(q8rt_image_preprocess(img, W, H, &p, "up2", out2, err, sizeof err) == 0);
  ok = 1;
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 8; y++)
      for (int x = 0; x < 11; x++) {
        const double want = bilinear_ref(img, W, H, c, (x + 0.5) * W / 11.0 - 0.5, (y + 0.5) * H / 8.0 - 0.5);
        ok &= fabs(out2[(c * 8 + y) * 11 + x] - want) <= 1.0 + 1e-6; /* two roundings, as Pillow */
      }
  CHECK(ok);
}

static void test_downscale_linear(void) {
  /* Triangle filter downscaling keeps a linear ramp linear away from the edges: 40x20 -> shorter 10
   * (exactly /2): output x samples input u = 2x + 0.5, so value = 2 * (2x + 0.5) + 10 = 4x + 11. */
  const int W = 40, H = 20;
  uint8_t* img = malloc((size_t) W * H * 3);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      img[(y * W + x) * 3 + 0] = (uint8_t) (2 * x + 10);
      img[(y * W + x) * 3 + 1] = (uint8_t) (3 * y + 5);
      img[(y * W + x) * 3 + 2] = 77;
    }
  struct q8rt_preprocess p = make_pre(10, 10, 20, Q8RT_RGB);
  float out[3 * 10 * 20];
  char err[256];
  CHECK(q8rt_image_preprocess(img, W, H, &p, "down", out, err, sizeof err) == 0);
  int ok = 1;
  for (int y = 1; y < 9; y++)
    for (int x = 1; x < 19; x++) {
      ok &= out[y * 20 + x] == (float) (4 * x + 11);
      ok &= fabsf(out[200 + y * 20 + x] - (float) (6 * y + 6.5)) <= 0.5f; /* 3 * (2y + 0.5) + 5 */
      ok &= out[400 + y * 20 + x] == 77.0f;
    }
  CHECK(ok);
  free(img);
}

static void test_bad_preprocess(void) {
  uint8_t img[4 * 4 * 3] = {0};
  float out[3 * 4 * 4];
  char err[256];
  struct q8rt_preprocess p = make_pre(4, 4, 4, Q8RT_RGB);
  p.std[1] = 0.0f;
  CHECK(q8rt_image_preprocess(img, 4, 4, &p, "x.jpg", out, err, sizeof err) == -1);
  CHECKF(strncmp(err, "x.jpg: ", 7) == 0, "%s", err);
  p = make_pre(0, 4, 4, Q8RT_RGB);
  CHECK(q8rt_image_preprocess(img, 4, 4, &p, "x.jpg", out, err, sizeof err) == -1);
  p = make_pre(4, 4, 4, (q8rt_channel_order) 7);
  CHECK(q8rt_image_preprocess(img, 4, 4, &p, "x.jpg", out, err, sizeof err) == -1);
  p = make_pre(4, 4, 4, Q8RT_RGB);
  CHECK(q8rt_image_preprocess(img, 0, 4, &p, "x.jpg", out, err, sizeof err) == -1);
  CHECK(q8rt_image_preprocess(img, 20000, 4, &p, "x.jpg", out, err, sizeof err) == -1);
  CHECKF(strstr(err, "limit") != NULL, "%s", err);
  CHECK(q8rt_image_preprocess(img, 4, 4, &p, "x.jpg", out, NULL, 0) == 0); /* err may be NULL */
}

/* ---- decoding -------------------------------------------------------------------------------- */

static void test_gray_and_cmyk(void) {
  const int W = 16, H = 8;
  uint8_t gray[16 * 8], cmyk[16 * 8 * 4];
  for (int i = 0; i < W * H; i++) {
    gray[i] = 200;
    cmyk[4 * i + 0] = 255, cmyk[4 * i + 1] = 128, cmyk[4 * i + 2] = 0, cmyk[4 * i + 3] = 200;
  }
  char err[256];
  unsigned long n = 0;
  unsigned char* j = encode_jpeg(gray, W, H, 1, &n);
  uint8_t* rgb = NULL;
  uint32_t w = 0, h = 0;
  CHECKF(decode_full(j, n, "gray.jpg", &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
  CHECK(w == 16 && h == 8 && rgb != NULL);
  if (rgb != NULL) CHECK(rgb[0] == 200 && rgb[1] == 200 && rgb[2] == 200 && rgb[3 * 127 + 2] == 200);
  free(rgb);
  free(j);

  /* libjpeg writes an Adobe marker with CMYK, so values are read as inverted (Photoshop convention):
   * R = C*K/255 = 255*200/255 = 200, G = 128*200/255 = 100.4, B = 0. Lossy: allow +-2. */
  j = encode_jpeg(cmyk, W, H, 4, &n);
  CHECKF(decode_full(j, n, "cmyk.jpg", &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
  CHECK(w == 16 && h == 8 && rgb != NULL);
  if (rgb != NULL) CHECKF(abs(rgb[0] - 200) <= 2 && abs(rgb[1] - 100) <= 2 && rgb[2] <= 2, "%d %d %d", rgb[0], rgb[1], rgb[2]);
  free(rgb);

  /* Progressive RGB (runs under the scan limit and libjpeg's memory cap). */
  uint8_t* rgbin = malloc(300 * 200 * 3);
  for (int i = 0; i < 300 * 200 * 3; i++) rgbin[i] = (uint8_t) (i % 3 == 0 ? 40 : i % 3 == 1 ? 140 : 240);
  encode_progressive = 1;
  unsigned long pn = 0;
  unsigned char* pj = encode_jpeg(rgbin, 300, 200, 3, &pn);
  encode_progressive = 0;
  CHECKF(decode_full(pj, pn, "prog.jpg", &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
  CHECK(w == 300 && h == 200 && rgb != NULL);
  if (rgb != NULL) CHECKF(abs(rgb[0] - 40) <= 2 && abs(rgb[1] - 140) <= 2 && abs(rgb[2] - 240) <= 2, "%d %d %d", rgb[0], rgb[1], rgb[2]);
  free(rgb);
  CHECK(decode_full(pj, pn / 2, "prog.jpg", &rgb, &w, &h, err, sizeof err) == -1);
  CHECKF(strcmp(err, "prog.jpg: truncated JPEG data") == 0, "%s", err);
  free(pj);
  free(rgbin);

  /* Patch the SOF of that small JPEG to claim 20000 x 20000: rejected before allocating. */
  for (unsigned long i = 0; i + 9 < n; i++) {
    if (j[i] == 0xFF && (j[i + 1] == 0xC0 || j[i + 1] == 0xC1)) {
      j[i + 5] = 20000 >> 8, j[i + 6] = 20000 & 255, j[i + 7] = 20000 >> 8, j[i + 8] = 20000 & 255;
      break;
    }
  }
  rgb = (uint8_t*) 1;
  CHECK(decode_full(j, n, "big.jpg", &rgb, &w, &h, err, sizeof err) == -1);
  CHECKF(strstr(err, "big.jpg: ") == err && strstr(err, "20000x20000") != NULL, "%s", err);
  CHECK(rgb == NULL && w == 0 && h == 0);
  free(j);
}

static char* first_image(const char* images_dir) {
  DIR* d = opendir(images_dir);
  if (d == NULL) return NULL;
  struct dirent* e;
  char* best = NULL;
  while ((e = readdir(d)) != NULL) {
    size_t L = strlen(e->d_name);
    if (L > 5 && (strcmp(e->d_name + L - 5, ".JPEG") == 0 || strcmp(e->d_name + L - 4, ".jpg") == 0)) {
      if (best == NULL || strcmp(e->d_name, best) < 0) {
        free(best);
        best = strdup(e->d_name);
      }
    }
  }
  closedir(d);
  if (best == NULL) return NULL;
  char* path = malloc(strlen(images_dir) + strlen(best) + 2);
  sprintf(path, "%s/%s", images_dir, best);
  free(best);
  return path;
}

static void test_all_images(const char* images_dir) {
  /* Every image of the set decodes and preprocesses (Q8RT_TEST_ALL_IMAGES=0 to skip). */
  const char* env = getenv("Q8RT_TEST_ALL_IMAGES");
  if (env != NULL && strcmp(env, "0") == 0) return;
  DIR* d = opendir(images_dir);
  if (d == NULL) return;
  struct dirent* e;
  int count = 0, failed = 0;
  float* out = malloc(3 * 224 * 224 * sizeof(float));
  struct q8rt_preprocess p = make_pre(256, 224, 224, Q8RT_BGR);
  char path[8192], err[512];
  const double t0 = now_sec();
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", images_dir, e->d_name);
    count++;
    if (q8rt_image_load_preprocessed(path, &p, out, err, sizeof err) != 0) {
      if (failed++ < 5) fprintf(stderr, "  %s\n", err);
    }
  }
  const double t1 = now_sec();
  closedir(d);
  free(out);
  CHECKF(failed == 0, "%d of %d images failed", failed, count);
  printf("  all images: %d decoded+preprocessed (256/224), %.2f ms each\n", count,
         count ? 1e3 * (t1 - t0) / count : 0.0);
}

static void test_real_jpeg(const char* tmpdir) {
  const char* dir = test_images_dir();
  if (dir == NULL) {
    printf("  SKIP real JPEG tests: imagenet-val-1300 not found (set Q8RT_IMAGES_DIR)\n");
    return;
  }
  char images[4096];
  snprintf(images, sizeof images, "%s/images", dir);
  char* path = first_image(images);
  if (path == NULL) {
    printf("  SKIP real JPEG tests: no .JPEG in %s\n", images);
    return;
  }
  char err[512];
  uint8_t* data = NULL;
  size_t size = 0;
  CHECKF(q8rt_image_read_file(path, &data, &size, err, sizeof err) == 0, "%s", err);
  uint8_t* rgb = NULL;
  uint32_t w = 0, h = 0;
  CHECKF(decode_full(data, size, path, &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
  CHECKF(w == 227 && h == 227, "%ux%u", (unsigned) w, (unsigned) h);

  /* File and memory paths agree; 227 -> 256 -> crop 224; and no-resize 227 -> crop 224 equals the raw
   * pixels at offset 1. */
  float* a = malloc(3 * 224 * 224 * sizeof(float));
  float* b = malloc(3 * 224 * 224 * sizeof(float));
  struct q8rt_preprocess p = make_pre(256, 224, 224, Q8RT_RGB);
  p.mean[0] = 123.675f, p.mean[1] = 116.28f, p.mean[2] = 103.53f;
  p.std[0] = 58.395f, p.std[1] = 57.12f, p.std[2] = 57.375f;
  CHECKF(q8rt_image_load_preprocessed(path, &p, a, err, sizeof err) == 0, "%s", err);
  CHECKF(q8rt_image_decode_preprocess_memory(data, size, path, &p, b, err, sizeof err) == 0, "%s", err);
  CHECK(memcmp(a, b, 3 * 224 * 224 * sizeof(float)) == 0);
  p = make_pre(227, 224, 224, Q8RT_BGR); /* crop offset round(1.5) = 2 */
  CHECK(q8rt_image_decode_preprocess_memory(data, size, path, &p, a, err, sizeof err) == 0);
  if (rgb != NULL && w == 227) {
    CHECK(a[0] == (float) rgb[(2 * 227 + 2) * 3 + 2] && a[224 * 224] == (float) rgb[(2 * 227 + 2) * 3 + 1] &&
          a[2 * 224 * 224 + 224 * 224 - 1] == (float) rgb[(225 * 227 + 225) * 3 + 0]);
  }

  /* Timing: decode + preprocess (256 / 224) of this image. */
  p = make_pre(256, 224, 224, Q8RT_RGB);
  const int iters = 50;
  double t0 = now_sec();
  for (int i = 0; i < iters; i++) q8rt_image_decode_preprocess_memory(data, size, path, &p, a, err, sizeof err);
  double t1 = now_sec();
  uint8_t* tmp = NULL;
  for (int i = 0; i < iters; i++) {
    decode_full(data, size, path, &tmp, &w, &h, err, sizeof err);
    free(tmp);
  }
  double t2 = now_sec();
  printf("  227x227 JPEG: decode+preprocess %.3f ms (decode alone %.3f ms)\n", 1e3 * (t1 - t0) / iters,
         1e3 * (t2 - t1) / iters);

  /* Truncated: the first half written to a temp file. */
  char tpath[4200];
  snprintf(tpath, sizeof tpath, "%s/truncated.jpg", tmpdir);
  CHECK(write_file(tpath, data, size / 2) == 0);
  CHECK(q8rt_image_load_preprocessed(tpath, &p, a, err, sizeof err) == -1);
  CHECKF(strstr(err, tpath) == err && strstr(err, "truncated JPEG data") != NULL, "%s", err);
  /* Truncated at many points, and random corruption: no crash, no leak (run under ASan). */
  test_rng_seed(777);
  int rejected = 0;
  for (size_t cut = 1; cut < size; cut += 1 + size / 97) {
    rejected += q8rt_image_decode_preprocess_memory(data, cut, "cut", &p, a, err, sizeof err) == -1;
  }
  CHECKF(rejected == (int) ((size - 2) / (1 + size / 97) + 1), "rejected %d", rejected);
  uint8_t* bad = malloc(size);
  for (int it = 0; it < 300; it++) {
    memcpy(bad, data, size);
    int flips = (int) test_rand_range(1, 8);
    for (int k = 0; k < flips; k++) bad[test_rand_range(2, (unsigned) size - 1)] = (uint8_t) test_rand_u32();
    int rc = q8rt_image_decode_preprocess_memory(bad, size, "fuzz", &p, a, err, sizeof err);
    if (rc != 0 && strncmp(err, "fuzz: ", 6) != 0) {
      CHECKF(0, "bad message: %s", err);
      break;
    }
  }
  CHECK(1);
  free(bad);

  free(a);
  free(b);
  free(rgb);
  free(data);
  free(path);
  test_all_images(images);
}

static void expect_file_error(const char* path, const char* what) {
  struct q8rt_preprocess p = make_pre(256, 224, 224, Q8RT_RGB);
  float* out = malloc(3 * 224 * 224 * sizeof(float));
  char err[512] = "";
  CHECK(q8rt_image_load_preprocessed(path, &p, out, err, sizeof err) == -1);
  CHECKF(strncmp(err, path, strlen(path)) == 0 && strstr(err, what) != NULL, "%s: got \"%s\", want \"%s\"",
         path, err, what);
  free(out);
}

static void test_bad_files(const char* tmpdir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/empty.jpg", tmpdir);
  CHECK(write_file(path, "", 0) == 0);
  expect_file_error(path, "empty file");

  snprintf(path, sizeof path, "%s/text.jpg", tmpdir);
  CHECK(write_file(path, "hello world\n", 12) == 0);
  expect_file_error(path, "not a JPEG or PNG file (starts with 68 65 6C 6C)");

  static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  snprintf(path, sizeof path, "%s/png.jpg", tmpdir);
  CHECK(write_file(path, png, sizeof png) == 0);
  expect_file_error(path, "invalid PNG data");

  static const uint8_t two[] = {0x12};
  snprintf(path, sizeof path, "%s/one.jpg", tmpdir);
  CHECK(write_file(path, two, 1) == 0);
  expect_file_error(path, "not a JPEG or PNG file (starts with 12)");

  static const uint8_t soi_only[] = {0xFF, 0xD8, 0xFF};
  snprintf(path, sizeof path, "%s/soi.jpg", tmpdir);
  CHECK(write_file(path, soi_only, sizeof soi_only) == 0);
  expect_file_error(path, "truncated JPEG data");

  snprintf(path, sizeof path, "%s/adir.jpg", tmpdir);
  CHECK(mkdir(path, 0700) == 0);
  expect_file_error(path, "is a directory");
  rmdir(path);

  snprintf(path, sizeof path, "%s/does-not-exist.jpg", tmpdir);
  expect_file_error(path, "No such file or directory");

  /* Memory variant: empty and NULL name. */
  struct q8rt_preprocess p = make_pre(8, 8, 8, Q8RT_RGB);
  float out[3 * 64];
  char err[256];
  CHECK(q8rt_image_decode_preprocess_memory("", 0, "mem.jpg", &p, out, err, sizeof err) == -1);
  CHECKF(strcmp(err, "mem.jpg: empty file") == 0, "%s", err);
  CHECK(q8rt_image_decode_preprocess_memory(png, sizeof png, NULL, &p, out, err, sizeof err) == -1);
  CHECKF(strncmp(err, "image: ", 7) == 0, "%s", err);

  /* A valid small JPEG in memory, end to end, and one whose crop does not fit. */
  uint8_t pix[8 * 8 * 3];
  for (int i = 0; i < 64; i++) pix[3 * i] = 30, pix[3 * i + 1] = 60, pix[3 * i + 2] = 90;
  unsigned long n = 0;
  unsigned char* j = encode_jpeg(pix, 8, 8, 3, &n);
  CHECKF(q8rt_image_decode_preprocess_memory(j, n, "small.jpg", &p, out, err, sizeof err) == 0, "%s", err);
  CHECK(fabsf(out[0] - 30) <= 2 && fabsf(out[64] - 60) <= 2 && fabsf(out[128 + 63] - 90) <= 2);
  p = make_pre(8, 9, 8, Q8RT_RGB);
  CHECK(q8rt_image_decode_preprocess_memory(j, n, "small.jpg", &p, out, err, sizeof err) == -1);
  CHECKF(strstr(err, "small.jpg: resized image 8x8 is smaller than the 8x9 crop") == err, "%s", err);
  free(j);
}

/* ---- resize against a double-precision reference ------------------------------------------------ */

/* The same filter in exact arithmetic, written from its definition: output pixel i of an in -> out resize
 * averages the source pixels whose centres lie within filterscale = max(in / out, 1) of (i + 0.5) * in / out,
 * with triangle weights 1 - |d| / filterscale normalised to sum 1. No fixed point, no intermediate rounding. */
static void ref_weights(uint32_t in, uint32_t out, uint32_t i, uint32_t* first, uint32_t* count, double* w) {
  const double scale = (double) in / out, fs = scale > 1.0 ? scale : 1.0, center = (i + 0.5) * scale;
  const double lo = floor(center - fs - 0.5), hi = ceil(center + fs);
  const uint32_t a = lo < 0 ? 0 : (uint32_t) lo, b = hi > in ? in : (uint32_t) hi;
  double sum = 0.0;
  for (uint32_t x = a; x < b; x++) {
    const double d = fabs(x + 0.5 - center) / fs;
    w[x - a] = d < 1.0 ? 1.0 - d : 0.0;
    sum += w[x - a];
  }
  for (uint32_t x = a; x < b; x++) w[x - a] /= sum;
  *first = a;
  *count = b - a;
}

/* sum over t < n of w[t] * p[t * stride] */
static double weighted_sum(const double* w, uint32_t n, const double* p, size_t stride) {
  double v = 0.0;
  for (uint32_t t = 0; t < n; t++) v += w[t] * p[t * stride];
  return v;
}

/* Largest |q8rt - reference| over the crop window (cw x ch at cx, cy of the rw x rh resize). */
static double resize_max_error(const uint8_t* src, uint32_t w, uint32_t h, uint32_t rw, uint32_t rh, uint32_t cx,
                               uint32_t cy, uint32_t cw, uint32_t ch, const uint8_t* got) {
  double* wx = malloc(sizeof(double) * (w + 2));
  double* wy = malloc(sizeof(double) * (h + 2));
  double* in = malloc(sizeof(double) * w * h * 3);
  double* row = malloc(sizeof(double) * cw * 3 * h); /* horizontal pass of every source row */
  for (size_t i = 0; i < (size_t) w * h * 3; i++) in[i] = src[i];
  double worst = 0.0;
  for (uint32_t x = 0; x < cw; x++) {
    uint32_t a, n;
    ref_weights(w, rw, cx + x, &a, &n, wx);
    for (uint32_t y = 0; y < h; y++)
      for (int c = 0; c < 3; c++) {
        row[((size_t) y * cw + x) * 3 + c] = weighted_sum(wx, n, in + ((size_t) y * w + a) * 3 + c, 3);
      }
  }
  for (uint32_t y = 0; y < ch; y++) {
    uint32_t a, n;
    ref_weights(h, rh, cy + y, &a, &n, wy);
    for (uint32_t x = 0; x < cw; x++)
      for (int c = 0; c < 3; c++) {
        const double v = weighted_sum(wy, n, row + ((size_t) a * cw + x) * 3 + c, (size_t) cw * 3);
        const double e = fabs(got[((size_t) y * cw + x) * 3 + c] - v);
        if (e > worst) worst = e;
      }
  }
  free(in);
  free(wx);
  free(wy);
  free(row);
  return worst;
}

/* One source size through the model's preprocessing geometry (shorter side 256, centre crop 224): a constant
 * image stays exactly constant, and (when check_ref) noise is within 1 of the reference. */
static int resize_case_ok(uint32_t w, uint32_t h, int check_ref) {
  uint32_t rw, rh;
  q8rt_image_resized_size(w, h, 256, &rw, &rh);
  const uint32_t cx = q8rt_image_crop_offset(rw, 224), cy = q8rt_image_crop_offset(rh, 224);
  uint8_t* src = malloc((size_t) w * h * 3);
  uint8_t* dst = malloc(224 * 224 * 3);
  int ok = 1;
  for (size_t i = 0; i < (size_t) w * h; i++) src[3 * i] = 0, src[3 * i + 1] = 137, src[3 * i + 2] = 255;
  if (q8rt_resize_bilinear_crop_rgb8(src, w, h, rw, rh, cx, cy, 224, 224, dst) != 0) {
    fprintf(stderr, "resize %ux%u -> %ux%u failed\n", (unsigned) w, (unsigned) h, (unsigned) rw, (unsigned) rh);
    ok = 0;
  }
  for (size_t i = 0; ok && i < 224 * 224; i++) {
    if (dst[3 * i] != 0 || dst[3 * i + 1] != 137 || dst[3 * i + 2] != 255) {
      fprintf(stderr, "resize %ux%u: constant image not constant at %zu\n", (unsigned) w, (unsigned) h, i);
      ok = 0;
    }
  }
  if (ok && check_ref) {
    for (size_t i = 0; i < (size_t) w * h * 3; i++) src[i] = (uint8_t) test_rand_u32();
    ok = q8rt_resize_bilinear_crop_rgb8(src, w, h, rw, rh, cx, cy, 224, 224, dst) == 0;
    const double e = ok ? resize_max_error(src, w, h, rw, rh, cx, cy, 224, 224, dst) : 99.0;
    if (e > 1.0 + 1e-9) {
      fprintf(stderr, "resize %ux%u -> %ux%u: %.3f from the double-precision reference\n", (unsigned) w,
              (unsigned) h, (unsigned) rw, (unsigned) rh, e);
      ok = 0;
    }
  }
  free(src);
  free(dst);
  return ok;
}

static void test_resize_sweep(void) {
  /* Every width 1..2048 against the 256 target (heights vary with the width: up- and down-scaling of both
   * axes, both orientations); the reference comparison on every 16th (every 128th under qemu). */
  test_rng_seed(4242);
  const uint32_t ref_step = getenv("Q8RT_TEST_QUICK") != NULL ? 128 : 16;
  int failed = 0;
  for (uint32_t w = 1; w <= 2048 && failed < 5; w++) {
    const uint32_t h = 1 + (w * 613u) % 1500u;
    failed += !resize_case_ok(w, h, w % ref_step == 1);
  }
  CHECKF(failed == 0, "%d widths failed", failed);
  /* Extreme ratios and sizes: the resized image of 10000x10 would be 256000x256 (never allocated). */
  static const uint32_t extreme[][2] = {{10000, 10}, {10, 10000}, {16384, 1}, {1, 16384}, {1, 1}, {2, 1},
                                        {16384, 3}, {4000, 3000}, {3, 7}};
  for (size_t i = 0; i < sizeof extreme / sizeof extreme[0]; i++) {
    CHECKF(resize_case_ok(extreme[i][0], extreme[i][1], extreme[i][0] * extreme[i][1] <= 20000),
           "%ux%u", (unsigned) extreme[i][0], (unsigned) extreme[i][1]);
  }
  /* Whole-pipeline form: q8rt_image_preprocess accepts the same extremes. */
  uint8_t* img = calloc((size_t) 16384 * 3, 1);
  float* out = malloc(sizeof(float) * 3 * 224 * 224);
  char err[256];
  struct q8rt_preprocess p = make_pre(256, 224, 224, Q8RT_RGB);
  CHECKF(q8rt_image_preprocess(img, 16384, 1, &p, "wide", out, err, sizeof err) == 0, "%s", err);
  CHECKF(q8rt_image_preprocess(img, 1, 16384, &p, "tall", out, err, sizeof err) == 0, "%s", err);
  free(img);
  free(out);
  /* Bad arguments: a window outside the resized image, zero sizes. */
  uint8_t px[3] = {1, 2, 3}, o[12];
  CHECK(q8rt_resize_bilinear_crop_rgb8(px, 1, 1, 2, 2, 1, 0, 2, 2, o) == -1);
  CHECK(q8rt_resize_bilinear_crop_rgb8(px, 0, 1, 2, 2, 0, 0, 2, 2, o) == -1);
  CHECK(q8rt_resize_bilinear_crop_rgb8(px, 1, 1, 2, 2, 0, 0, 2, 2, o) == 0 && o[9] == 1 && o[11] == 3);
}

/* ---- DCT scaling, orientation, PNG limits ----------------------------------------------------------- */

static void test_dct_scaling(void) {
  /* A smooth 1200x800 image: decoded at 3/8 (450x300, the smallest M/8 with a shorter side >= 256) for the
   * 256 target; the preprocessed result is close to the full-size decode. 500x375 (< 2 x 256) is full size. */
  const int W = 1200, H = 800;
  uint8_t* pix = malloc((size_t) W * H * 3);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      pix[((size_t) y * W + x) * 3 + 0] = (uint8_t) (x * 255 / W);
      pix[((size_t) y * W + x) * 3 + 1] = (uint8_t) (y * 255 / H);
      pix[((size_t) y * W + x) * 3 + 2] = (uint8_t) (128 + 100 * sin(x / 40.0) * cos(y / 30.0));
    }
  unsigned long n = 0;
  unsigned char* j = encode_jpeg(pix, W, H, 3, &n);
  char err[256];
  struct q8rt_image img;
  CHECKF(q8rt_image_decode(j, n, "big.jpg", 256, &img, err, sizeof err) == 0, "%s", err);
  CHECKF(img.width == 450 && img.height == 300 && img.scale_num == 3 && img.full_width == 1200 &&
             img.full_height == 800, "%ux%u scale %u/8", (unsigned) img.width, (unsigned) img.height, img.scale_num);
  struct q8rt_preprocess p = make_pre(256, 224, 224, Q8RT_RGB);
  float* a = malloc(sizeof(float) * 3 * 224 * 224);
  float* b = malloc(sizeof(float) * 3 * 224 * 224);
  CHECK(q8rt_image_preprocess_image(&img, &p, "big.jpg", a, err, sizeof err) == 0);
  q8rt_image_free(&img);
  CHECK(q8rt_image_decode(j, n, "big.jpg", 0, &img, err, sizeof err) == 0 && img.width == 1200 && img.scale_num == 8);
  CHECK(q8rt_image_preprocess_image(&img, &p, "big.jpg", b, err, sizeof err) == 0);
  q8rt_image_free(&img);
  double sum = 0.0;
  for (int i = 0; i < 3 * 224 * 224; i++) sum += fabs(a[i] - b[i]);
  CHECKF(sum / (3 * 224 * 224) < 1.0, "mean |scaled - full| = %.3f", sum / (3 * 224 * 224));
  free(j);
  j = encode_jpeg(pix, 500, 375, 3, &n);
  CHECK(q8rt_image_decode(j, n, "mid.jpg", 256, &img, err, sizeof err) == 0 && img.width == 500 && img.scale_num == 8);
  q8rt_image_free(&img);
  free(j);
  free(a);
  free(b);
  free(pix);
}

static void test_orient_source(void) {
  /* A stored 3x2 image (w x h); the upright images per the EXIF specification, by stored pixel index
   * (row-major, 0..5), read row by row. */
  static const int want[9][6] = {
      {0}, {0, 1, 2, 3, 4, 5}, {2, 1, 0, 5, 4, 3}, {5, 4, 3, 2, 1, 0}, {3, 4, 5, 0, 1, 2},
      {0, 3, 1, 4, 2, 5}, /* 5: transposed: 2 wide, 3 tall */
      {3, 0, 4, 1, 5, 2}, /* 6: turned 90 degrees clockwise to display */
      {5, 2, 4, 1, 3, 0}, /* 7: transversed */
      {2, 5, 1, 4, 0, 3}, /* 8: turned 90 degrees counter-clockwise to display */
  };
  for (unsigned o = 1; o <= 8; o++) {
    const uint32_t ow = o >= 5 ? 2 : 3;
    int ok = 1;
    for (uint32_t i = 0; i < 6; i++) {
      uint32_t sx, sy;
      q8rt_image_orient_source(o, 3, 2, i % ow, i / ow, &sx, &sy);
      ok &= (int) (sy * 3 + sx) == want[o][i];
    }
    CHECKF(ok, "orientation %u", o);
  }
}

/* Appends a PNG chunk (length, type, data, CRC) at p; returns the bytes written. */
static size_t png_chunk(uint8_t* p, const char type[4], const uint8_t* data, uint32_t n) {
  p[0] = (uint8_t) (n >> 24), p[1] = (uint8_t) (n >> 16), p[2] = (uint8_t) (n >> 8), p[3] = (uint8_t) n;
  memcpy(p + 4, type, 4);
  if (n > 0) memcpy(p + 8, data, n);
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), p + 4, n + 4);
  p[8 + n] = (uint8_t) (crc >> 24), p[9 + n] = (uint8_t) (crc >> 16), p[10 + n] = (uint8_t) (crc >> 8);
  p[11 + n] = (uint8_t) crc;
  return 12 + n;
}

static void test_png_limits(const char* tmpdir) {
  /* A PNG whose IHDR claims 20000 x 20000 (valid CRCs, an empty IDAT): rejected before any pixel buffer is
   * allocated. */
  uint8_t png[64] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  uint8_t ihdr[13] = {0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 2, 0, 0, 0};
  size_t n = 8 + png_chunk(png + 8, "IHDR", ihdr, 13);
  n += png_chunk(png + n, "IDAT", NULL, 0);
  n += png_chunk(png + n, "IEND", NULL, 0);
  char err[256];
  struct q8rt_image img;
  CHECK(q8rt_image_decode(png, n, "huge.png", 256, &img, err, sizeof err) == -1 && img.rgb == NULL);
  CHECKF(strstr(err, "huge.png: image is 20000x20000") == err, "%s", err);
  /* 8 x 8 with no image data: a clear error from libpng. */
  ihdr[2] = 0, ihdr[3] = 8, ihdr[6] = 0, ihdr[7] = 8;
  n = 8 + png_chunk(png + 8, "IHDR", ihdr, 13);
  n += png_chunk(png + n, "IDAT", NULL, 0);
  n += png_chunk(png + n, "IEND", NULL, 0);
  char path[4200];
  snprintf(path, sizeof path, "%s/nodata.png", tmpdir);
  CHECK(write_file(path, png, n) == 0);
  expect_file_error(path, "invalid PNG data");
  unlink(path);
}

/* ---- byte for byte against Pillow ------------------------------------------------------------------- */

static uint8_t* read_all(const char* path, size_t* size) {
  uint8_t* data = NULL;
  char err[512];
  if (q8rt_image_read_file(path, &data, size, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return NULL;
  }
  return data;
}

static void run_pillow_case(const char* dir, const char* line) {
  char a[1024], b[1024];
  unsigned v[8];
  char path[8192];
  if (sscanf(line, "resize %1023s %u %u %u %u %u %u %u %u %1023s", a, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
             &v[6], &v[7], b) == 10) {
    size_t ns = 0, ne = 0;
    snprintf(path, sizeof path, "%s/%s", dir, a);
    uint8_t* src = read_all(path, &ns);
    snprintf(path, sizeof path, "%s/%s", dir, b);
    uint8_t* exp = read_all(path, &ne);
    uint8_t* got = malloc((size_t) v[6] * v[7] * 3);
    int ok = src != NULL && exp != NULL && ns == (size_t) v[0] * v[1] * 3 && ne == (size_t) v[6] * v[7] * 3 &&
             q8rt_resize_bilinear_crop_rgb8(src, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], got) == 0;
    size_t diff = 0;
    for (size_t i = 0; ok && i < ne; i++) diff += got[i] != exp[i];
    CHECKF(ok && diff == 0, "Pillow %s: %zu of %zu bytes differ", a, diff, ne);
    free(src);
    free(exp);
    free(got);
  } else if (sscanf(line, "decode %1023s %u %u %1023s", a, &v[0], &v[1], b) == 4) {
    size_t n = 0, ne = 0;
    if (a[0] == '/') snprintf(path, sizeof path, "%s", a);
    else snprintf(path, sizeof path, "%s/%s", dir, a);
    uint8_t* data = read_all(path, &n);
    snprintf(path, sizeof path, "%s/%s", dir, b);
    uint8_t* exp = read_all(path, &ne);
    struct q8rt_image img;
    char err[512] = "";
    int ok = data != NULL && exp != NULL && q8rt_image_decode(data, n, a, 0, &img, err, sizeof err) == 0;
    ok = ok && img.width == v[0] && img.height == v[1] && ne == (size_t) v[0] * v[1] * 3;
    size_t diff = 0;
    for (size_t i = 0; ok && i < ne; i++) diff += img.rgb[i] != exp[i];
    CHECKF(ok && diff == 0, "Pillow decode %s: %s %ux%u, %zu bytes differ", a, err, (unsigned) img.width,
           (unsigned) img.height, diff);
    if (data != NULL && exp != NULL && err[0] == '\0') q8rt_image_free(&img);
    free(data);
    free(exp);
  } else {
    CHECKF(0, "bad case line: %s", line);
  }
}

static void test_pillow(const char* tmpdir) {
  /* test/cli/pillow_cases.py writes Pillow's bytes for resizes, photo decodes, EXIF orientations and PNGs.
   * The Python side runs on the build machine, so cross builds (qemu) skip it: the code is plain C. */
  if (getenv("Q8RT_CROSS") != NULL && getenv("Q8RT_CROSS")[0] != '\0') {
    printf("  SKIP Pillow comparison under a cross build\n");
    return;
  }
  const char* photos_dir = getenv("Q8RT_PHOTOS_DIR");
  char cmd[8192], dir[4200];
  snprintf(dir, sizeof dir, "%s/pillow", tmpdir);
  int n = snprintf(cmd, sizeof cmd, "/usr/bin/python3 test/cli/pillow_cases.py '%s'", dir);
  static const char* photos[] = {"n02091032_Italian_greyhound.JPEG", "n02676566_acoustic_guitar.JPEG",
                                 "n01748264_Indian_cobra.JPEG", "n04238763_slide_rule.JPEG", "n03584829_iron.JPEG"};
  for (size_t i = 0; photos_dir != NULL && i < sizeof photos / sizeof photos[0]; i++) {
    n += snprintf(cmd + n, sizeof cmd - (size_t) n, " '%s/images/%s'", photos_dir, photos[i]);
  }
  const int rc = system(cmd);
  CHECKF(rc == 0, "%s failed (%d): needs Debian's python3-pil (scripts/deps.sh installs it)", cmd, rc);
  if (rc != 0) return;
  char path[4300];
  snprintf(path, sizeof path, "%s/cases.txt", dir);
  FILE* f = fopen(path, "r");
  CHECK(f != NULL);
  if (f == NULL) return;
  char line[4096];
  int cases = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    run_pillow_case(dir, line);
    cases++;
  }
  fclose(f);
  CHECKF(cases >= 40, "%d cases", cases);
  printf("  Pillow: %d cases byte for byte\n", cases);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  char tmpdir[] = "/tmp/q8rt_test_image_XXXXXX";
  if (mkdtemp(tmpdir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_resized_size();
  test_constant_color();
  test_crop_no_resize();
  test_bilinear_upscale();
  test_downscale_linear();
  test_bad_preprocess();
  test_resize_sweep();
  test_orient_source();
  test_dct_scaling();
  test_png_limits(tmpdir);
  test_pillow(tmpdir);
  test_gray_and_cmyk();
  test_bad_files(tmpdir);
  test_real_jpeg(tmpdir);

  const char* names[] = {"empty.jpg", "text.jpg", "png.jpg", "one.jpg", "soi.jpg", "truncated.jpg"};
  char path[4200];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
    unlink(path);
  }
  rmdir(tmpdir);
  return test_summary("test_image");
}

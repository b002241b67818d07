/* Tests for src/cli/image.c: JPEG decoding, preprocessing (resize, crop, channel order, normalization)
 * and rejection of bad inputs. */
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

#include "cli/image.h"
#include "../common/test.h"

static double now_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
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
  CHECK(w == 5 && h == 3); /* 4.5 rounds up */
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
  /* 7x6 image, shorter side 6 = resize_shorter: no resize. Crop 3x4 (h x w): offsets (6-3)/2 = 1
   * (floor of 1.5) and (7-4)/2 = 1. */
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
        for (uint32_t x = 0; x < 4; x++) ok &= out[(c * 3 + y) * 4 + x] == (float) grad(x + 1, y + 1, order ? 2 - c : c);
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
        ok &= fabs(out2[(c * 8 + y) * 11 + x] - want) <= 0.5 + 1e-6;
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
  /* A 16384x1 image resized to shorter side 4 would be 65536 wide: rejected before allocating. */
  CHECK(q8rt_image_preprocess(img, 16384, 1, &p, "x.jpg", out, err, sizeof err) == -1);
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
  CHECKF(q8rt_image_decode_jpeg(j, n, "gray.jpg", &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
  CHECK(w == 16 && h == 8 && rgb != NULL);
  if (rgb != NULL) CHECK(rgb[0] == 200 && rgb[1] == 200 && rgb[2] == 200 && rgb[3 * 127 + 2] == 200);
  free(rgb);
  free(j);

  /* libjpeg writes an Adobe marker with CMYK, so values are read as inverted (Photoshop convention):
   * R = C*K/255 = 255*200/255 = 200, G = 128*200/255 = 100.4, B = 0. Lossy: allow +-2. */
  j = encode_jpeg(cmyk, W, H, 4, &n);
  CHECKF(q8rt_image_decode_jpeg(j, n, "cmyk.jpg", &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
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
  CHECKF(q8rt_image_decode_jpeg(pj, pn, "prog.jpg", &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
  CHECK(w == 300 && h == 200 && rgb != NULL);
  if (rgb != NULL) CHECKF(abs(rgb[0] - 40) <= 2 && abs(rgb[1] - 140) <= 2 && abs(rgb[2] - 240) <= 2, "%d %d %d", rgb[0], rgb[1], rgb[2]);
  free(rgb);
  CHECK(q8rt_image_decode_jpeg(pj, pn / 2, "prog.jpg", &rgb, &w, &h, err, sizeof err) == -1);
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
  CHECK(q8rt_image_decode_jpeg(j, n, "big.jpg", &rgb, &w, &h, err, sizeof err) == -1);
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
  CHECKF(q8rt_image_decode_jpeg(data, size, path, &rgb, &w, &h, err, sizeof err) == 0, "%s", err);
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
  p = make_pre(227, 224, 224, Q8RT_BGR);
  CHECK(q8rt_image_decode_preprocess_memory(data, size, path, &p, a, err, sizeof err) == 0);
  if (rgb != NULL && w == 227) {
    CHECK(a[0] == (float) rgb[(1 * 227 + 1) * 3 + 2] && a[224 * 224] == (float) rgb[(1 * 227 + 1) * 3 + 1] &&
          a[2 * 224 * 224 + 224 * 224 - 1] == (float) rgb[(224 * 227 + 224) * 3 + 0]);
  }

  /* Timing: decode + preprocess (256 / 224) of this image. */
  p = make_pre(256, 224, 224, Q8RT_RGB);
  const int iters = 50;
  double t0 = now_sec();
  for (int i = 0; i < iters; i++) q8rt_image_decode_preprocess_memory(data, size, path, &p, a, err, sizeof err);
  double t1 = now_sec();
  uint8_t* tmp = NULL;
  for (int i = 0; i < iters; i++) {
    q8rt_image_decode_jpeg(data, size, path, &tmp, &w, &h, err, sizeof err);
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
  expect_file_error(path, "not a JPEG file (starts with 68 65 6C 6C)");

  static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  snprintf(path, sizeof path, "%s/png.jpg", tmpdir);
  CHECK(write_file(path, png, sizeof png) == 0);
  expect_file_error(path, "not a JPEG file (starts with 89 50 4E 47)");

  static const uint8_t two[] = {0x12};
  snprintf(path, sizeof path, "%s/one.jpg", tmpdir);
  CHECK(write_file(path, two, 1) == 0);
  expect_file_error(path, "not a JPEG file (starts with 12)");

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

/* Tests for src/cli/resize_tf.c (TensorFlow's central crop + TF1 bilinear resize, rounded to uint8): argument
 * checks, crop boxes, constant images, extreme sizes, a double-precision sanity check (within 1), and byte for
 * byte against the NumPy implementation of the same TensorFlow formulas (test/cli/tf_resize_cases.py, which
 * uses test/e2e/tflite_reference.py) on random images and on full-resolution photos decoded with PIL. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/image.h"
#include "cli/resize_tf.h"
#include "../common/test.h"

static void test_bad_args(void) {
  uint8_t src[4 * 4 * 3] = {0};
  uint8_t out[8 * 8 * 3];
  memset(out, 0xAB, sizeof out);
  CHECK(!q8rt_tf_crop_resize(NULL, 4, 4, 12, 0.875f, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 0.875f, 8, 8, NULL));
  CHECK(!q8rt_tf_crop_resize(src, 0, 4, 12, 0.875f, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 0, 12, 0.875f, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 0.875f, 0, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 0.875f, 8, 0, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 11, 0.875f, 8, 8, out)); /* stride < 3 * width */
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 0.0f, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, -0.5f, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 1.0001f, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, NAN, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, INFINITY, 8, 8, out));
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, SIZE_MAX, 0.875f, 8, 8, out)); /* rows overflow size_t */
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 0.875f, UINT32_MAX, UINT32_MAX, out)); /* output bytes overflow */
  size_t untouched = 0;
  for (size_t i = 0; i < sizeof out; i++) untouched += out[i] == 0xAB;
  CHECKF(untouched == sizeof out, "%zu bytes written by failing calls", sizeof out - untouched);
  CHECK(q8rt_tf_crop_resize(src, 4, 4, 12, 1.0f, 8, 8, out));
  /* a tiny fraction: int((4 - 4e-30) / 2) = 2 in double, an empty crop for an even size, a 1-pixel one for odd */
  CHECK(!q8rt_tf_crop_resize(src, 4, 4, 12, 1e-30f, 8, 8, out));
  CHECK(q8rt_tf_crop_resize(src, 3, 3, 12, 1e-30f, 8, 8, out));
}

static void test_crop_box(void) {
  static const struct {
    uint32_t size;
    float fraction;
    uint32_t start, n;
  } cases[] = {
      {224, 0.875f, 14, 196}, /* 28 / 2 */
      {227, 0.875f, 14, 199}, /* 28.375 / 2 = 14.19 */
      {256, 0.875f, 16, 224}, {160, 0.875f, 10, 140}, {1, 0.875f, 0, 1},   {2, 0.875f, 0, 2},
      {17, 0.875f, 1, 15},    {5, 0.5f, 1, 3},        {7, 1.0f, 0, 7},     {1, 1e-30f, 0, 1},
      {4000000000u, 0.875f, 250000000u, 3500000000u}, {3, 0.25f, 1, 1},     {4, 0.25f, 1, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint32_t s = 0, n = 0;
    const bool ok = q8rt_tf_central_crop_box(cases[i].size, cases[i].fraction, &s, &n);
    CHECKF(ok && s == cases[i].start && n == cases[i].n, "crop box of %u at %g: %u + %u", (unsigned) cases[i].size,
           (double) cases[i].fraction, (unsigned) s, (unsigned) n);
  }
  uint32_t s, n;
  CHECK(!q8rt_tf_central_crop_box(0, 0.875f, &s, &n));
  CHECK(!q8rt_tf_central_crop_box(10, 0.0f, &s, &n));
  CHECK(!q8rt_tf_central_crop_box(10, 2.0f, &s, &n));
  CHECK(!q8rt_tf_central_crop_box(4, 1e-30f, &s, &n)); /* (4 - 4e-30) / 2 rounds to 2: empty */
  /* every size: 2 * start + size == total and size >= 1 */
  int bad = 0;
  for (uint32_t size = 1; size < 5000; size++) {
    if (!q8rt_tf_central_crop_box(size, 0.875f, &s, &n) || 2 * s + n != size || n == 0) bad++;
  }
  CHECK(bad == 0);
}

static uint8_t* noise(uint32_t w, uint32_t h) {
  uint8_t* p = malloc((size_t) w * h * 3);
  if (p == NULL) return NULL;
  for (size_t i = 0; i < (size_t) w * h * 3; i++) p[i] = (uint8_t) test_rand_u32();
  return p;
}

/* A constant image stays constant, for any size, fraction and output size. */
static void test_constant(void) {
  static const uint32_t sizes[][2] = {{1, 1},    {2, 1},    {1, 2},      {3, 7},     {224, 224}, {227, 227},
                                      {16384, 1}, {1, 16384}, {4000, 3}, {640, 480}, {97, 1031}};
  static const uint32_t outs[][2] = {{224, 224}, {160, 160}, {1, 1}, {5, 300}, {300, 5}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    const uint32_t w = sizes[i][0], h = sizes[i][1];
    uint8_t* src = malloc((size_t) w * h * 3);
    if (src == NULL) continue;
    for (size_t o = 0; o < sizeof outs / sizeof outs[0]; o++) {
      const uint8_t rgb[3] = {(uint8_t) (17 * i + o), 255, 0};
      for (size_t k = 0; k < (size_t) w * h; k++) memcpy(src + 3 * k, rgb, 3);
      const uint32_t ow = outs[o][0], oh = outs[o][1];
      uint8_t* out = malloc((size_t) ow * oh * 3);
      if (out == NULL) continue;
      const bool ok = q8rt_tf_crop_resize(src, w, h, (size_t) w * 3, o % 2 ? 1.0f : 0.875f, ow, oh, out);
      size_t diff = 0;
      for (size_t k = 0; ok && k < (size_t) ow * oh; k++) diff += memcmp(out + 3 * k, rgb, 3) != 0;
      CHECKF(ok && diff == 0, "constant %ux%u -> %ux%u: %zu pixels differ", (unsigned) w, (unsigned) h,
             (unsigned) ow, (unsigned) oh, diff);
      free(out);
    }
    free(src);
  }
}

/* The same formulas in double precision: the float result must be within 1 of it. */
static void reference_double(const uint8_t* src, uint32_t w, uint32_t h, double fraction, uint32_t ow,
                             uint32_t oh, double* out) {
  const uint32_t cx = (uint32_t) (((double) w - (double) w * fraction) / 2), cw = w - 2 * cx;
  const uint32_t cy = (uint32_t) (((double) h - (double) h * fraction) / 2), ch = h - 2 * cy;
  for (uint32_t y = 0; y < oh; y++) {
    const double py = (double) y * ch / oh;
    const uint32_t y0 = (uint32_t) floor(py), y1 = y0 + 1 < ch ? y0 + 1 : ch - 1;
    const double fy = py - floor(py);
    for (uint32_t x = 0; x < ow; x++) {
      const double px = (double) x * cw / ow;
      const uint32_t x0 = (uint32_t) floor(px), x1 = x0 + 1 < cw ? x0 + 1 : cw - 1;
      const double fx = px - floor(px);
      for (int c = 0; c < 3; c++) {
#define PX(yy, xx) ((double) src[((size_t) (cy + (yy)) * w + cx + (xx)) * 3 + (size_t) c])
        const double top = PX(y0, x0) * (1 - fx) + PX(y0, x1) * fx;
        const double bottom = PX(y1, x0) * (1 - fx) + PX(y1, x1) * fx;
#undef PX
        out[((size_t) y * ow + x) * 3 + (size_t) c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}

static void test_double_sanity(void) {
  int cases = 0;
  for (int i = 0; i < 60; i++) {
    const uint32_t w = test_rand_range(1, 600), h = test_rand_range(1, 600);
    const uint32_t ow = test_rand_range(1, 300), oh = test_rand_range(1, 300);
    const float fraction = i % 3 == 0 ? 1.0f : (i % 3 == 1 ? 0.875f : test_rand_uniform(0.05f, 1.0f));
    uint8_t* src = noise(w, h);
    uint8_t* out = malloc((size_t) ow * oh * 3);
    double* ref = malloc((size_t) ow * oh * 3 * sizeof(double));
    if (src == NULL || out == NULL || ref == NULL) {
      free(src), free(out), free(ref);
      continue;
    }
    const bool ok = q8rt_tf_crop_resize(src, w, h, (size_t) w * 3, fraction, ow, oh, out);
    reference_double(src, w, h, (double) fraction, ow, oh, ref);
    double worst = 0;
    for (size_t k = 0; ok && k < (size_t) ow * oh * 3; k++) {
      const double d = fabs((double) out[k] - ref[k]);
      if (d > worst) worst = d;
    }
    CHECKF(ok && worst <= 1.0, "%ux%u at %g -> %ux%u: off by %g from double", (unsigned) w, (unsigned) h,
           (double) fraction, (unsigned) ow, (unsigned) oh, worst);
    cases++;
    free(src), free(out), free(ref);
  }
  printf("  double-precision sanity: %d cases within 1\n", cases);
}

/* Extreme shapes and a large photo-sized image: succeed, output in range of the source, bounded time. */
static void test_extreme_sizes(void) {
  static const uint32_t sizes[][2] = {{16384, 1}, {1, 16384}, {16384, 2}, {2, 16384}, {4000, 3000}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    const uint32_t w = sizes[i][0], h = sizes[i][1];
    uint8_t* src = malloc((size_t) w * h * 3);
    uint8_t out[224 * 224 * 3], one[3];
    if (src == NULL) continue;
    for (size_t k = 0; k < (size_t) w * h * 3; k++) src[k] = (uint8_t) (k * 7 % 251);
    CHECK(q8rt_tf_crop_resize(src, w, h, (size_t) w * 3, 0.875f, 224, 224, out));
    CHECK(q8rt_tf_crop_resize(src, w, h, (size_t) w * 3, 0.875f, 1, 1, one));
    free(src);
  }
}

/* A case file (q8rt_image_read_file, the CLI's reader: any bytes, NULL with a message on failure). */
static uint8_t* read_case_file(const char* path, size_t* size) {
  uint8_t* data = NULL;
  char err[512];
  if (q8rt_image_read_file(path, &data, size, err, sizeof err) != 0) fprintf(stderr, "%s\n", err);
  return data;
}

static void run_case(const char* dir, const char* line, size_t* bytes) {
  char a[1024], b[1024];
  unsigned w, h, ow, oh;
  size_t stride;
  double fraction;
  if (sscanf(line, "case %1023s %u %u %zu %lf %u %u %1023s", a, &w, &h, &stride, &fraction, &ow, &oh, b) != 8) {
    CHECKF(0, "bad case line: %s", line);
    return;
  }
  char path[8192];
  size_t ns = 0, ne = 0;
  snprintf(path, sizeof path, "%s/%s", dir, a);
  uint8_t* src = read_case_file(path, &ns);
  snprintf(path, sizeof path, "%s/%s", dir, b);
  uint8_t* exp = read_case_file(path, &ne);
  uint8_t* got = malloc((size_t) ow * oh * 3);
  /* the fraction was written as the exact double of a float32 */
  const int ok = src != NULL && exp != NULL && got != NULL && ns == (size_t) h * stride &&
                 ne == (size_t) ow * oh * 3 &&
                 q8rt_tf_crop_resize(src, w, h, stride, (float) fraction, ow, oh, got);
  size_t diff = 0;
  for (size_t i = 0; ok && i < ne; i++) diff += got[i] != exp[i];
  CHECKF(ok && diff == 0, "NumPy %s (%ux%u at %.9g -> %ux%u): %zu of %zu bytes differ", a, w, h, fraction, ow, oh,
         diff, ne);
  *bytes += ne;
  free(src);
  free(exp);
  free(got);
}

static void test_numpy(void) {
  /* The Python side runs on the build machine, so cross builds (qemu) skip it: the code is plain C. */
  if (getenv("Q8RT_CROSS") != NULL && getenv("Q8RT_CROSS")[0] != '\0') {
    printf("  SKIP NumPy comparison under a cross build\n");
    return;
  }
  char dir[] = "/tmp/q8rt_test_resize_tf_XXXXXX";
  if (mkdtemp(dir) == NULL) {
    CHECK(0);
    return;
  }
  const char* photos_dir = getenv("Q8RT_PHOTOS_DIR");
  char cmd[8192];
  int n = snprintf(cmd, sizeof cmd, "/usr/bin/python3 test/cli/tf_resize_cases.py '%s'", dir);
  static const char* photos[] = {"n02091032_Italian_greyhound.JPEG", "n02676566_acoustic_guitar.JPEG",
                                 "n01748264_Indian_cobra.JPEG", "n04238763_slide_rule.JPEG", "n03584829_iron.JPEG"};
  int nphotos = 0;
  for (size_t i = 0; photos_dir != NULL && i < sizeof photos / sizeof photos[0]; i++) {
    char p[4200];
    snprintf(p, sizeof p, "%s/images/%s", photos_dir, photos[i]);
    if (access(p, R_OK) != 0) continue;
    n += snprintf(cmd + n, sizeof cmd - (size_t) n, " '%s'", p);
    nphotos++;
  }
  const int rc = system(cmd);
  CHECKF(rc == 0, "%s failed (%d): needs Debian's python3-numpy and python3-pil (scripts/deps.sh)", cmd, rc);
  if (rc == 0) {
    char path[4300];
    snprintf(path, sizeof path, "%s/cases.txt", dir);
    FILE* f = fopen(path, "r");
    CHECK(f != NULL);
    if (f != NULL) {
      char line[4096];
      int cases = 0;
      size_t bytes = 0;
      while (fgets(line, sizeof line, f) != NULL) {
        run_case(dir, line, &bytes);
        cases++;
      }
      fclose(f);
      CHECKF(cases >= 55, "%d cases", cases);
      printf("  NumPy (TensorFlow formulas): %d cases, %zu bytes, byte for byte (%d full-resolution photos)\n", cases,
             bytes, nphotos);
    }
  }
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  test_rng_seed(20261206);
  test_bad_args();
  test_crop_box();
  test_constant();
  test_double_sanity();
  test_extreme_sizes();
  test_numpy();
  return test_summary("test_resize_tf");
}

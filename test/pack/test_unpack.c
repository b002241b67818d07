/* q8rt_unpack_gemm / q8rt_unpack_dw are the exact inverses of q8rt_pack_gemm / q8rt_pack_dw: random weights,
 * biases and zero points are packed, unpacked and compared exactly (w - kernel_zero_point and the original
 * int32 bias), then the float versions are checked against (w - zp) * scale and bias * bias_scale. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack/pack.h"
#include "pack/unpack.h"
#include "test.h"

static void gemm_case(size_t n, size_t kc, size_t ks, int mode) {
  const uint8_t izp = (uint8_t) test_rand_u32(), kzp = (uint8_t) test_rand_u32();
  const size_t count = n * ks * kc;
  uint8_t* w = malloc(count);
  for (size_t i = 0; i < count; i++) w[i] = mode == 1 ? (uint8_t) (i & 1 ? 0 : 255) : (uint8_t) test_rand_u32();
  int32_t* bias = malloc(sizeof(int32_t) * n);
  for (size_t i = 0; i < n; i++) bias[i] = (int32_t) test_rand_range(0, 2000000) - 1000000;
  void* packed = malloc(q8rt_pack_gemm_size(n, kc, ks));
  const bool packed_ok = q8rt_pack_gemm(n, kc, ks, izp, kzp, w, bias, packed);
  CHECK(packed_ok);
  int16_t* wu = malloc(sizeof(int16_t) * count);
  int32_t* bu = malloc(sizeof(int32_t) * n);
  q8rt_unpack_gemm_int(n, kc, ks, izp, kzp, packed, wu, bu);
  size_t bad_w = 0, bad_b = 0;
  for (size_t i = 0; i < count; i++) bad_w += wu[i] != (int16_t) ((int) w[i] - (int) kzp);
  for (size_t i = 0; i < n; i++) bad_b += bu[i] != bias[i];
  CHECKF(bad_w == 0 && bad_b == 0, "gemm n=%zu kc=%zu ks=%zu izp=%u kzp=%u: %zu weights, %zu biases differ", n, kc,
         ks, izp, kzp, bad_w, bad_b);
  /* float version */
  const float ws = test_rand_uniform(0.001f, 0.05f), bs = test_rand_uniform(0.0001f, 0.001f);
  float* wf = malloc(sizeof(float) * count);
  float* bf = malloc(sizeof(float) * n);
  CHECK(q8rt_unpack_gemm(n, kc, ks, izp, kzp, ws, bs, packed, wf, bf));
  bad_w = bad_b = 0;
  for (size_t i = 0; i < count; i++) bad_w += wf[i] != (float) ((int) w[i] - (int) kzp) * ws;
  for (size_t i = 0; i < n; i++) bad_b += bf[i] != (float) ((double) bias[i] * (double) bs);
  CHECKF(bad_w == 0 && bad_b == 0, "gemm float n=%zu kc=%zu ks=%zu: %zu weights, %zu biases differ", n, kc, ks, bad_w,
         bad_b);
  free(w), free(bias), free(packed), free(wu), free(bu), free(wf), free(bf);
}

static void dw_case(size_t channels, int mode) {
  const uint8_t izp = (uint8_t) test_rand_u32(), kzp = (uint8_t) test_rand_u32();
  const size_t count = channels * 9;
  uint8_t* w = malloc(count);
  for (size_t i = 0; i < count; i++) w[i] = mode == 1 ? (uint8_t) (i & 1 ? 0 : 255) : (uint8_t) test_rand_u32();
  int32_t* bias = malloc(sizeof(int32_t) * channels);
  for (size_t i = 0; i < channels; i++) bias[i] = (int32_t) test_rand_range(0, 2000000) - 1000000;
  void* packed = malloc(q8rt_pack_dw_size(channels));
  CHECK(q8rt_pack_dw(channels, izp, kzp, w, bias, packed));
  int16_t* wu = malloc(sizeof(int16_t) * count);
  int32_t* bu = malloc(sizeof(int32_t) * channels);
  q8rt_unpack_dw_int(channels, izp, kzp, packed, wu, bu);
  size_t bad_w = 0, bad_b = 0;
  for (size_t i = 0; i < count; i++) bad_w += wu[i] != (int16_t) ((int) w[i] - (int) kzp);
  for (size_t i = 0; i < channels; i++) bad_b += bu[i] != bias[i];
  CHECKF(bad_w == 0 && bad_b == 0, "dw channels=%zu izp=%u kzp=%u: %zu weights, %zu biases differ", channels, izp, kzp,
         bad_w, bad_b);
  const float ws = test_rand_uniform(0.001f, 0.05f), bs = test_rand_uniform(0.0001f, 0.001f);
  float* wf = malloc(sizeof(float) * count);
  float* bf = malloc(sizeof(float) * channels);
  CHECK(q8rt_unpack_dw(channels, izp, kzp, ws, bs, packed, wf, bf));
  bad_w = bad_b = 0;
  for (size_t i = 0; i < count; i++) bad_w += wf[i] != (float) ((int) w[i] - (int) kzp) * ws;
  for (size_t i = 0; i < channels; i++) bad_b += bf[i] != (float) ((double) bias[i] * (double) bs);
  CHECKF(bad_w == 0 && bad_b == 0, "dw float channels=%zu: %zu weights, %zu biases differ", channels, bad_w, bad_b);
  free(w), free(bias), free(packed), free(wu), free(bu), free(wf), free(bf);
}

int main(void) {
  test_rng_seed(0x0A9C);
  for (size_t n = 1; n <= 20; n++) {
    for (size_t kc = 1; kc <= 20; kc++) gemm_case(n, kc, test_rand_range(1, 3), 0);
  }
  for (int i = 0; i < 200; i++) {
    gemm_case(test_rand_range(1, 300), test_rand_range(1, 400), test_rand_range(0, 2) ? 1 : test_rand_range(1, 25),
              test_rand_range(0, 5) == 0);
  }
  gemm_case(1000, 1280, 1, 0);
  for (size_t c = 1; c <= 70; c++) dw_case(c, 0);
  for (int i = 0; i < 100; i++) dw_case(test_rand_range(1, 1000), test_rand_range(0, 5) == 0);
  return test_summary("test_unpack");
}

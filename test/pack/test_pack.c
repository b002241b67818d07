/* Weight packing: read every position back with independently derived offsets (kernels/layout.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/test.h"
#include "../../src/pack/pack.h"

static int32_t rd_i32(const uint8_t* p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void gemm_case(size_t n, size_t kc, size_t ks) {
  const uint8_t izp = (uint8_t) test_rand_range(0, 255), kzp = (uint8_t) test_rand_range(0, 255);
  uint8_t* w = malloc(n * ks * kc);
  for (size_t i = 0; i < n * ks * kc; i++) w[i] = (uint8_t) test_rand_u32();
  int32_t* bias = malloc(n * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) bias[i] = (int32_t) test_rand_range(0, 2000000) - 1000000;
  const bool with_bias = test_rand_range(0, 3) != 0;

  const size_t panels = (n + 7) / 8, kcp = (kc + 1) / 2 * 2;
  const size_t panel_bytes = 32 + ks * kcp * 8;
  const size_t size = q8rt_pack_gemm_size(n, kc, ks);
  CHECKF(size == panels * panel_bytes, "gemm size n=%zu kc=%zu ks=%zu", n, kc, ks);
  uint8_t* packed = malloc(size);
  memset(packed, 0xEE, size);
  CHECK(q8rt_pack_gemm(n, kc, ks, izp, kzp, w, with_bias ? bias : NULL, packed));

  bool ok = true;
  for (size_t p = 0; p < panels; p++) {
    const uint8_t* base = packed + p * panel_bytes;
    for (size_t j = 0; j < 8; j++) {
      const size_t oc = p * 8 + j;
      int64_t want = 0;
      if (oc < n) {
        int64_t s = 0;
        for (size_t i = 0; i < ks * kc; i++) s += (int64_t) w[oc * ks * kc + i] - kzp;
        want = (with_bias ? bias[oc] : 0) - (int64_t) izp * s;
      }
      if (rd_i32(base + 4 * j) != want) ok = false;
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kcp; k++) {
          const uint8_t got = base[32 + t * kcp * 8 + (k / 2) * 16 + j * 2 + (k % 2)];
          const uint8_t exp = (oc < n && k < kc) ? w[(oc * ks + t) * kc + k] : kzp;
          if (got != exp) ok = false;
        }
      }
    }
  }
  CHECKF(ok, "gemm packing n=%zu kc=%zu ks=%zu", n, kc, ks);
  free(w);
  free(bias);
  free(packed);
}

static void dw_case(size_t channels) {
  const uint8_t izp = (uint8_t) test_rand_range(0, 255), kzp = (uint8_t) test_rand_range(0, 255);
  uint8_t* w = malloc(channels * 9);
  for (size_t i = 0; i < channels * 9; i++) w[i] = (uint8_t) test_rand_u32();
  int32_t* bias = malloc(channels * sizeof(int32_t));
  for (size_t i = 0; i < channels; i++) bias[i] = (int32_t) test_rand_range(0, 2000000) - 1000000;
  const size_t tiles = (channels + 7) / 8, tile_bytes = 32 + 72;
  const size_t size = q8rt_pack_dw_size(channels);
  CHECKF(size == tiles * tile_bytes, "dw size channels=%zu", channels);
  uint8_t* packed = malloc(size);
  memset(packed, 0xEE, size);
  CHECK(q8rt_pack_dw(channels, izp, kzp, w, bias, packed));
  bool ok = true;
  for (size_t tile = 0; tile < tiles; tile++) {
    const uint8_t* base = packed + tile * tile_bytes;
    for (size_t j = 0; j < 8; j++) {
      const size_t c = tile * 8 + j;
      int64_t want = 0;
      if (c < channels) {
        int64_t s = 0;
        for (size_t i = 0; i < 9; i++) s += (int64_t) w[c * 9 + i] - kzp;
        want = bias[c] - (int64_t) izp * s;
      }
      if (rd_i32(base + 4 * j) != want) ok = false;
      for (size_t ky = 0; ky < 3; ky++) {
        for (size_t kx = 0; kx < 3; kx++) {
          const uint8_t got = base[32 + (kx * 3 + ky) * 8 + j];
          const uint8_t exp = c < channels ? w[c * 9 + ky * 3 + kx] : kzp;
          if (got != exp) ok = false;
        }
      }
    }
  }
  CHECKF(ok, "dw packing channels=%zu", channels);
  free(w);
  free(bias);
  free(packed);
}

int main(void) {
  test_rng_seed(0xBAC);
  for (size_t n = 1; n <= 20; n++) {
    for (size_t kc = 1; kc <= 9; kc++) gemm_case(n, kc, test_rand_range(1, 9));
  }
  for (int i = 0; i < 50; i++) gemm_case(test_rand_range(1, 70), test_rand_range(1, 70), test_rand_range(1, 9));
  for (size_t c = 1; c <= 40; c++) dw_case(c);

  /* folded bias overflow is reported */
  {
    uint8_t w[4] = {255, 255, 255, 255};
    int32_t bias[1] = {INT32_MIN + 10};
    uint8_t packed[64];
    CHECK(!q8rt_pack_gemm(1, 4, 1, 255, 0, w, bias, packed)); /* bias - 255 * 1020 < INT32_MIN */
    bias[0] = 0;
    CHECK(q8rt_pack_gemm(1, 4, 1, 255, 0, w, bias, packed));
    uint8_t wd[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    int32_t bd[1] = {INT32_MAX - 5};
    uint8_t pd[104];
    CHECK(!q8rt_pack_dw(1, 255, 255, wd, bd, pd)); /* bias + 255 * 9 * 255 > INT32_MAX */
    bd[0] = INT32_MAX - 255 * 9 * 255;
    CHECK(q8rt_pack_dw(1, 255, 255, wd, bd, pd) && rd_i32(pd) == INT32_MAX);
  }
  /* size formulas */
  CHECK(q8rt_pack_gemm_size(1, 1, 1) == 32 + 16);
  CHECK(q8rt_pack_gemm_size(9, 3, 9) == 2 * (32 + 9 * 4 * 8));
  CHECK(q8rt_pack_dw_size(9) == 2 * 104);
  return test_summary("test_pack");
}

/* Weight packing: read every position back with independently derived offsets (kernels/layout.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../common/test.h"
#include "../../kernels/layout.h"
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

  /* 4-column panels: int32 bias[4], then int16 (w - kzp) in blocks of 8 k x 4 vectors; vector r holds
   * column (j + r) % 4 in lanes 2j, 2j + 1 */
  const size_t panels = (n + 3) / 4, kcp = (kc + 7) / 8 * 8;
  const size_t panel_bytes = 16 + ks * kcp * 4 * 2;
  const size_t size = q8rt_pack_gemm_size(n, kc, ks);
  CHECKF(size == panels * panel_bytes, "gemm size n=%zu kc=%zu ks=%zu", n, kc, ks);
  uint8_t* packed = malloc(size);
  memset(packed, 0xEE, size);
  CHECK(q8rt_pack_gemm(n, kc, ks, izp, kzp, w, with_bias ? bias : NULL, packed));

  bool ok = true;
  for (size_t p = 0; p < panels; p++) {
    const uint8_t* base = packed + p * panel_bytes;
    for (size_t j = 0; j < 4; j++) {
      const size_t oc = p * 4 + j;
      int64_t want = 0;
      if (oc < n) {
        int64_t s = 0;
        for (size_t i = 0; i < ks * kc; i++) s += (int64_t) w[oc * ks * kc + i] - kzp;
        want = (with_bias ? bias[oc] : 0) - (int64_t) izp * s;
      }
      if (rd_i32(base + 4 * j) != want) ok = false;
      for (size_t t = 0; t < ks; t++) {
        for (size_t k = 0; k < kcp; k++) {
          const size_t pair = (k % 8) / 2, vec = (j + 4 - pair) % 4;
          int16_t got;
          memcpy(&got, base + 16 + 2 * (t * kcp * 4 + (k / 8) * 32 + vec * 8 + (k % 8)), 2);
          const int exp = (oc < n && k < kc) ? (int) w[(oc * ks + t) * kc + k] - (int) kzp : 0;
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
  /* tiles of 16 channels: int32 bias[16] by lane, then int16 w[5 tap pairs][16 lanes][2] */
  const size_t tiles = (channels + 15) / 16, tile_bytes = 64 + 5 * 16 * 4;
  const size_t size = q8rt_pack_dw_size(channels);
  CHECKF(size == tiles * tile_bytes, "dw size channels=%zu", channels);
  uint8_t* packed = malloc(size);
  memset(packed, 0xEE, size);
  CHECK(q8rt_pack_dw(channels, izp, kzp, w, bias, packed));
  static const size_t lane_of[16] = {0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15};
  bool ok = true;
  for (size_t tile = 0; tile < tiles; tile++) {
    const uint8_t* base = packed + tile * tile_bytes;
    for (size_t j = 0; j < 16; j++) {
      const size_t c = tile * 16 + j, lane = lane_of[j];
      if ((size_t) Q8RT_DW_LANE(j) != lane) ok = false;
      int64_t want = 0;
      if (c < channels) {
        int64_t s = 0;
        for (size_t i = 0; i < 9; i++) s += (int64_t) w[c * 9 + i] - kzp;
        want = bias[c] - (int64_t) izp * s;
      }
      if (rd_i32(base + 4 * lane) != want) ok = false;
      for (size_t t = 0; t < 10; t++) {
        const size_t kx = t / 3, ky = t % 3;
        const uint8_t* p = base + 64 + ((t / 2) * 16 + lane) * 4 + (t % 2) * 2;
        const int16_t got = (int16_t) (uint16_t) (p[0] | p[1] << 8);
        const int16_t exp = c < channels && t < 9 ? (int16_t) ((int) w[c * 9 + ky * 3 + kx] - kzp) : 0;
        if (got != exp) ok = false;
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
  for (size_t c = 1; c <= 50; c++) dw_case(c);

  /* folded bias overflow is reported */
  {
    uint8_t w[4] = {255, 255, 255, 255};
    int32_t bias[1] = {INT32_MIN + 10};
    uint8_t packed[16 + 8 * 4 * 2]; /* one panel, kc 4 -> 8 */
    CHECK(sizeof packed == q8rt_pack_gemm_size(1, 4, 1));
    CHECK(!q8rt_pack_gemm(1, 4, 1, 255, 0, w, bias, packed)); /* bias - 255 * 1020 < INT32_MIN */
    bias[0] = 0;
    CHECK(q8rt_pack_gemm(1, 4, 1, 255, 0, w, bias, packed));
    uint8_t wd[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    int32_t bd[1] = {INT32_MAX - 5};
    uint8_t pd[384];
    CHECK(!q8rt_pack_dw(1, 255, 255, wd, bd, pd)); /* bias + 255 * 9 * 255 > INT32_MAX */
    bd[0] = INT32_MAX - 255 * 9 * 255;
    CHECK(q8rt_pack_dw(1, 255, 255, wd, bd, pd) && rd_i32(pd) == INT32_MAX);
  }
  /* size formulas */
  CHECK(q8rt_pack_gemm_size(1, 1, 1) == 16 + 8 * 4 * 2);
  CHECK(q8rt_pack_gemm_size(9, 3, 9) == 3 * (16 + 9 * 8 * 4 * 2));
  CHECK(q8rt_pack_dw_size(9) == 384);
  CHECK(q8rt_pack_dw_size(17) == 2 * 384);
  return test_summary("test_pack");
}

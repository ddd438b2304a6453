/* Repeated blur of a 512 x 512 8-bit image: each pass averages every pixel
 * with its left and right neighbours, then with those above and below, as
 * avgr(avgr(left, right), centre) on 16 pixels at a time (i8x16.avgr_u,
 * pavgb natively). Rows carry 16 bytes of zero padding on each side, so the
 * vector loads at the edges need no special case. Wasm SIMD kernel: built
 * with -msimd128. */
#include "kernel.h"
#include "simd128.h"

#define BLUR_W 512u
#define BLUR_H 512u
#define BLUR_STRIDE (BLUR_W + 32u)
#define BLUR_MAX_N 100000u

static uint8_t image[BLUR_H * BLUR_STRIDE];
static uint8_t across[BLUR_H * BLUR_STRIDE];

uint32_t max_n(void) { return BLUR_MAX_N; }

static inline uint32_t at(uint32_t x, uint32_t y) { return y * BLUR_STRIDE + 16u + x; }

static void blur_pass(void) {
  for (uint32_t y = 0; y < BLUR_H; y++)
    for (uint32_t x = 0; x < BLUR_W; x += 16) {
      const uint8_t *p = image + at(x, y);
      v128_t sides = wasm_u8x16_avgr(wasm_v128_load(p - 1), wasm_v128_load(p + 1));
      wasm_v128_store(across + at(x, y), wasm_u8x16_avgr(sides, wasm_v128_load(p)));
    }
  /* The first and last rows keep their previous values. */
  for (uint32_t y = 1; y + 1 < BLUR_H; y++)
    for (uint32_t x = 0; x < BLUR_W; x += 16) {
      v128_t sides = wasm_u8x16_avgr(wasm_v128_load(across + at(x, y - 1)),
                                     wasm_v128_load(across + at(x, y + 1)));
      wasm_v128_store(image + at(x, y), wasm_u8x16_avgr(sides, wasm_v128_load(across + at(x, y))));
    }
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, BLUR_MAX_N);
  uint32_t seed = 0x27D4EB2Fu;
  for (uint32_t y = 0; y < BLUR_H; y++)
    for (uint32_t x = 0; x < BLUR_W; x++) image[at(x, y)] = (uint8_t)xorshift32(&seed);
  for (uint32_t pass = 0; pass < n; pass++) blur_pass();
  uint32_t hash = CHECKSUM_INIT;
  for (uint32_t y = 0; y < BLUR_H; y++)
    for (uint32_t x = 0; x < BLUR_W; x += 4) {
      const uint8_t *p = image + at(x, y);
      hash = checksum_add(hash, (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                                    (uint32_t)p[3] << 24);
    }
  return hash;
}

/* Base64 encoding (RFC 4648, standard alphabet) of a 12 KiB buffer, N
 * times, 12 input bytes to 16 characters per step: a byte shuffle spreads
 * each 3-byte group over a 32-bit lane, shifts and masks cut out the four
 * 6-bit indices, and a 16-entry table of offsets (chosen by a saturating
 * subtract and a compare) turns indices into ASCII (the method of Mula and
 * Lemire, with shifts in place of the 16-bit multiplies wasm lacks). After
 * each round one output byte is fed back into the input, so no round can be
 * skipped. Wasm SIMD kernel: built with -msimd128 (natively with -mssse3 for
 * pshufb). */
#include "kernel.h"
#include "simd128.h"

#define B64_IN 12288u /* 1024 steps of 12 bytes */
#define B64_OUT 16384u
#define B64_MAX_N 1000000u

/* 4 bytes of slack: the last step loads 16 bytes to use 12. */
static uint8_t input[B64_IN + 4];
static uint8_t output[B64_OUT];

uint32_t max_n(void) { return B64_MAX_N; }

static inline v128_t encode_step(v128_t in) {
  /* Bytes a b c of each group become the lane [b a c b]: as u32 its bits
   * 10-15 hold a>>2, 4-9 the next index, 22-27 and 16-21 the last two. */
  v128_t spread = wasm_i8x16_swizzle(in, wasm_i8x16_make(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9,
                                                         11, 10));
  v128_t i0 = wasm_v128_and(wasm_u32x4_shr(spread, 10), wasm_i32x4_splat(0x3F));
  v128_t i1 = wasm_v128_and(wasm_i32x4_shl(spread, 4), wasm_i32x4_splat(0x3F00));
  v128_t i2 = wasm_v128_and(wasm_u32x4_shr(spread, 6), wasm_i32x4_splat(0x3F0000));
  v128_t i3 = wasm_v128_and(wasm_i32x4_shl(spread, 8), wasm_i32x4_splat(0x3F000000));
  v128_t indices = wasm_v128_or(wasm_v128_or(i0, i1), wasm_v128_or(i2, i3));
  /* 0-25 -> 'A'.., 26-51 -> 'a'.., 52-61 -> '0'.., 62 -> '+', 63 -> '/'. */
  v128_t range = wasm_u8x16_sub_sat(indices, wasm_i8x16_splat(51));
  v128_t upper = wasm_i8x16_gt(wasm_i8x16_splat(26), indices);
  range = wasm_v128_or(range, wasm_v128_and(upper, wasm_i8x16_splat(13)));
  v128_t offsets = wasm_i8x16_make('a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                                   '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '+' - 62,
                                   '/' - 63, 'A', 0, 0);
  return wasm_i8x16_add(wasm_i8x16_swizzle(offsets, range), indices);
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, B64_MAX_N);
  uint32_t seed = 0x165667B1u;
  for (uint32_t i = 0; i < B64_IN; i++) input[i] = (uint8_t)xorshift32(&seed);
  for (uint32_t round = 0; round < n; round++) {
    for (uint32_t step = 0; step < B64_IN / 12; step++)
      wasm_v128_store(output + step * 16, encode_step(wasm_v128_load(input + step * 12)));
    input[round % B64_IN] = output[round % B64_OUT];
  }
  uint32_t hash = CHECKSUM_INIT;
  for (uint32_t i = 0; i < B64_OUT; i += 4)
    hash = checksum_add(hash, (uint32_t)output[i] | (uint32_t)output[i + 1] << 8 |
                                  (uint32_t)output[i + 2] << 16 | (uint32_t)output[i + 3] << 24);
  return hash;
}

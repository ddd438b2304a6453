/* Dot products of two 4096-element int16 vectors, eight lanes at a time:
 * i32x4.dot_i16x8_s (pmaddwd natively) into four i32 accumulators. Each
 * round's result is written back into the first vector, so no round can be
 * hoisted out of the loop. Wasm SIMD kernel: built with -msimd128. */
#include "kernel.h"
#include "simd128.h"

#define DOT_LEN 4096u
#define DOT_MAX_N (1u << 24)

static int16_t a[DOT_LEN];
static int16_t b[DOT_LEN];

uint32_t max_n(void) { return DOT_MAX_N; }

static uint32_t dot(void) {
  v128_t acc = wasm_i32x4_splat(0);
  for (uint32_t i = 0; i < DOT_LEN; i += 8)
    acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  return (uint32_t)wasm_i32x4_extract_lane(acc, 0) + (uint32_t)wasm_i32x4_extract_lane(acc, 1) +
         (uint32_t)wasm_i32x4_extract_lane(acc, 2) + (uint32_t)wasm_i32x4_extract_lane(acc, 3);
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, DOT_MAX_N);
  uint32_t seed = 0x85EBCA6Bu;
  for (uint32_t i = 0; i < DOT_LEN; i++) {
    a[i] = (int16_t)(xorshift32(&seed) & 0xFFFF);
    b[i] = (int16_t)(xorshift32(&seed) & 0xFFFF);
  }
  uint32_t hash = CHECKSUM_INIT;
  for (uint32_t round = 0; round < n; round++) {
    uint32_t d = dot();
    hash = checksum_add(hash, d);
    a[round % DOT_LEN] = (int16_t)(d & 0xFFFF);
  }
  return hash;
}

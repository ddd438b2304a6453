/* The 128-bit SIMD intrinsics the SIMD kernels use, under their
 * wasm_simd128.h names. The wasm build (-msimd128) takes clang's own
 * wasm_simd128.h; the native build maps each one to the SSE2 intrinsic that
 * computes the same lanes (SSE2 is the x86-64 baseline; only the byte
 * shuffle needs SSSE3, and a kernel using it is built natively with -mssse3). The kernels thus run the same algorithm, vector
 * instruction for vector instruction, in both builds. */
#ifndef FLINT_BENCH_SIMD128_H
#define FLINT_BENCH_SIMD128_H

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>

typedef __m128i v128_t;

static inline v128_t wasm_v128_load(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
static inline void wasm_v128_store(void *p, v128_t v) { _mm_storeu_si128((__m128i *)p, v); }
static inline v128_t wasm_i32x4_splat(int32_t x) { return _mm_set1_epi32(x); }
static inline v128_t wasm_i32x4_add(v128_t a, v128_t b) { return _mm_add_epi32(a, b); }
/* i32x4.dot_i16x8_s and pmaddwd: sums of adjacent signed 16-bit products. */
static inline v128_t wasm_i32x4_dot_i16x8(v128_t a, v128_t b) { return _mm_madd_epi16(a, b); }
/* i8x16.avgr_u and pavgb: (a + b + 1) >> 1 per unsigned byte. */
static inline v128_t wasm_u8x16_avgr(v128_t a, v128_t b) { return _mm_avg_epu8(a, b); }
#define wasm_i32x4_extract_lane(v, lane) _mm_cvtsi128_si32(_mm_srli_si128((v), (lane) * 4))
static inline v128_t wasm_i8x16_splat(int8_t x) { return _mm_set1_epi8(x); }
static inline v128_t wasm_v128_and(v128_t a, v128_t b) { return _mm_and_si128(a, b); }
static inline v128_t wasm_v128_or(v128_t a, v128_t b) { return _mm_or_si128(a, b); }
static inline v128_t wasm_i8x16_add(v128_t a, v128_t b) { return _mm_add_epi8(a, b); }
static inline v128_t wasm_u8x16_sub_sat(v128_t a, v128_t b) { return _mm_subs_epu8(a, b); }
static inline v128_t wasm_i8x16_gt(v128_t a, v128_t b) { return _mm_cmpgt_epi8(a, b); }
static inline v128_t wasm_i32x4_shl(v128_t a, uint32_t n) { return _mm_slli_epi32(a, (int)n); }
static inline v128_t wasm_u32x4_shr(v128_t a, uint32_t n) { return _mm_srli_epi32(a, (int)n); }
#define wasm_i8x16_make _mm_setr_epi8
#if defined(__SSSE3__)
#include <tmmintrin.h>
/* i8x16.swizzle and pshufb agree on indices 0-15, the only ones the kernels
 * use (pshufb would read index & 15 where swizzle gives 0 for 16-127). */
static inline v128_t wasm_i8x16_swizzle(v128_t a, v128_t s) { return _mm_shuffle_epi8(a, s); }
#endif
#else
#error "the SIMD kernels need wasm32 with -msimd128 or x86-64"
#endif

#endif

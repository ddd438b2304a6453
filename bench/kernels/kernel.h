/* The contract every benchmark kernel in this folder follows.
 *
 * Each kernel is one C file compiled twice from the same source: natively
 * (linked with native_main.c) and to a freestanding wasm32 module that
 * exports only `run`. The wasm build has no libc and no WASI, so kernels use
 * nothing but the helpers below, fixed-width integer arithmetic and static
 * arrays (which live in the module's linear memory). All arithmetic is on
 * uint32_t so the checksum is bit-identical on x86-64 and wasm32, whose
 * `long` and pointer widths differ.
 *
 * Loops that a compiler could turn into memset/memcpy are avoided on
 * purpose: without the bulk-memory feature clang lowers those idioms to libc
 * calls, which the freestanding link cannot resolve. */
#ifndef FLINT_BENCH_KERNEL_H
#define FLINT_BENCH_KERNEL_H

#include <stdint.h> /* clang's freestanding copy; no libc needed */

/* Does the kernel's work for size `n` and returns a checksum of the result,
 * so the work cannot be optimised away and both builds can be compared.
 * An n outside [0, max_n()] is clamped (never undefined behaviour). */
uint32_t run(int32_t n);

/* The largest n the kernel's static arrays (or its u32 result) allow. Only
 * the native wrapper uses it, to reject a bad N with a message. */
uint32_t max_n(void);

/* xorshift32 (Marsaglia 2003): a deterministic pseudo-random stream that is
 * cheap in both builds; never returns 0 for a non-zero state. */
static inline uint32_t xorshift32(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

/* One FNV-1a step over a whole 32-bit word: folds `value` into `hash`. */
#define CHECKSUM_INIT 2166136261u
static inline uint32_t checksum_add(uint32_t hash, uint32_t value) {
  return (hash ^ value) * 16777619u;
}

static inline uint32_t clamp_n(int32_t n, uint32_t max) {
  if (n < 0) return 0;
  return (uint32_t)n > max ? max : (uint32_t)n;
}

#endif

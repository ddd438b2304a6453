/* Fannkuch-redux (the Computer Language Benchmarks Game; Anderson and
 * Rettig, "Performing Lisp analysis of the FANNKUCH benchmark", 1994): for
 * every permutation of 0..n-1, count the prefix reversals ("pancake
 * flips") until 0 comes first. Small arrays, short data-dependent loops
 * and unpredictable branches. run(n) folds the benchmark's two results,
 * the permutation checksum and the maximum flip count; n! permutations are
 * visited (n = 10: 3.6 million). */
#include "kernel.h"

#define FANNKUCH_MAX_N 12u
#define SLOTS 16 /* >= FANNKUCH_MAX_N; whole-array copies have a constant size */

uint32_t run(int32_t n_in) {
  int n = (int)clamp_n(n_in, FANNKUCH_MAX_N);
  if (n < 1) return checksum_add(checksum_add(CHECKSUM_INIT, 0), 0);
  /* perm1 is the current permutation, count the mixed-radix counter that
   * enumerates them (in the benchmark's rotation order), perm the copy
   * being flipped. Slots past n stay unused. */
  uint8_t perm[SLOTS], perm1[SLOTS], count[SLOTS];
  for (int i = 0; i < SLOTS; i++) {
    perm1[i] = (uint8_t)i;
    count[i] = 0;
  }
  int32_t checksum = 0, max_flips = 0, permutation = 0, r = n;
  for (;;) {
    for (; r != 1; r--) count[r - 1] = (uint8_t)r;
    /* A whole-array copy: constant-size, so it compiles to a few moves in
     * both builds rather than a memcpy call the wasm build cannot link. */
    for (int i = 0; i < SLOTS; i++) perm[i] = perm1[i];
    int flips = 0;
    for (int k = perm[0]; k != 0; k = perm[0]) {
      for (int lo = 0, hi = k; lo < hi; lo++, hi--) {
        uint8_t t = perm[lo];
        perm[lo] = perm[hi];
        perm[hi] = t;
      }
      flips++;
    }
    if (flips > max_flips) max_flips = flips;
    checksum += permutation % 2 == 0 ? flips : -flips;

    /* Next permutation: rotate the first r+1 elements left by one; when
     * count[r] runs out, widen the rotation. */
    for (;;) {
      if (r == n) return checksum_add(checksum_add(CHECKSUM_INIT, (uint32_t)checksum),
                                      (uint32_t)max_flips);
      /* Walking down with the displaced element in hand: a shifting copy
       * would become a memmove call, which the wasm build cannot link. */
      uint8_t carry = perm1[0];
      for (int i = r; i >= 0; i--) {
        uint8_t displaced = perm1[i];
        perm1[i] = carry;
        carry = displaced;
      }
      if (--count[r] > 0) break;
      r++;
    }
    permutation++;
  }
}

uint32_t max_n(void) { return FANNKUCH_MAX_N; }

/* Sieve of Eratosthenes over [0, n): a tight loop over a byte array, the
 * kind of code an interpreter's dispatch loop spends most of its time on.
 * The checksum folds in every prime found and then their count. */
#include "kernel.h"

#define SIEVE_MAX_N (16u << 20) /* 16 MiB of flags */

static uint8_t is_prime[SIEVE_MAX_N];

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, SIEVE_MAX_N);
  /* Start from "every odd number is prime" rather than "every number":
   * a constant fill would become a memset call (see kernel.h). */
  for (uint32_t i = 0; i < n; i++) is_prime[i] = (uint8_t)(i & 1);
  if (n > 1) is_prime[1] = 0;
  if (n > 2) is_prime[2] = 1;
  for (uint32_t p = 3; p * p < n; p += 2) {
    if (!is_prime[p]) continue;
    for (uint32_t m = p * p; m < n; m += 2 * p) is_prime[m] = 0;
  }
  uint32_t hash = CHECKSUM_INIT, count = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (is_prime[i]) {
      hash = checksum_add(hash, i);
      count++;
    }
  }
  return checksum_add(hash, count);
}

uint32_t max_n(void) { return SIEVE_MAX_N; }

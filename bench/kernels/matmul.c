/* Integer matrix multiply C = A * B of two n x n uint32 matrices: nested
 * loops of multiply-adds and array indexing. B is transposed first so the
 * inner loop reads both operands sequentially, as a tuned kernel would. */
#include "kernel.h"

#define MATMUL_MAX_N 512u /* three 1 MiB matrices */

static uint32_t a[MATMUL_MAX_N * MATMUL_MAX_N];
static uint32_t b_transposed[MATMUL_MAX_N * MATMUL_MAX_N];
static uint32_t c[MATMUL_MAX_N * MATMUL_MAX_N];

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, MATMUL_MAX_N);
  uint32_t seed = 0x2545F491u;
  for (uint32_t i = 0; i < n * n; i++) a[i] = xorshift32(&seed) & 0xFFFF;
  for (uint32_t row = 0; row < n; row++)
    for (uint32_t col = 0; col < n; col++)
      b_transposed[col * n + row] = xorshift32(&seed) & 0xFFFF;

  for (uint32_t i = 0; i < n; i++) {
    for (uint32_t j = 0; j < n; j++) {
      uint32_t sum = 0;
      for (uint32_t k = 0; k < n; k++) sum += a[i * n + k] * b_transposed[j * n + k];
      c[i * n + j] = sum;
    }
  }
  uint32_t hash = CHECKSUM_INIT;
  for (uint32_t i = 0; i < n * n; i++) hash = checksum_add(hash, c[i]);
  return hash;
}

uint32_t max_n(void) { return MATMUL_MAX_N; }

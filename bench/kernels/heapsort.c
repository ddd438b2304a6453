/* Heap sort of n pseudo-random uint32: memory-heavy, since sift-down jumps
 * across the whole array (16 MiB at the maximum n) and defeats the caches.
 * Heap sort needs no recursion, so the wasm build's small shadow stack is
 * never at risk. The checksum covers the sorted array; an unsorted result
 * returns 0 so a broken sort cannot pass as a fast one. */
#include "kernel.h"

#define HEAPSORT_MAX_N (4u << 20)

static uint32_t values[HEAPSORT_MAX_N];

/* Restores the max-heap property below `root` in values[0, end). */
static void sift_down(uint32_t root, uint32_t end) {
  uint32_t value = values[root];
  for (;;) {
    uint32_t child = 2 * root + 1;
    if (child >= end) break;
    if (child + 1 < end && values[child + 1] > values[child]) child++;
    if (values[child] <= value) break;
    values[root] = values[child];
    root = child;
  }
  values[root] = value;
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, HEAPSORT_MAX_N);
  uint32_t seed = 0x9E3779B9u;
  for (uint32_t i = 0; i < n; i++) values[i] = xorshift32(&seed);

  for (uint32_t root = n / 2; root-- > 0;) sift_down(root, n);
  for (uint32_t end = n; end > 1; end--) {
    uint32_t largest = values[0];
    values[0] = values[end - 1];
    values[end - 1] = largest;
    sift_down(0, end - 1);
  }

  uint32_t hash = CHECKSUM_INIT;
  for (uint32_t i = 0; i < n; i++) {
    if (i > 0 && values[i - 1] > values[i]) return 0;
    hash = checksum_add(hash, values[i]);
  }
  return hash;
}

uint32_t max_n(void) { return HEAPSORT_MAX_N; }

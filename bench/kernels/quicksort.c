/* Quicksort of n pseudo-random uint32 (median-of-three pivot, Hoare
 * partition, insertion sort below 16 elements): data-dependent branches
 * that a branch predictor cannot learn, sequential scans from both ends,
 * and recursive calls. Recursion goes into the smaller part only and the
 * larger part loops, so the depth stays below log2(n) and the wasm build's
 * shadow stack is never at risk. The checksum covers the sorted array; an
 * unsorted result returns 0 so a broken sort cannot pass as a fast one. */
#include "kernel.h"

#define QUICKSORT_MAX_N (4u << 20)
#define INSERTION_SORT_BELOW 16u

static uint32_t values[QUICKSORT_MAX_N];

static inline void swap(uint32_t i, uint32_t j) {
  uint32_t t = values[i];
  values[i] = values[j];
  values[j] = t;
}

static void insertion_sort(uint32_t lo, uint32_t hi) { /* values[lo, hi] inclusive */
  for (uint32_t i = lo + 1; i <= hi; i++) {
    uint32_t v = values[i], j = i;
    for (; j > lo && values[j - 1] > v; j--) values[j] = values[j - 1];
    values[j] = v;
  }
}

/* Sorts values[lo, hi] inclusive. */
static void quicksort(uint32_t lo, uint32_t hi) {
  while (hi - lo >= INSERTION_SORT_BELOW) {
    /* Median of three into values[mid], which becomes the pivot. */
    uint32_t mid = lo + (hi - lo) / 2;
    if (values[mid] < values[lo]) swap(mid, lo);
    if (values[hi] < values[lo]) swap(hi, lo);
    if (values[hi] < values[mid]) swap(hi, mid);
    uint32_t pivot = values[mid];
    /* Hoare partition: afterwards values[lo, j] <= pivot <= values[j+1, hi]. */
    uint32_t i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (values[i] < pivot);
      do j--; while (values[j] > pivot);
      if (i >= j) break;
      swap(i, j);
    }
    if (j - lo < hi - j) {
      quicksort(lo, j);
      lo = j + 1;
    } else {
      quicksort(j + 1, hi);
      hi = j;
    }
  }
  insertion_sort(lo, hi);
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, QUICKSORT_MAX_N);
  uint32_t seed = 0x7F4A7C15u;
  for (uint32_t i = 0; i < n; i++) values[i] = xorshift32(&seed);
  if (n > 1) quicksort(0, n - 1);

  uint32_t hash = CHECKSUM_INIT;
  for (uint32_t i = 0; i < n; i++) {
    if (i > 0 && values[i - 1] > values[i]) return 0;
    hash = checksum_add(hash, values[i]);
  }
  return hash;
}

uint32_t max_n(void) { return QUICKSORT_MAX_N; }

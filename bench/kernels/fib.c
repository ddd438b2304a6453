/* Recursive Fibonacci: measures call/return overhead and little else.
 * run(n) = fib(n); fib(35) makes about 30 million calls. */
#include "kernel.h"

#define FIB_MAX_N 47 /* fib(47) is the largest that fits in a uint32_t */

/* noinline keeps the recursion a real call in both builds. */
__attribute__((noinline)) static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

uint32_t run(int32_t n) { return fib(clamp_n(n, FIB_MAX_N)); }

uint32_t max_n(void) { return FIB_MAX_N; }

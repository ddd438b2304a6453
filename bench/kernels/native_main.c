/* Native driver for one kernel: parses N from argv, runs the kernel once and
 * prints its checksum, so the compiler must do the work and run.py can check
 * the result against the wasm build. Kept in its own file so the kernel is
 * compiled exactly as in the freestanding wasm build (no libc in sight). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s N\n", argv[0]);
    return 2;
  }
  char *end = NULL;
  errno = 0;
  long n = strtol(argv[1], &end, 10);
  if (errno != 0 || end == argv[1] || *end != '\0' || n < 0 || (unsigned long)n > max_n()) {
    fprintf(stderr, "%s: N must be an integer in [0, %u], got '%s'\n", argv[0], max_n(), argv[1]);
    return 2;
  }
  printf("%u\n", run((int32_t)n));
  return 0;
}

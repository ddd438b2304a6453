// Exits with the code given as its argument, through exit() (proc_exit);
// "trap" calls abort() instead (an `unreachable` trap), "spin" computes
// forever (only an interruption stops it) and "sleep" sleeps forever inside
// a host call (which no interruption reaches).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/// Never returns; volatile, so the loop is not optimised away. Not inlined:
/// backtraces name it.
__attribute__((noinline)) static unsigned spin_forever(void) {
  volatile unsigned counter = 0;
  for (;;) counter = counter * 1664525u + 1013904223u;
  return counter;
}

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  printf("exiting with %s\n", argv[1]);
  fflush(stdout);
  if (strcmp(argv[1], "trap") == 0) abort();
  if (strcmp(argv[1], "spin") == 0) return (int)spin_forever();
  if (strcmp(argv[1], "sleep") == 0)
    for (;;) sleep(1000);
  exit(atoi(argv[1]));
}

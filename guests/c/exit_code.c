// Exits with the code given as its argument, through exit() (proc_exit);
// "trap" calls abort() instead (an `unreachable` trap).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  printf("exiting with %s\n", argv[1]);
  fflush(stdout);
  if (strcmp(argv[1], "trap") == 0) abort();
  exit(atoi(argv[1]));
}

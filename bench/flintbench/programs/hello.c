/* The start-up workload: the smallest complete program, so what is timed is
 * the cost of starting a process in each contender (loading, compiling or
 * instantiating, WASI set-up) and not the program's own work. */
#include <stdio.h>

int main(void) {
  puts("Hello, world!");
  return 0;
}

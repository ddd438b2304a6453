// Arguments and environment: prints argv and the environment (sorted, as
// the order is the host's), and looks one variable up.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int compare(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(int argc, char** argv) {
  printf("argc %d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d] = \"%s\"\n", i, argv[i]);
  int n = 0;
  while (environ[n]) ++n;
  qsort(environ, n, sizeof *environ, compare);
  printf("%d environment variables\n", n);
  for (int i = 0; i < n; ++i) printf("env %s\n", environ[i]);
  const char* greeting = getenv("GREETING");
  printf("GREETING is %s\n", greeting ? greeting : "(unset)");
  return 0;
}

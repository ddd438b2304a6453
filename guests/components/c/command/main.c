// A C command component: compiled for wasm32-wasip1 with wasi-libc, then
// wrapped into a component with the preview-1 command adapter. Exercises
// arguments, the environment, a file in a preopened directory, stdout,
// stderr and the exit code. Output is deterministic.
//
//   command [ARGS...]   with GREETING set and /data/input.txt readable;
//   an argument "--fail" makes it exit with status 1 after its output.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  int fail = 0;
  printf("lang: c\n");
  printf("argc: %d\n", argc);
  for (int i = 1; i < argc; ++i) {
    printf("arg[%d]: %s\n", i, argv[i]);
    if (strcmp(argv[i], "--fail") == 0) fail = 1;
  }
  const char* greeting = getenv("GREETING");
  printf("GREETING: %s\n", greeting ? greeting : "(unset)");
  const char* unset = getenv("FLINT_UNSET_VARIABLE");
  printf("FLINT_UNSET_VARIABLE: %s\n", unset ? unset : "(unset)");

  FILE* f = fopen("/data/input.txt", "r");
  if (!f) {
    fprintf(stderr, "cannot open /data/input.txt\n");
    return 2;
  }
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    printf("input[%d]: %s\n", n++, line);
  }
  fclose(f);
  printf("input lines: %d\n", n);
  FILE* missing = fopen("/data/missing.txt", "r");
  printf("missing file opens: %s\n", missing ? "yes" : "no");

  fprintf(stderr, "c: to stderr\n");
  fflush(stdout);
  return fail ? 1 : 0;
}

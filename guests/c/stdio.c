// stdin, stdout and stderr: upper-cases stdin to stdout, reports counts on
// stderr, and exits with the number of lines (capped at 100) so the exit
// code is checked too.
#include <ctype.h>
#include <stdio.h>

int main(void) {
  int c, lines = 0, bytes = 0;
  while ((c = getchar()) != EOF) {
    ++bytes;
    if (c == '\n') ++lines;
    putchar(toupper(c));
  }
  fflush(stdout);
  fprintf(stderr, "%d bytes, %d lines\n", bytes, lines);
  return lines > 100 ? 100 : lines;
}

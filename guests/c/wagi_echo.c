// A CGI script for flint up's WAGI executor (tests/spin/wagi_test.cc):
// what it does depends on PATH_INFO, the part of the path the route's
// wildcard matched.
//   (anything else)  200 text/plain: each argv entry, each environment
//                    variable, then the body read from stdin
//   /status          Status: 404 Not Found, with a body
//   /redirect        only a Location (302)
//   /crlf            headers ended by CRLF, a custom header, a body
//   /malformed       output without a header block
//   /silent          nothing at all
//   /exit            exits with code 3 after writing a valid response
//   /exit0           exits with code 0 after writing a valid response
//   /trap            writes a valid response, then traps
//   /flood           writes without end (the host's stdout limit)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static void respond_ok(void) { printf("Content-Type: text/plain\n\nok\n"); }

int main(int argc, char** argv) {
  const char* where = getenv("PATH_INFO");
  if (!where) where = "";
  if (strcmp(where, "/status") == 0) {
    printf("Status: 404 Not Found\nContent-Type: text/plain\n\nnot here\n");
  } else if (strcmp(where, "/redirect") == 0) {
    printf("Location: /elsewhere\n\n");
  } else if (strcmp(where, "/crlf") == 0) {
    printf("Content-Type: text/html\r\nX-Custom: yes\r\n\r\n<p>hi</p>\r\n");
  } else if (strcmp(where, "/malformed") == 0) {
    printf("this is not a CGI response\n");
  } else if (strcmp(where, "/silent") == 0) {
    // nothing
  } else if (strcmp(where, "/exit") == 0) {
    respond_ok();
    fflush(stdout);
    exit(3);
  } else if (strcmp(where, "/exit0") == 0) {
    respond_ok();
    fflush(stdout);
    exit(0);
  } else if (strcmp(where, "/trap") == 0) {
    respond_ok();
    fflush(stdout);
    __builtin_trap();
  } else if (strcmp(where, "/flood") == 0) {
    static char block[4096];
    memset(block, 'x', sizeof block);
    printf("Content-Type: text/plain\n\n");
    for (;;)
      if (fwrite(block, 1, sizeof block, stdout) != sizeof block) return 1;
  } else {
    printf("Content-Type: text/plain\n\n");
    for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
    for (char** e = environ; *e; ++e) printf("env %s\n", *e);
    printf("body=");
    int c;
    while ((c = getchar()) != EOF) putchar(c);
    printf("\n");
    fprintf(stderr, "wagi_echo: served %s\n", getenv("REQUEST_METHOD"));
  }
  return 0;
}

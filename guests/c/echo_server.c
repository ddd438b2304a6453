// Accepts connections on the preopened listening socket (fd 3, from
// --tcplisten) and echoes what each client sends, upper-cased, until the
// client shuts its side down. Serves as many clients as its argument says.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char** argv) {
  int clients = argc > 1 ? atoi(argv[1]) : 1;
  for (int i = 0; i < clients; ++i) {
    __wasi_fd_t conn;
    __wasi_errno_t e = __wasi_sock_accept(3, 0, &conn);
    if (e) {
      fprintf(stderr, "sock_accept: errno %d\n", e);
      return 1;
    }
    unsigned char buf[1024];
    size_t total = 0;
    for (;;) {
      __wasi_iovec_t in = {buf, sizeof buf};
      __wasi_size_t n = 0;
      __wasi_roflags_t flags;
      e = __wasi_sock_recv(conn, &in, 1, 0, &n, &flags);
      if (e || n == 0) break;
      for (size_t k = 0; k < n; ++k) buf[k] = (unsigned char)toupper(buf[k]);
      __wasi_ciovec_t out = {buf, n};
      __wasi_size_t sent = 0;
      if (__wasi_sock_send(conn, &out, 1, 0, &sent) || sent != n) break;
      total += n;
    }
    printf("client %d: echoed %zu bytes\n", i, total);
    fflush(stdout);
    (void)__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR);
    (void)__wasi_fd_close(conn);
  }
  return 0;
}

// The HTTP/1.1 server of `flint bench`'s HTTP I/O workload, written once and
// compiled for every contender: natively (plain and -static, the latter run in
// containers) and to wasm32-wasi (served through WASI sockets).
//
//   native:  server PORT        listens on 127.0.0.1:PORT itself
//   wasm:    server.wasm        accepts on the listener the host preopened as
//                               fd 3 (`flint run --tcplisten 127.0.0.1:PORT`,
//                               `wasmtime run -S tcplisten=...`); WASI preview 1
//                               cannot create sockets (wasi_snapshot_preview1.witx)
//
// GET / answers a small fixed body. The design is the same for every target:
// one thread, poll(2) over the listener and the open connections (so wrk's
// many keep-alive connections are served side by side), blocking sockets that
// are only read when poll says they are readable. Requests are parsed from a
// per-connection buffer, so partial reads and pipelined requests both work
// (RFC 9112 section 2, 3 and 9.3). A malformed request gets 400 and the
// connection is closed (RFC 9112 section 2.2: the server cannot tell where the
// next request would start).
#define _GNU_SOURCE  // accept4
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifdef __wasi__
#include <wasi/api.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#endif

enum {
  kMaxConnections = 1024,
  kRequestBuffer = 8192,   // one request head must fit: larger is 431
  kResponseBuffer = 8192,  // responses to pipelined requests are batched here
};

static const char kBody[] = "hello from flint bench\n";

// ---- The few socket calls, per target ---------------------------------------

#ifdef __wasi__
static int listener_open(int argc, char** argv) {
  (void)argc, (void)argv;
  return 3;  // the first preopen after stdio (there are no preopened dirs)
}

static int net_accept(int listener) {
  __wasi_fd_t conn;
  __wasi_errno_t e = __wasi_sock_accept((__wasi_fd_t)listener, 0, &conn);
  if (e) {
    errno = e;
    return -1;
  }
  return (int)conn;
}

static long net_recv(int fd, char* buf, size_t len) {
  __wasi_iovec_t iov = {(uint8_t*)buf, len};
  __wasi_size_t n = 0;
  __wasi_roflags_t flags;
  __wasi_errno_t e = __wasi_sock_recv((__wasi_fd_t)fd, &iov, 1, 0, &n, &flags);
  if (e) {
    errno = e;
    return -1;
  }
  return (long)n;
}

static long net_send(int fd, const char* buf, size_t len) {
  __wasi_ciovec_t iov = {(const uint8_t*)buf, len};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_sock_send((__wasi_fd_t)fd, &iov, 1, 0, &n);
  if (e) {
    errno = e;
    return -1;
  }
  return (long)n;
}
#else
static int listener_open(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return -1;
  }
  char* end = NULL;
  long port = strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || port < 1 || port > 65535) {
    fprintf(stderr, "%s: the port must be a number from 1 to 65535, not '%s'\n", argv[0], argv[1]);
    return -1;
  }
  signal(SIGPIPE, SIG_IGN);  // a client that went away is EPIPE, not death
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 1024) != 0) {
    fprintf(stderr, "%s: cannot listen on 127.0.0.1:%ld: %s\n", argv[0], port, strerror(errno));
    return -1;
  }
  return fd;
}

static int net_accept(int listener) {
  int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  if (fd >= 0) {
    int one = 1;  // responses are one small write: do not wait for Nagle
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

static long net_recv(int fd, char* buf, size_t len) { return recv(fd, buf, len, 0); }
static long net_send(int fd, const char* buf, size_t len) { return send(fd, buf, len, MSG_NOSIGNAL); }
#endif

// ---- One connection -----------------------------------------------------------

typedef struct {
  char in[kRequestBuffer];
  size_t in_used;
  size_t body_left;  // bytes of a request body still to discard
  char out[kResponseBuffer];
  size_t out_used;
  int closing;  // close once the queued responses are sent
} Connection;

static int send_all(int fd, const char* buf, size_t len) {
  while (len > 0) {
    long n = net_send(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int flush(int fd, Connection* c) {
  int rc = send_all(fd, c->out, c->out_used);
  c->out_used = 0;
  return rc;
}

static int respond(int fd, Connection* c, int status, const char* reason, int with_body, int keep_alive) {
  const char* body = status == 200 ? kBody : reason;
  size_t body_len = status == 200 ? sizeof kBody - 1 : strlen(reason);
  char head[256];
  int head_len = snprintf(head, sizeof head,
                          "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n",
                          status, reason, body_len, keep_alive ? "" : "Connection: close\r\n");
  size_t total = (size_t)head_len + (with_body ? body_len : 0);
  if (c->out_used + total > sizeof c->out && flush(fd, c) != 0) return -1;
  memcpy(c->out + c->out_used, head, (size_t)head_len);
  c->out_used += (size_t)head_len;
  if (with_body) {
    memcpy(c->out + c->out_used, body, body_len);
    c->out_used += body_len;
  }
  if (!keep_alive) c->closing = 1;
  return 0;
}

// RFC 9110 section 5.6.2: tchar.
static int is_tchar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int header_is(const char* line, size_t name_len, const char* name) {
  return strlen(name) == name_len && strncasecmp(line, name, name_len) == 0;
}

static int value_has_token(const char* v, size_t len, const char* token) {
  size_t tl = strlen(token);
  for (size_t i = 0; i + tl <= len; ++i)
    if (strncasecmp(v + i, token, tl) == 0) return 1;
  return 0;
}

// Handles the request head in c->in[0, head_len) (it ends with CRLF CRLF).
// Returns 0 to go on with the connection, -1 to close it.
static int handle_request(int fd, Connection* c, size_t head_len) {
  const char* p = c->in;
  const char* end = c->in + head_len;
  // request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 section 3)
  const char* sp1 = memchr(p, ' ', (size_t)(end - p));
  const char* eol = memchr(p, '\r', (size_t)(end - p));
  if (!sp1 || sp1 == p || sp1 > eol) return respond(fd, c, 400, "Bad Request", 1, 0);
  for (const char* q = p; q < sp1; ++q)
    if (!is_tchar(*q)) return respond(fd, c, 400, "Bad Request", 1, 0);
  const char* target = sp1 + 1;
  const char* sp2 = memchr(target, ' ', (size_t)(eol - target));
  if (!sp2 || sp2 == target || eol - (sp2 + 1) != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
      (sp2[8] != '0' && sp2[8] != '1') || eol[1] != '\n')
    return respond(fd, c, 400, "Bad Request", 1, 0);
  for (const char* q = target; q < sp2; ++q)
    if ((unsigned char)*q <= ' ' || *q == 0x7f) return respond(fd, c, 400, "Bad Request", 1, 0);
  int http10 = sp2[8] == '0';
  int keep_alive = !http10;
  size_t content_length = 0;
  int has_length = 0;

  // field-line = field-name ":" OWS field-value OWS CRLF (RFC 9112 section 5)
  for (p = eol + 2; p + 2 <= end && !(p[0] == '\r' && p[1] == '\n');) {
    const char* line_end = memchr(p, '\r', (size_t)(end - p));
    if (!line_end || line_end[1] != '\n') return respond(fd, c, 400, "Bad Request", 1, 0);
    const char* colon = memchr(p, ':', (size_t)(line_end - p));
    if (!colon || colon == p) return respond(fd, c, 400, "Bad Request", 1, 0);
    for (const char* q = p; q < colon; ++q)
      if (!is_tchar(*q)) return respond(fd, c, 400, "Bad Request", 1, 0);
    const char* v = colon + 1;
    while (v < line_end && (*v == ' ' || *v == '\t')) ++v;
    size_t name_len = (size_t)(colon - p), value_len = (size_t)(line_end - v);
    if (header_is(p, name_len, "Content-Length")) {
      char* num_end = NULL;
      char digits[24];
      if (value_len == 0 || value_len >= sizeof digits) return respond(fd, c, 400, "Bad Request", 1, 0);
      memcpy(digits, v, value_len);
      digits[value_len] = '\0';
      unsigned long long n = strtoull(digits, &num_end, 10);
      while (*num_end == ' ' || *num_end == '\t') ++num_end;
      if (digits[0] < '0' || digits[0] > '9' || *num_end != '\0' || (has_length && n != content_length))
        return respond(fd, c, 400, "Bad Request", 1, 0);
      content_length = (size_t)n;
      has_length = 1;
    } else if (header_is(p, name_len, "Transfer-Encoding")) {
      return respond(fd, c, 501, "Not Implemented", 1, 0);  // no chunked bodies here
    } else if (header_is(p, name_len, "Connection")) {
      if (value_has_token(v, value_len, "close")) keep_alive = 0;
      else if (value_has_token(v, value_len, "keep-alive")) keep_alive = 1;
    }
    p = line_end + 2;
  }
  c->body_left = content_length;

  size_t method_len = (size_t)(sp1 - c->in), target_len = (size_t)(sp2 - target);
  int get = method_len == 3 && memcmp(c->in, "GET", 3) == 0;
  int head = method_len == 4 && memcmp(c->in, "HEAD", 4) == 0;
  if (!get && !head) return respond(fd, c, 405, "Method Not Allowed", 1, keep_alive);
  if (target_len != 1 || target[0] != '/') return respond(fd, c, 404, "Not Found", get, keep_alive);
  return respond(fd, c, 200, "OK", get, keep_alive);
}

static const char* find_head_end(const char* buf, size_t len) {
  for (size_t i = 0; i + 4 <= len; ++i)
    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') return buf + i + 4;
  return NULL;
}

// Reads what the peer sent and answers every complete request in it.
// Returns 0 to keep the connection, -1 to close it.
static int on_readable(int fd, Connection* c) {
  long n;
  do n = net_recv(fd, c->in + c->in_used, sizeof c->in - c->in_used);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;  // the peer closed, or the connection failed
  c->in_used += (size_t)n;
  for (;;) {
    if (c->body_left > 0) {  // discard a request body
      size_t skip = c->body_left < c->in_used ? c->body_left : c->in_used;
      memmove(c->in, c->in + skip, c->in_used - skip);
      c->in_used -= skip;
      c->body_left -= skip;
      if (c->body_left > 0) break;
    }
    // RFC 9112 section 2.2: ignore empty lines before a request-line.
    size_t blank = 0;
    while (blank + 2 <= c->in_used && c->in[blank] == '\r' && c->in[blank + 1] == '\n') blank += 2;
    if (blank > 0) {
      memmove(c->in, c->in + blank, c->in_used - blank);
      c->in_used -= blank;
    }
    const char* head_end = find_head_end(c->in, c->in_used);
    if (!head_end) {
      if (c->in_used == sizeof c->in) respond(fd, c, 431, "Request Header Fields Too Large", 1, 0);
      break;
    }
    size_t head_len = (size_t)(head_end - c->in);
    if (handle_request(fd, c, head_len) != 0 || c->closing) break;
    memmove(c->in, head_end, c->in_used - head_len);
    c->in_used -= head_len;
  }
  if (flush(fd, c) != 0) return -1;
  return c->closing ? -1 : 0;
}

// ---- The accept loop ----------------------------------------------------------

static struct pollfd fds[kMaxConnections + 1];  // [0] is the listener
static Connection* conns[kMaxConnections + 1];

int main(int argc, char** argv) {
  int listener = listener_open(argc, argv);
  if (listener < 0) return 2;
  fds[0].fd = listener;
  fds[0].events = POLLIN;
  size_t count = 1;
  for (;;) {
    int ready = poll(fds, count, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "server: poll: %s\n", strerror(errno));
      return 1;
    }
    // Connections first, walking down so that closing one (moving the last
    // entry into its slot) does not skip an entry not yet looked at.
    for (size_t i = count; i-- > 1;) {
      short ev = fds[i].revents;
      if (!ev) continue;
      int keep = (ev & (POLLIN | POLLHUP | POLLERR)) ? on_readable(fds[i].fd, conns[i]) == 0 : !(ev & POLLNVAL);
      if (keep) continue;
      close(fds[i].fd);
      free(conns[i]);
      --count;
      fds[i] = fds[count];
      conns[i] = conns[count];
    }
    if (fds[0].revents & POLLIN) {
      int fd = net_accept(listener);
      if (fd < 0) {
        if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
          fprintf(stderr, "server: accept: %s\n", strerror(errno));
        continue;
      }
      Connection* c = count <= kMaxConnections ? calloc(1, sizeof *c) : NULL;
      if (!c) {  // full: refuse this one rather than stall everyone
        close(fd);
        continue;
      }
      fds[count].fd = fd;
      fds[count].events = POLLIN;
      fds[count].revents = 0;
      conns[count++] = c;
    }
  }
}

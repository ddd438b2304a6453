// `flint serve`'s HTTP/1.1 server (issue 13): Boost.Beast's parser and
// serializer over Boost.Asio. Why Beast: Debian 12 packages no llhttp (nor
// picohttpparser), while libboost-dev 1.74 is there and header-only for
// Beast and Asio, which bring the event loop, per-operation timeouts and
// chunked coding with the parser.
//
// Threads: one io_context thread per core does all socket I/O; handlers
// (guests, which run synchronously) run on a separate worker pool, one
// thread per core, so a busy guest never stalls another connection's I/O. A
// handler streams its response: each write is handed to the connection's
// I/O thread and the worker waits until it is on the wire (back-pressure,
// and the write timeout applies). A handler may instead defer the response
// (ResponseWriter::defer) and return at once: it is then made from another
// thread without blocking, as a 0.3 service's shared instance makes it.
//
// HTTP: keep-alive, chunked request bodies (de-chunked by the parser) and
// chunked responses when the handler sets no content-length, a header-size
// limit (431) and a body-size limit (413), read, idle and write timeouts,
// `Expect: 100-continue`. stop() (or SIGINT/SIGTERM with
// handle_signals) stops accepting, closes idle connections, lets requests
// in flight finish, and then run() returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "flint/result.h"
#include "wasihttp/host.h"

namespace flint::serve {

/// What the server listens on and how it bounds each connection.
struct ServerOptions {
  std::string host = "0.0.0.0";  ///< as `wasmtime serve`'s default
  uint16_t port = 8080;          ///< 0: any free port (see Server::port)
  unsigned io_threads = 0;       ///< 0: one per core
  unsigned workers = 0;          ///< handler threads; 0: one per core
  /// Runs the I/O threads under SCHED_BATCH (see Server::run): more
  /// requests a second when I/O threads and workers share cores.
  bool batch_io_threads = true;
  uint32_t max_header_bytes = 64 * 1024;            ///< request line + headers; beyond: 431
  uint64_t max_body_bytes = 64ull << 20;            ///< request body; beyond: 413
  std::chrono::milliseconds idle_timeout{60'000};   ///< waiting for a request
  std::chrono::milliseconds read_timeout{30'000};   ///< reading a started request
  std::chrono::milliseconds write_timeout{30'000};  ///< one response write
};

/// Serves one request: reads `request` and makes the response through
/// `writer` (start, writes, finish), on a worker thread. A handler that
/// returns without starting a response gets a 500 from the server; one that
/// started but did not finish has its connection closed (the client sees an
/// incomplete response).
using RequestHandler =
    std::function<void(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer)>;

/// A listening HTTP/1.1 server.
class Server {
 public:
  /// Binds and listens (an address in use or unresolvable is an Io error).
  static Result<std::unique_ptr<Server>> listen(ServerOptions options, RequestHandler handler);
  ~Server();

  /// The bound address and port (the real port when 0 was asked for).
  std::string host() const;
  uint16_t port() const;

  /// Serves until stop() (or, with `handle_signals`, SIGINT or SIGTERM) and
  /// every request in flight has been answered.
  void run(bool handle_signals);
  /// Graceful stop; safe from any thread.
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flint::serve

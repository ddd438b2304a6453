// Outbound HTTP for wasi:http/outgoing-handler: one request sent with
// libcurl (HTTP/1.1, or HTTP/2 where TLS negotiates it; TLS verified with
// the system's CAs, curl's default), its body streamed from the guest, its
// response streamed back. The guest's side is a ClientExchange; it waits
// through pollables over eventfds that the transfer raises when the
// response head or body bytes arrive.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "wasihttp/fields.h"
#include "wasip2/host.h"

namespace flint::wasihttp {

/// What to send (already checked against the allowed hosts).
struct ClientRequest {
  std::string method;  ///< "GET", "PATCH", ...
  std::string url;     ///< scheme://authority/path?query
  std::vector<std::pair<std::string, std::vector<uint8_t>>> headers;  ///< lowercase names
  bool has_body = false;              ///< the guest took the body: it is sent
  std::optional<uint64_t> body_size;  ///< known: content-length; else chunked
  std::vector<uint8_t> initial_body;  ///< written before handle
  bool body_finished = false;         ///< finished before handle
  /// request-options, in nanoseconds.
  std::optional<uint64_t> connect_timeout, first_byte_timeout, between_bytes_timeout;
};

/// A failure as a wasi:http/types.error-code case and a message (for
/// internal-error's payload and logs).
struct ClientError {
  uint32_t code = 38;  ///< internal-error
  std::string message;
};

/// The status and headers of the response.
struct ClientHead {
  uint16_t status = 0;
  Fields headers;
};

class Transfer;

/// The guest's side of one outbound request. Every guest resource made from
/// the request (future-incoming-response, incoming-response, its body and
/// the request's outgoing-body) shares one; when the last is dropped the
/// transfer is cancelled.
class ClientExchange {
 public:
  /// Starts sending `request` at once, on a thread of its own.
  static std::shared_ptr<ClientExchange> start(ClientRequest request);
  ~ClientExchange();

  // ---- the request body (outgoing-body) ----
  /// Queues body bytes; waits while a megabyte is queued. False once the
  /// transfer has ended (the stream is closed).
  bool write_body(std::span<const uint8_t> data);
  /// The body is complete (outgoing-body.finish), with the trailers to
  /// send after it (a body of unknown size goes chunked, which carries them).
  void finish_body(std::optional<Fields> trailers = std::nullopt);
  /// The body was dropped unfinished: the request fails.
  void abort_body();

  // ---- the response (future-incoming-response, incoming-response) ----
  /// Readable once the head or a failure is known.
  const wasip2::SharedFd& head_fd() const;
  bool head_ready() const;
  /// Once ready: the head, or why there is none.
  std::variant<ClientHead, ClientError> head();

  // ---- the response body (incoming-body) ----
  /// Readable while bytes, the end or a failure are there to read.
  const wasip2::SharedFd& body_fd() const;
  /// Whether read_body has something (bytes, the end or a failure) now.
  bool body_ready() const;
  /// Up to `len` bytes, waiting for at least one (or the end, or a failure).
  wasip2::StreamSource::Read read_body(uint64_t len);
  /// The trailers, once the body has ended (a chunked response's).
  std::optional<Fields> trailers();

 private:
  explicit ClientExchange(std::shared_ptr<Transfer> t) : t_(std::move(t)) {}
  std::shared_ptr<Transfer> t_;
};

}  // namespace flint::wasihttp

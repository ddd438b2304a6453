// The HTTP/1.1 server: accepting, one Session per connection, responses
// streamed from the worker threads (see server.h for the design).
#include "serve/server.h"

#include <fmt/format.h>
#include <sched.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace flint::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

/// `n`, or one per core this process may run on: the affinity mask, not
/// every online core, so that a server pinned with taskset does not crowd
/// its core with threads that only wait for each other.
unsigned per_core(unsigned n) {
  if (n) return n;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return unsigned(CPU_COUNT(&set));
  unsigned cores = std::thread::hardware_concurrency();
  return cores ? cores : 1;
}

/// The reason phrase of `status` ("Not Found").
std::string reason(unsigned status) {
  auto r = http::obsolete_reason(http::status(status));
  return std::string(r.data(), r.size());
}

/// An HTTP-date for the `date` header (RFC 9110 section 6.6.1), which an
/// origin server with a clock sends.
std::string http_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[64];
  size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(text, n);
}

/// A short plain-text response with its own content-length.
std::string simple_response(unsigned status, std::string_view body, bool keep_alive) {
  return fmt::format(
      "HTTP/1.1 {} {}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n"
      "{}\r\n{}",
      status, reason(status), body.size(), keep_alive ? "" : "connection: close\r\n", body);
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  RequestHandler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::thread_pool workers;
  net::signal_set signals{ioc};
  std::atomic<bool> stopping{false};

  class Session;
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<Session>> sessions;

  Impl(ServerOptions o, RequestHandler h)
      : options(std::move(o)), handler(std::move(h)), workers(per_core(options.workers)) {}

  void accept();
  void close_idle();
};

/// One connection: reads requests one after another (keep-alive), hands
/// each to a worker, and writes what the handler produces.
class Server::Impl::Session : public std::enable_shared_from_this<Session>,
                              public wasihttp::ResponseWriter {
 public:
  Session(Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {}

  /// Starts reading the first request.
  void begin() { read_header(); }

  /// Closes the connection if no request is in progress (graceful stop).
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

  // ---- ResponseWriter: called on the worker thread -------------------------

  void start(uint16_t status, const wasihttp::Fields& headers) override {
    started_ = true;
    std::string head = fmt::format("HTTP/1.1 {} {}\r\n", status, reason(status));
    for (const auto& [name, value] : headers.entries()) {
      // The server frames the message itself (the guest cannot set
      // transfer-encoding or connection: fields forbids them).
      if (name == "content-length") {
        std::string v(value.begin(), value.end());
        try {
          length_ = std::stoull(v);
        } catch (...) {
          continue;  // not a number: dropped; the body goes chunked
        }
      }
      head += name;
      head += ": ";
      head.append(value.begin(), value.end());
      head += "\r\n";
    }
    // 1xx, 204 and 304 have no body (RFC 9110 section 6.4.1), nor has HEAD's.
    no_body_ = head_request_ || status < 200 || status == 204 || status == 304;
    if (!keep_alive_) head += "connection: close\r\n";
    if (!headers.has("date")) head += "date: " + http_date() + "\r\n";
    // The framing waits for the first body bytes or the end: a body that
    // ends before any byte is sent goes out with `content-length: 0` (as
    // hyper frames it for Spin and Wasmtime), anything else unframed by
    // the guest goes chunked.
    head_ = std::move(head);
  }

  bool write(std::span<const uint8_t> data) override {
    if (broken_) return false;
    if (data.empty()) return true;
    frame_head(false);
    if (no_body_) return true;  // HEAD: the body is not sent
    if (chunked_) {
      pending_ += fmt::format("{:x}\r\n", data.size());
      pending_.append(data.begin(), data.end());
      pending_ += "\r\n";
    } else {
      if (sent_body_ + data.size() > *length_) {
        broken_ = true;  // more than content-length: the message cannot be framed
        return false;
      }
      pending_.append(data.begin(), data.end());
    }
    sent_body_ += data.size();
    // The write that completes a content-length body waits for finish():
    // nothing but the end can follow it, and the end goes out with the
    // connection's next step in one hand-off (serve()).
    if (length_ && sent_body_ == *length_) return true;
    return send();
  }

  void finish(const wasihttp::Fields* trailers) override {
    if (broken_) return;
    frame_head(true);
    if (chunked_) {
      pending_ += "0\r\n";
      if (trailers)
        for (const auto& [name, value] : trailers->entries()) {
          pending_ += name + ": ";
          pending_.append(value.begin(), value.end());
          pending_ += "\r\n";
        }
      pending_ += "\r\n";
    } else if (!no_body_ && length_ && sent_body_ != *length_) {
      broken_ = true;  // fewer bytes than content-length
      return;
    }
    // The rest goes out after the handler returns (serve()), without the
    // worker waiting for it: the response is complete.
    finished_ = true;
  }

 private:
  /// Completes the head held since start() with its framing and queues it;
  /// `ended`: the body ended with no byte written.
  void frame_head(bool ended) {
    if (!head_) return;
    std::string head = std::move(*head_);
    head_.reset();
    if (!length_ && !no_body_) {
      if (ended) {
        head += "content-length: 0\r\n";
        length_ = 0;
      } else {
        head += "transfer-encoding: chunked\r\n";
      }
    }
    chunked_ = !length_ && !no_body_;
    head += "\r\n";
    pending_ = std::move(head) + pending_;
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(server_.options.max_header_bytes);
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return failed_read(ec);
    busy_ = true;
    auto& req = parser_->get();
    // A declared body beyond the limit is refused before it is sent.
    if (auto n = parser_->content_length(); n && *n > server_.options.max_body_bytes)
      return refuse(413, "request body too large\n");
    wasihttp::IncomingRequestData data;
    data.method = std::string(req.method_string());
    data.path_with_query = std::string(req.target());
    if (auto host = req[http::field::host]; !host.empty()) data.authority = std::string(host);
    beast::error_code peer_error;
    auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_error);
    if (!peer_error)
      data.client_address = peer.address().is_v6()
                                ? fmt::format("[{}]:{}", peer.address().to_string(), peer.port())
                                : fmt::format("{}:{}", peer.address().to_string(), peer.port());
    for (const auto& field : req)
      data.headers.add_unchecked(std::string(field.name_string()),
                                 {field.value().begin(), field.value().end()});
    // The body streams: the guest's reads pull it from the connection.
    header_fields_ = size_t(std::distance(req.begin(), req.end()));
    data.body = std::make_shared<ConnectionBody>(shared_from_this());
    expect_continue_ = req[http::field::expect] == "100-continue";
    keep_alive_ = req.keep_alive() && !server_.stopping;
    head_request_ = req.method() == http::verb::head;
    started_ = finished_ = broken_ = body_failed_ = false;
    length_.reset();
    head_.reset();
    sent_body_ = 0;
    // The guest runs on a worker; the work guard keeps the I/O threads
    // running (and run() from returning) until its answer is written.
    net::post(server_.workers, [self = shared_from_this(), data = std::move(data),
                                guard = net::make_work_guard(server_.ioc)]() mutable {
      self->serve(std::move(data));
      // The response's tail and the connection's next step: one hand-off.
      net::post(self->stream_.get_executor(), [self, tail = std::move(self->pending_)]() mutable {
        self->send_tail(std::move(tail));
      });
    });
  }

  /// The request body as the guest's incoming-body stream.
  class ConnectionBody : public wasihttp::BodySource {
   public:
    explicit ConnectionBody(std::shared_ptr<Session> session) : session_(std::move(session)) {}
    Read read(uint64_t len) override { return session_->read_body(len); }
    std::optional<wasihttp::Fields> trailers() override { return session_->trailers(); }

   private:
    std::shared_ptr<Session> session_;
  };

  /// On the worker: up to `len` bytes of the request body, read from the
  /// connection on its I/O thread. `Expect: 100-continue` is answered on the
  /// first read: a guest that never reads the body never asks for it.
  wasip2::StreamSource::Read read_body(uint64_t len) {
    wasip2::StreamSource::Read r;
    if (body_failed_) {
      r.error = "the request body could not be read";
      return r;
    }
    if (parser_->is_done()) {
      r.end = true;
      return r;
    }
    if (expect_continue_) {
      expect_continue_ = false;
      std::string line = "HTTP/1.1 100 Continue\r\n\r\n";
      if (!send(line)) {
        body_failed_ = true;
        r.error = "the client went away";
        return r;
      }
    }
    // What arrives now, or at least one byte: read_some until the parser
    // gives body bytes (a chunk's size line alone gives none) or the end.
    std::vector<uint8_t> buf(size_t(std::min<uint64_t>(std::max<uint64_t>(len, 1), kBodyPiece)));
    while (r.bytes.empty() && !parser_->is_done()) {
      std::promise<beast::error_code> done;
      auto result = done.get_future();
      net::post(stream_.get_executor(), [this, &buf, &done] {
        auto& body = parser_->get().body();
        body.data = buf.data();
        body.size = buf.size();
        stream_.expires_after(server_.options.read_timeout);
        http::async_read_some(stream_, buffer_, *parser_, [&done](beast::error_code ec, size_t) {
          done.set_value(ec == http::error::need_buffer ? beast::error_code() : ec);
        });
      });
      beast::error_code ec = result.get();
      if (ec) {
        body_failed_ = true;
        r.error = ec == http::error::body_limit
                      ? "the request body is larger than the limit"
                      : "the request body could not be read: " + ec.message();
        return r;
      }
      size_t got = buf.size() - parser_->get().body().size;
      r.bytes.assign(buf.begin(), buf.begin() + got);
    }
    r.end = r.bytes.empty();
    return r;
  }

  /// On the worker: a chunked body's trailers, once it is read to its end.
  /// Beast adds them to the message's fields after the header's.
  std::optional<wasihttp::Fields> trailers() {
    if (!parser_->is_done() || body_failed_) return std::nullopt;
    std::optional<wasihttp::Fields> out;
    size_t i = 0;
    for (const auto& field : parser_->get())
      if (i++ >= header_fields_) {
        if (!out) out.emplace();
        out->add_unchecked(std::string(field.name_string()),
                           {field.value().begin(), field.value().end()});
      }
    return out;
  }

  /// The most body bytes one read takes from the connection.
  static constexpr size_t kBodyPiece = 64 * 1024;

  /// On the worker: the handler, then a 500 if it gave no response.
  /// Leaves in `pending_` what is still to be written (send_tail()).
  void serve(wasihttp::IncomingRequestData data) {
    server_.handler(std::move(data), *this);
    if (!started_ && !broken_) {
      pending_ = simple_response(500, "Internal Server Error\n", keep_alive_);
      finished_ = true;
    } else if (!finished_) {
      broken_ = true;  // a started response the handler did not finish
    }
    if (broken_) pending_.clear();
  }

  /// On the I/O thread, once the handler returned: writes the response's
  /// last bytes, then goes on with the connection.
  void send_tail(std::string tail) {
    if (tail.empty()) return after_response();
    auto text = std::make_shared<std::string>(std::move(tail));
    stream_.expires_after(server_.options.write_timeout);
    net::async_write(stream_, net::buffer(*text),
                     [self = shared_from_this(), text](beast::error_code ec, size_t) {
                       if (ec) self->broken_ = true;
                       self->after_response();
                     });
  }

  void after_response() {
    busy_ = false;
    // A body the guest did not read to its end leaves the connection in the
    // middle of a message: it cannot carry another.
    bool whole = parser_->is_done() && !body_failed_;
    if (broken_ || !finished_ || !whole || !keep_alive_ || server_.stopping) return close();
    read_header();
  }

  /// A read that failed: a limit or malformed input is answered (431, 413,
  /// 400) before the connection closes; the peer leaving, a timeout or a
  /// stop just closes it.
  void failed_read(beast::error_code ec) {
    if (ec == http::error::header_limit) return refuse(431, "request header fields too large\n");
    if (ec == http::error::body_limit) return refuse(413, "request body too large\n");
    bool gone = ec == http::error::end_of_stream || ec == http::error::partial_message ||
                ec == beast::error::timeout || ec == net::error::operation_aborted;
    if (!gone && ec.category() == http::make_error_code(http::error::bad_method).category())
      return refuse(400, "bad request\n");
    close();
  }

  /// Answers an error the connection cannot recover from, then closes it.
  void refuse(unsigned status, std::string_view message) {
    auto text = std::make_shared<std::string>(simple_response(status, message, false));
    stream_.expires_after(server_.options.write_timeout);
    net::async_write(
        stream_, net::buffer(*text),
        [self = shared_from_this(), text](beast::error_code, size_t) { self->close(); });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  /// On the worker: writes `pending_` through the connection's executor and
  /// waits until it is written (or the write failed or timed out).
  bool send() {
    bool ok = send(pending_);
    pending_.clear();
    return ok;
  }
  bool send(const std::string& data) {
    if (broken_) return false;
    std::promise<beast::error_code> done;
    auto result = done.get_future();
    net::post(stream_.get_executor(), [this, &data, &done] {
      stream_.expires_after(server_.options.write_timeout);
      net::async_write(stream_, net::buffer(data),
                       [&done](beast::error_code ec, size_t) { done.set_value(ec); });
    });
    beast::error_code ec = result.get();
    if (ec) broken_ = true;
    return !ec;
  }

  Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::atomic<bool> busy_{false};
  // The response in progress (touched by the worker while busy_).
  bool keep_alive_ = true, head_request_ = false, expect_continue_ = false, body_failed_ = false;
  bool started_ = false, finished_ = false, broken_ = false, chunked_ = false, no_body_ = false;
  std::optional<uint64_t> length_;
  size_t header_fields_ = 0;  ///< fields beyond these are the body's trailers
  uint64_t sent_body_ = 0;
  std::string pending_;
  std::optional<std::string> head_;  ///< the head from start(), until its framing is known
};

void Server::Impl::accept() {
  // Each connection's handlers run in its own strand: one at a time.
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopping) return;
    if (!ec) {
      // Responses go out in pieces as the guest writes them: Nagle's
      // algorithm would hold each piece back until the client's delayed
      // ACK of the one before (40 ms a response).
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Session>(*this, std::move(socket));
      {
        std::lock_guard lock(sessions_mutex);
        std::erase_if(sessions, [](const auto& w) { return w.expired(); });
        sessions.push_back(session);
      }
      session->begin();
    }
    accept();  // an accept error (out of descriptors) is not the end of serving
  });
}

void Server::Impl::close_idle() {
  std::lock_guard lock(sessions_mutex);
  for (const auto& weak : sessions)
    if (auto s = weak.lock()) s->close_if_idle();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { impl_->workers.join(); }

Result<std::unique_ptr<Server>> Server::listen(ServerOptions options, RequestHandler handler) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  auto endpoints = resolver.resolve(impl->options.host, std::to_string(impl->options.port), ec);
  if (ec || endpoints.empty())
    return make_error(ErrorCode::Io,
                      fmt::format("cannot resolve {}: {}", impl->options.host, ec.message()));
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& a = impl->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(ErrorCode::Io, fmt::format("cannot listen on {}:{}: {}", impl->options.host,
                                                 impl->options.port, ec.message()));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::string Server::host() const { return impl_->acceptor.local_endpoint().address().to_string(); }

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::run(bool handle_signals) {
  Impl& s = *impl_;
  if (handle_signals) {
    s.signals.add(SIGINT);
    s.signals.add(SIGTERM);
    s.signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) stop();
    });
  }
  s.accept();
  std::vector<std::thread> threads;
  unsigned n = per_core(s.options.io_threads);
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  Impl& s = *impl_;
  net::post(s.ioc, [&s] {
    if (s.stopping.exchange(true)) return;
    beast::error_code ec;
    s.acceptor.close(ec);
    s.signals.cancel(ec);
    s.close_idle();
  });
}

}  // namespace flint::serve

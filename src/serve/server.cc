// The HTTP/1.1 server: accepting, one Session per connection, responses
// streamed from the worker threads (see server.h for the design).
#include "serve/server.h"

#include <fmt/format.h>
#include <poll.h>
#include <sched.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <deque>
#include <future>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "wasip2/event.h"

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
  net::io_context ioc;
  /// After the io_context: destroyed before it, since a handler may still
  /// hold connections (a 0.3 service's instances end with it).
  RequestHandler handler;
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
///
/// Three sides touch it. The connection's strand does all socket I/O: it
/// reads heads and body pieces and writes the queued output one piece
/// after another (the outbox). The producer (the worker running the
/// handler, or, once the response is deferred, the thread of the instance
/// serving it) frames the response and queues it. The two meet in the
/// request body's buffer (a mutex) and in the queued byte count.
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

  // ---- ResponseWriter: called by the producer ------------------------------

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
    if (!frame_body(data)) return false;
    if (data.empty()) return true;
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
    // The rest goes out when the exchange ends (end_exchange()), without
    // the producer waiting for it: the response is complete.
    finished_ = true;
  }

  std::shared_ptr<wasihttp::AsyncResponseWriter> defer() override {
    deferred_ = true;
    holds_.fetch_add(1, std::memory_order_relaxed);
    if (!writable_) writable_ = wasip2::new_event();
    return std::make_shared<Deferred>(shared_from_this());
  }

 private:
  /// The response after defer(): queued without waiting, and the exchange
  /// goes on when the deferring thread says it is done.
  class Deferred : public wasihttp::AsyncResponseWriter {
   public:
    explicit Deferred(std::shared_ptr<Session> s)
        : s_(std::move(s)), guard_(net::make_work_guard(s_->server_.ioc)) {}
    void start(uint16_t status, const wasihttp::Fields& headers) override {
      s_->start(status, headers);
    }
    bool offer(std::span<const uint8_t> data) override { return s_->offer(data); }
    int ready_fd() override { return s_->writable_->get(); }
    bool gone() override { return s_->gone_ || s_->broken_; }
    void finish(const wasihttp::Fields* trailers) override { s_->finish(trailers); }
    void done() override {
      s_->conclude();
      s_->release_exchange();
    }

   private:
    std::shared_ptr<Session> s_;
    /// Keeps the I/O threads running (and run() from returning, on a
    /// graceful stop) while the response may still come.
    net::executor_work_guard<net::io_context::executor_type> guard_;
  };

  /// Queued output beyond which offer() refuses more.
  static constexpr size_t kHighWater = 64 * 1024;

  /// The producer's non-blocking write (Deferred::offer).
  bool offer(std::span<const uint8_t> data) {
    if (gone_ || broken_) return true;  // dropped: gone() tells
    if (queued_ > kHighWater) {
      // Cleared before the count is looked at again: a write that ends
      // after this raises it anew.
      wasip2::clear_event(writable_);
      if (queued_ > kHighWater) return false;
    }
    if (frame_body(data) && !pending_.empty()) enqueue(std::exchange(pending_, {}), nullptr);
    return true;
  }

  /// Adds `data` to the body in `pending_`, with its chunk framing and the
  /// head before the first bytes. False when the response is broken.
  bool frame_body(std::span<const uint8_t> data) {
    if (broken_ || gone_) return false;
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
    return true;
  }

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
    head_sent_ = true;
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
    body_ = std::make_shared<ConnectionBody>(shared_from_this(), parser_->is_done());
    data.body = body_;
    expect_continue_ = req[http::field::expect] == "100-continue";
    keep_alive_ = req.keep_alive() && !server_.stopping;
    head_request_ = req.method() == http::verb::head;
    started_ = finished_ = broken_ = deferred_ = head_sent_ = false;
    gone_ = false;
    length_.reset();
    head_.reset();
    sent_body_ = 0;
    // The guest runs on a worker; the work guard keeps the I/O threads
    // running (and run() from returning) until its answer is written.
    net::post(server_.workers, [self = shared_from_this(), data = std::move(data),
                                guard = net::make_work_guard(server_.ioc)]() mutable {
      self->serve(std::move(data));
    });
  }

  /// The request body as the guest's stream: pieces read from the
  /// connection into a buffer when the guest first asks (so
  /// `Expect: 100-continue` is answered only for a guest that reads), and
  /// an eventfd readable while the buffer has something to give, for
  /// guests that wait on a loop rather than in read().
  class ConnectionBody : public wasihttp::BodySource,
                         public std::enable_shared_from_this<ConnectionBody> {
   public:
    ConnectionBody(const std::shared_ptr<Session>& session, bool empty) : session_(session) {
      end_ = empty;
    }

    Read read(uint64_t len) override {
      for (;;) {
        wasip2::SharedFd fd;
        {
          std::lock_guard lock(mutex_);
          if (available()) return take(len);
          ask();
          fd = event();
        }
        pollfd p{fd->get(), POLLIN, 0};
        while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
        }
      }
    }

    wasip2::SharedFd ready_fd() override {
      std::lock_guard lock(mutex_);
      if (!available()) ask();
      return event();
    }

    std::optional<wasihttp::Fields> trailers() override {
      std::lock_guard lock(mutex_);
      return trailers_;
    }

    /// On the strand: bytes read, the end (with the trailers), or a failure.
    void arrived(std::span<const uint8_t> bytes, bool end, std::optional<wasihttp::Fields> t,
                 std::optional<std::string> error) {
      std::lock_guard lock(mutex_);
      bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
      end_ = end_ || end;
      if (end) trailers_ = std::move(t);
      if (error) error_ = std::move(error);
      reading_ = false;
      // Nobody waits on a descriptor not made yet (event() raises a new one).
      if (event_ && available()) wasip2::raise_event(event_);
    }

    /// Whether the body was read to its end without a failure.
    bool whole() {
      std::lock_guard lock(mutex_);
      return end_ && !error_;
    }

   private:
    bool available() const { return offset_ < bytes_.size() || end_ || error_; }

    /// Starts a read on the connection unless one is on its way.
    void ask() {
      if (reading_) return;
      std::shared_ptr<Session> s = session_.lock();
      if (!s) {
        // The connection is gone: a guest that kept the body past its
        // exchange reads no more.
        error_ = "the connection is closed";
        if (event_) wasip2::raise_event(event_);
        return;
      }
      reading_ = true;
      net::post(s->stream_.get_executor(),
                [s, self = shared_from_this()] { s->read_body_piece(self); });
    }

    /// Up to `len` of what is buffered, or the end or failure once all of
    /// it was taken. Called with the mutex held.
    Read take(uint64_t len) {
      Read r;
      if (offset_ < bytes_.size()) {
        size_t n = size_t(std::min<uint64_t>(len ? len : 1, bytes_.size() - offset_));
        r.bytes.assign(bytes_.begin() + ptrdiff_t(offset_),
                       bytes_.begin() + ptrdiff_t(offset_ + n));
        offset_ += n;
        if (offset_ == bytes_.size()) {
          bytes_.clear();
          offset_ = 0;
        }
      } else if (error_) {
        r.error = *error_;
      } else {
        r.end = true;
      }
      if (!available() && event_) wasip2::clear_event(event_);
      return r;
    }

    /// The eventfd, made at first need (most requests have no body); called
    /// with the mutex held.
    const wasip2::SharedFd& event() {
      if (!event_) {
        event_ = wasip2::new_event();
        if (available()) wasip2::raise_event(event_);
      }
      return event_;
    }

    /// Weak: a guest holding the body (a shared instance may, after the
    /// exchange) must not keep the connection and its socket alive.
    std::weak_ptr<Session> session_;
    std::mutex mutex_;
    std::vector<uint8_t> bytes_;
    size_t offset_ = 0;
    bool end_ = false, reading_ = false;
    std::optional<std::string> error_;
    std::optional<wasihttp::Fields> trailers_;
    wasip2::SharedFd event_;
  };

  /// On the strand: reads the next piece of `body` from the connection and
  /// hands it over (a piece with body bytes, or the end, or a failure).
  void read_body_piece(const std::shared_ptr<ConnectionBody>& body) {
    // A body of an exchange that is over (a guest may still hold it) gets
    // nothing more: the connection may be reading its next request.
    if (body != body_) return body->arrived({}, false, std::nullopt, "the request is over");
    // `Expect: 100-continue` is answered on the guest's first read, unless
    // its final response already began.
    if (expect_continue_) {
      expect_continue_ = false;
      if (!head_sent_) push_out("HTTP/1.1 100 Continue\r\n\r\n", nullptr);
    }
    if (parser_->is_done()) return body->arrived({}, true, trailers(), std::nullopt);
    body_buffer_.resize(kBodyPiece);
    // Beast reads at most what the connection's buffer has room for, which
    // is sized for a head: room for a whole piece saves thirty reads.
    if (buffer_.capacity() - buffer_.size() < kBodyPiece)
      buffer_.reserve(buffer_.size() + kBodyPiece);
    auto& b = parser_->get().body();
    b.data = body_buffer_.data();
    b.size = body_buffer_.size();
    stream_.expires_after(server_.options.read_timeout);
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = shared_from_this(), body](beast::error_code ec, size_t) {
                            self->body_piece_read(body, ec);
                          });
  }

  void body_piece_read(const std::shared_ptr<ConnectionBody>& body, beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec)
      return body->arrived({}, false, std::nullopt,
                           ec == http::error::body_limit
                               ? "the request body is larger than the limit"
                               : "the request body could not be read: " + ec.message());
    size_t got = body_buffer_.size() - parser_->get().body().size;
    // A chunk's size line alone gives no bytes: read on.
    if (got == 0 && !parser_->is_done()) return read_body_piece(body);
    bool end = parser_->is_done();
    body->arrived({body_buffer_.data(), got}, end, end ? trailers() : std::nullopt, std::nullopt);
  }

  /// On the strand: a chunked body's trailers, once it is read to its end.
  /// Beast adds them to the message's fields after the header's.
  std::optional<wasihttp::Fields> trailers() {
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

  /// On the worker: the handler. Unless it deferred the response, the
  /// exchange ends when it returns.
  void serve(wasihttp::IncomingRequestData data) {
    holds_.store(1, std::memory_order_relaxed);
    server_.handler(std::move(data), *this);
    if (!deferred_) conclude();
    release_exchange();
  }

  /// By the producer, at the exchange's end: a 500 if no response was
  /// started; a started one left unfinished cuts the connection. Leaves in
  /// `pending_` what is still to be written.
  void conclude() {
    if (!started_ && !broken_) {
      pending_ = simple_response(500, "Internal Server Error\n", keep_alive_);
      finished_ = true;
    } else if (!finished_) {
      broken_ = true;
    }
    if (broken_ || gone_) pending_.clear();
  }

  /// The handler's call and a deferred writer each hold the exchange; the
  /// last to let go ends it (neither knows which comes last).
  void release_exchange() {
    if (holds_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    // The response's tail and the connection's next step: one hand-off.
    net::post(stream_.get_executor(), [self = shared_from_this(), tail = std::move(pending_)] {
      if (!tail.empty()) self->push_out(std::move(tail), nullptr);
      self->ending_ = true;
      self->pump();
    });
  }

  /// Output waiting for the connection, and who waits for it to be written.
  struct Outgoing {
    std::string bytes;
    std::function<void(bool written)> on_written;
  };

  /// By the producer: queues `bytes` behind what is queued already.
  void enqueue(std::string bytes, std::function<void(bool)> on_written) {
    queued_ += bytes.size();
    net::post(stream_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes),
                                       on_written = std::move(on_written)]() mutable {
      self->outbox_.push_back({std::move(bytes), std::move(on_written)});
      self->pump();
    });
  }

  /// On the strand: queues `bytes` (counted as enqueue() counts them).
  void push_out(std::string bytes, std::function<void(bool)> on_written) {
    queued_ += bytes.size();
    outbox_.push_back({std::move(bytes), std::move(on_written)});
    pump();
  }

  /// On the strand: writes the outbox's first piece unless a write is on
  /// its way; once it is empty at the exchange's end, goes on with the
  /// connection.
  void pump() {
    if (writing_) return;
    while (!outbox_.empty() && gone_) written_out(false);
    if (outbox_.empty()) {
      if (ending_) {
        ending_ = false;
        after_response();
      }
      return;
    }
    writing_ = true;
    stream_.expires_after(server_.options.write_timeout);
    net::async_write(stream_, net::buffer(outbox_.front().bytes),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       if (ec) self->gone_ = true;
                       self->written_out(!ec);
                       self->pump();
                     });
  }

  /// On the strand: the outbox's first piece is written (or never will be).
  void written_out(bool ok) {
    Outgoing o = std::move(outbox_.front());
    outbox_.pop_front();
    queued_ -= o.bytes.size();
    if (o.on_written) o.on_written(ok);
    if (writable_) wasip2::raise_event(writable_);
  }

  void after_response() {
    busy_ = false;
    // A body the guest did not read to its end leaves the connection in the
    // middle of a message: it cannot carry another.
    bool whole = body_ && body_->whole();
    body_.reset();
    if (broken_ || gone_ || !finished_ || !whole || !keep_alive_ || server_.stopping)
      return close();
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

  /// By the producer: writes `pending_` and waits until it is written (or
  /// the write failed or timed out).
  bool send() {
    if (gone_) return false;
    std::promise<bool> done;
    auto written = done.get_future();
    enqueue(std::exchange(pending_, {}), [&done](bool ok) { done.set_value(ok); });
    return written.get();
  }

  Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::atomic<bool> busy_{false};

  // The strand's.
  std::shared_ptr<ConnectionBody> body_;  ///< the exchange's request body
  std::vector<uint8_t> body_buffer_;      ///< where body pieces are read into
  bool expect_continue_ = false;
  std::deque<Outgoing> outbox_;
  bool writing_ = false;      ///< a write of the outbox's first piece is on its way
  bool ending_ = false;       ///< the exchange is over once the outbox is written
  size_t header_fields_ = 0;  ///< fields beyond these are the body's trailers

  // Shared by the strand and the producer.
  std::atomic<size_t> queued_{0};       ///< bytes enqueued and not yet written
  std::atomic<bool> gone_{false};       ///< a write failed: the client is gone
  std::atomic<bool> head_sent_{false};  ///< the response's head is framed
  std::atomic<int> holds_{0};           ///< see release_exchange()
  wasip2::SharedFd writable_;           ///< raised as writes end (a deferred writer's ready_fd)

  // The producer's: the response in progress.
  bool keep_alive_ = true, head_request_ = false, deferred_ = false;
  bool started_ = false, finished_ = false, broken_ = false, chunked_ = false, no_body_ = false;
  std::optional<uint64_t> length_;
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
  // No thread serves before every one has its policy: a request is never
  // handled by an I/O thread still about to change it.
  std::latch policies_set(n);
  auto io_thread = [&s, &policies_set] {
    // The policy is the thread's: the caller's own is put back after.
    const int policy = sched_getscheduler(0);
    sched_param param{};
    sched_getparam(0, &param);
    if (s.options.batch_io_threads) {
      // Linux's SCHED_BATCH: a woken I/O thread does not preempt the worker
      // running a guest on its core; it runs when the worker waits or at
      // the next tick, and then finds many connections ready at once. With
      // wakeup preemption each new request interrupted the guest at work:
      // 3.2 context switches a request instead of 0.07, and a third fewer
      // requests a second on one core (src/serve/README.md). Refusal (a
      // seccomp filter) only costs that.
      sched_param none{};
      sched_setscheduler(0, SCHED_BATCH, &none);
    }
    policies_set.arrive_and_wait();
    s.ioc.run();
    if (s.options.batch_io_threads && policy >= 0) sched_setscheduler(0, policy, &param);
  };
  for (unsigned i = 1; i < n; ++i) threads.emplace_back(io_thread);
  io_thread();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  Impl& s = *impl_;
  net::post(s.ioc, [&s] {
    if (s.stopping.exchange(true)) return;
    beast::error_code ec;
    s.acceptor.close(ec);
    // Back to the default handlers: a second SIGINT or SIGTERM while
    // requests finish ends the process, as its sender wants.
    s.signals.clear(ec);
    s.close_idle();
  });
}

}  // namespace flint::serve

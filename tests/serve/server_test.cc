// The HTTP/1.1 server on its own, over real sockets, with handlers written
// here instead of guests: how a handler's start/write/finish calls are
// framed on the wire (content-length, chunked with trailers, no body), what
// the server answers for a handler that gives no response or a short one,
// that stop() lets a request in flight finish, and a deferred response made
// from another thread without blocking (as a WASI 0.3 service's shared
// instance makes it).
#include "serve/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace flint::serve {
namespace {

using wasihttp::Fields;

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

void body(wasihttp::ResponseWriter& w, std::string_view text) {
  w.write({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

/// Waits until `fd` is readable.
void wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10'000), 1) << "the descriptor never became readable";
}

/// The threads answering deferred responses, joined by the fixture.
std::mutex answerers_mutex;
std::vector<std::thread> answerers;
/// How often offer() refused a write (the connection was behind).
std::atomic<int> refusals{0};

/// Echoes the request body from another thread: it reads the body only
/// when its descriptor says a read will not wait, and writes the echo in
/// 100 KiB pieces, waiting on the writer's descriptor when it is refused.
void echo_later(std::shared_ptr<wasihttp::BodySource> source,
                std::shared_ptr<wasihttp::AsyncResponseWriter> w) {
  std::string echoed;
  for (;;) {
    wait_readable(source->ready_fd()->get());
    wasip2::StreamSource::Read r = source->read(1 << 20);
    ASSERT_FALSE(r.error) << *r.error;
    if (r.end) break;
    echoed.append(r.bytes.begin(), r.bytes.end());
  }
  w->start(200, {});
  for (size_t at = 0; at < echoed.size();) {
    size_t n = std::min<size_t>(100 * 1024, echoed.size() - at);
    if (!w->offer({reinterpret_cast<const uint8_t*>(echoed.data() + at), n})) {
      ++refusals;
      wait_readable(w->ready_fd());
      continue;
    }
    at += n;
  }
  w->finish(nullptr);
  w->done();
}

/// Responses by path.
void handler(wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& w) {
  const std::string& path = request.path_with_query;
  Fields h;
  if (path == "/deferred-echo") {
    auto later = w.defer();
    ASSERT_NE(later, nullptr);
    std::lock_guard lock(answerers_mutex);
    answerers.emplace_back(echo_later, request.body, later);
    return;  // the worker is free again; the answer comes from the thread
  }
  if (path == "/len") {
    h.add_unchecked("content-length", bytes("5"));
    w.start(200, h);
    body(w, "hello");
    w.finish(nullptr);
  } else if (path == "/short") {
    h.add_unchecked("content-length", bytes("10"));
    w.start(200, h);
    body(w, "hello");
    w.finish(nullptr);
  } else if (path == "/trailers") {
    w.start(200, h);
    body(w, "ab");
    body(w, "cde");
    Fields t;
    t.add_unchecked("x-checksum", bytes("42"));
    w.finish(&t);
  } else if (path == "/nocontent") {
    w.start(204, h);
    w.finish(nullptr);
  } else if (path == "/slow") {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    w.start(200, h);
    body(w, "slow");
    w.finish(nullptr);
  } else if (path == "/unfinished") {
    w.start(200, h);
    body(w, "partial");
  }
  // Any other path: no response at all.
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.workers = 2;
    auto s = Server::listen(o, handler);
    ASSERT_TRUE(s.ok()) << s.error().describe();
    server_ = std::move(*s);
    thread_ = std::thread([this] { server_->run(false); });
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
    std::lock_guard lock(answerers_mutex);
    for (std::thread& t : answerers) t.join();
    answerers.clear();
  }

  /// Sends `request` on a new connection and reads until the server closes
  /// it (or `until` appears).
  std::string exchange(const std::string& request, const std::string& until = "") {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    EXPECT_EQ(send(fd, request.data(), request.size(), 0), ssize_t(request.size()));
    std::string got;
    char buf[4096];
    while (until.empty() || got.find(until) == std::string::npos) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, size_t(n));
    }
    close(fd);
    return got;
  }

  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, AContentLengthResponseIsSentAsIsAndTheConnectionGoesOn) {
  std::string got = exchange(
      "GET /len HTTP/1.1\r\nHost: x\r\n\r\nGET /len HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  EXPECT_EQ(got.find("transfer-encoding"), std::string::npos) << got;
  size_t first = got.find("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n");
  ASSERT_NE(first, std::string::npos) << got;
  EXPECT_NE(got.find("\r\n\r\nhelloHTTP/1.1 200 OK"), std::string::npos) << got;
  EXPECT_TRUE(got.ends_with("\r\n\r\nhello")) << got;
  EXPECT_NE(got.find("connection: close"), std::string::npos);
}

TEST_F(ServerTest, AChunkedResponseCarriesEachWriteAndTheTrailers) {
  std::string got = exchange("GET /trailers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(got.find("transfer-encoding: chunked\r\n"), std::string::npos) << got;
  EXPECT_TRUE(got.ends_with("\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\nx-checksum: 42\r\n\r\n")) << got;
}

TEST_F(ServerTest, A204HasNoBodyAndNoFraming) {
  std::string got = exchange("GET /nocontent HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 204 No Content\r\n")) << got;
  EXPECT_EQ(got.find("transfer-encoding"), std::string::npos) << got;
  EXPECT_TRUE(got.ends_with("\r\n\r\n")) << got;
}

TEST_F(ServerTest, NoResponseFromTheHandlerIsA500) {
  std::string got = exchange("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 500 Internal Server Error\r\n")) << got;
}

TEST_F(ServerTest, AShortOrUnfinishedBodyCutsTheConnection) {
  // Keep-alive was asked for, and a second request is waiting: neither
  // gets an answer, since the first response cannot be completed.
  std::string got =
      exchange("GET /short HTTP/1.1\r\nHost: x\r\n\r\nGET /len HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n")) << got;
  EXPECT_EQ(got.find("HTTP/1.1", 1), std::string::npos) << got;
  got = exchange("GET /unfinished HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(got.ends_with("7\r\npartial\r\n")) << got;  // no last chunk: incomplete
}

TEST_F(ServerTest, LimitsAndMalformedRequestsAreAnswered) {
  std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n";
  EXPECT_TRUE(exchange(big).starts_with("HTTP/1.1 431 ")) << exchange(big).substr(0, 40);
  EXPECT_TRUE(exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
                  .starts_with("HTTP/1.1 413 "));
  EXPECT_TRUE(exchange("BAD\x01 / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(exchange("GET /len HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .starts_with("HTTP/1.1 200 "));
}

TEST_F(ServerTest, ADeferredResponseComesFromAnotherThreadAndTheConnectionGoesOn) {
  std::string upload(3 << 20, 'x');
  for (size_t i = 0; i < upload.size(); i += 4096) upload[i] = char('a' + i / 4096 % 26);
  refusals = 0;
  std::string got = exchange("POST /deferred-echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                 std::to_string(upload.size()) + "\r\n\r\n" + upload +
                                 "GET /len HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                             "\r\n\r\nhello");
  ASSERT_TRUE(got.starts_with("HTTP/1.1 200 OK\r\n")) << got.substr(0, 200);
  ASSERT_NE(got.find("transfer-encoding: chunked\r\n"), std::string::npos);
  // De-chunk the echo: the pieces, in order, are the upload.
  size_t at = got.find("\r\n\r\n") + 4;
  std::string echoed;
  for (;;) {
    size_t line = got.find("\r\n", at);
    ASSERT_NE(line, std::string::npos);
    size_t n = std::stoul(got.substr(at, line - at), nullptr, 16);
    at = line + 2;
    if (n == 0) break;
    echoed += got.substr(at, n);
    at += n + 2;
  }
  EXPECT_TRUE(echoed == upload) << "echoed " << echoed.size() << " bytes of " << upload.size();
  // The keep-alive connection carried the next request after it.
  EXPECT_NE(got.find("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n", at), std::string::npos);
  // 3 MiB offered to a client that reads only after it sent everything: the
  // queue filled and the writer waited for the connection.
  EXPECT_GT(refusals.load(), 0);
}

TEST_F(ServerTest, StopLetsTheRequestInFlightFinish) {
  std::string got;
  std::thread client([&] { got = exchange("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", "0\r\n\r\n"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->stop();
  thread_.join();  // run() returns once the request is answered
  client.join();
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 OK\r\n")) << got;
  EXPECT_TRUE(got.ends_with("4\r\nslow\r\n0\r\n\r\n")) << got;
  server_.reset();
}

/// How many of this process's threads run under SCHED_BATCH.
int batch_threads() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return -1;
  while (dirent* e = readdir(dir))
    if (e->d_name[0] != '.' && sched_getscheduler(std::atoi(e->d_name)) == SCHED_BATCH) ++n;
  closedir(dir);
  return n;
}

// The I/O threads run under SCHED_BATCH (a woken one does not preempt a
// guest on its core), the workers running guests do not, and the thread
// that called run() gets its own policy back; batch_io_threads = false
// leaves every thread as it was.
TEST(ServerScheduling, OnlyTheIoThreadsRunAsBatch) {
  for (bool batch : {true, false}) {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.workers = 1;
    o.batch_io_threads = batch;
    std::atomic<int> worker_policy{-1}, batch_while_serving{-1};
    auto s = Server::listen(o, [&](wasihttp::IncomingRequestData, wasihttp::ResponseWriter& w) {
      worker_policy = sched_getscheduler(0);
      batch_while_serving = batch_threads();
      w.start(204, {});
      w.finish(nullptr);
    });
    ASSERT_TRUE(s.ok()) << s.error().describe();
    Server& server = **s;
    int caller_after = -1;
    std::thread runner([&] {
      server.run(false);
      caller_after = sched_getscheduler(0);
    });
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server.port());
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(send(fd, request.data(), request.size(), 0), ssize_t(request.size()));
    wait_readable(fd);
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    EXPECT_TRUE(std::string(buf, size_t(n)).starts_with("HTTP/1.1 204")) << std::string(buf, n);
    close(fd);
    server.stop();
    runner.join();
    EXPECT_EQ(worker_policy, SCHED_OTHER);
    EXPECT_EQ(batch_while_serving, batch ? 2 : 0) << "batch_io_threads " << batch;
    EXPECT_EQ(caller_after, SCHED_OTHER);
  }
}

}  // namespace
}  // namespace flint::serve

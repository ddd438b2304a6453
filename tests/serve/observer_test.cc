// The access log and Prometheus metrics (serve/observer.h): counts by
// component and status, the latency histogram, traps, and one log line per
// request in the combined format.
#include "serve/observer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace flint::serve {
namespace {

/// Takes a response and keeps nothing.
class NullWriter : public wasihttp::ResponseWriter {
 public:
  void start(uint16_t, const wasihttp::Fields&) override {}
  bool write(std::span<const uint8_t>) override { return true; }
  void finish(const wasihttp::Fields*) override {}
};

wasihttp::IncomingRequestData request(std::string path) {
  wasihttp::IncomingRequestData r;
  r.method = "GET";
  r.path_with_query = std::move(path);
  r.client_address = "127.0.0.1:5555";
  r.headers.add_unchecked("user-agent", {'t', 'e', 's', 't'});
  return r;
}

/// A handler answering `status` with `body`.
RequestHandler answering(uint16_t status, std::string body) {
  return [status, body](wasihttp::IncomingRequestData, wasihttp::ResponseWriter& w) {
    w.start(status, {});
    w.write({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    w.finish(nullptr);
  };
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ObserverTest, CountsRequestsByComponentAndStatus) {
  auto observer = std::make_shared<Observer>();
  NullWriter w;
  auto ok = observe(observer, "hello", answering(200, "hi"));
  auto missing = observe(observer, "files", answering(404, ""));
  ok(request("/a"), w);
  ok(request("/b"), w);
  missing(request("/c"), w);
  // A handler that never starts a response: the server answers 500.
  observe(observer, "broken", [](wasihttp::IncomingRequestData, wasihttp::ResponseWriter&) {})(
      request("/d"), w);
  observer->count_trap("broken");
  observer->count_instance("hello");
  observer->count_instance("hello");
  std::string m = observer->prometheus();
  EXPECT_TRUE(contains(m, "flint_http_requests_total{component=\"hello\",status=\"200\"} 2\n"))
      << m;
  EXPECT_TRUE(contains(m, "flint_http_requests_total{component=\"files\",status=\"404\"} 1\n"));
  EXPECT_TRUE(contains(m, "flint_http_requests_total{component=\"broken\",status=\"500\"} 1\n"));
  EXPECT_TRUE(contains(m, "flint_http_request_duration_seconds_count{component=\"hello\"} 2\n"));
  EXPECT_TRUE(contains(
      m, "flint_http_request_duration_seconds_bucket{component=\"hello\",le=\"+Inf\"} 2\n"));
  EXPECT_TRUE(contains(m, "flint_instances_total{component=\"hello\"} 2\n"));
  EXPECT_TRUE(contains(m, "flint_traps_total{component=\"broken\"} 1\n"));
  EXPECT_TRUE(contains(m, "flint_traps_total{component=\"hello\"} 0\n"));
  EXPECT_TRUE(contains(m, "flint_http_requests_in_flight{component=\"hello\"} 0\n"));
  EXPECT_TRUE(contains(m, "# TYPE flint_http_request_duration_seconds histogram\n"));
}

TEST(ObserverTest, LogsOneCombinedFormatLinePerRequest) {
  std::FILE* log = std::tmpfile();
  ASSERT_NE(log, nullptr);
  auto observer = std::make_shared<Observer>(log);
  NullWriter w;
  observe(observer, "hello", answering(201, "12345"))(request("/x?q=\"1\""), w);
  std::rewind(log);
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof line, log), nullptr);
  std::string text(line);
  EXPECT_TRUE(contains(
      text, "] 127.0.0.1:5555 \"GET /x?q=\\\"1\\\" HTTP/1.1\" 201 5 \"-\" \"test\" hello "))
      << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(std::fgets(line, sizeof line, log), nullptr) << "one line";
  std::fclose(log);
}

/// A writer whose response may be deferred: what the deferred writer gets
/// is kept, and `ended` tells whether done() came.
class DeferringWriter : public NullWriter {
 public:
  class Later : public wasihttp::AsyncResponseWriter {
   public:
    explicit Later(DeferringWriter& w) : w_(w) {}
    void start(uint16_t, const wasihttp::Fields&) override {}
    bool offer(std::span<const uint8_t>) override { return true; }
    int ready_fd() override { return -1; }
    bool gone() override { return false; }
    void finish(const wasihttp::Fields*) override {}
    void done() override { w_.ended = true; }

   private:
    DeferringWriter& w_;
  };
  std::shared_ptr<wasihttp::AsyncResponseWriter> defer() override {
    return std::make_shared<Later>(*this);
  }
  bool ended = false;
};

TEST(ObserverTest, ADeferredResponseIsRecordedWhenItEnds) {
  std::FILE* log = std::tmpfile();
  ASSERT_NE(log, nullptr);
  auto observer = std::make_shared<Observer>(log);
  DeferringWriter w;
  std::shared_ptr<wasihttp::AsyncResponseWriter> later;
  observe(observer, "svc", [&](wasihttp::IncomingRequestData, wasihttp::ResponseWriter& writer) {
    later = writer.defer();
  })(request("/slow"), w);
  ASSERT_NE(later, nullptr);
  // The handler returned; the response is still in flight.
  EXPECT_TRUE(
      contains(observer->prometheus(), "flint_http_requests_in_flight{component=\"svc\"} 1\n"));
  std::rewind(log);
  char line[512] = {};
  EXPECT_EQ(std::fgets(line, sizeof line, log), nullptr) << "nothing logged before the end";
  later->start(202, {});
  std::string body = "abc";
  ASSERT_TRUE(later->offer({reinterpret_cast<const uint8_t*>(body.data()), body.size()}));
  later->finish(nullptr);
  later->done();
  EXPECT_TRUE(w.ended);
  std::string m = observer->prometheus();
  EXPECT_TRUE(contains(m, "flint_http_requests_total{component=\"svc\",status=\"202\"} 1\n")) << m;
  EXPECT_TRUE(contains(m, "flint_http_requests_in_flight{component=\"svc\"} 0\n")) << m;
  std::rewind(log);
  ASSERT_NE(std::fgets(line, sizeof line, log), nullptr);
  EXPECT_TRUE(contains(line, "\"GET /slow HTTP/1.1\" 202 3 ")) << line;
  std::fclose(log);
}

TEST(ObserverTest, MetricsHandlerAnswersOnlyMetrics) {
  auto observer = std::make_shared<Observer>();
  class Recording : public wasihttp::ResponseWriter {
   public:
    void start(uint16_t s, const wasihttp::Fields&) override { status = s; }
    bool write(std::span<const uint8_t> d) override {
      body.append(d.begin(), d.end());
      return true;
    }
    void finish(const wasihttp::Fields*) override {}
    uint16_t status = 0;
    std::string body;
  };
  Recording metrics, other;
  metrics_handler(observer)(request("/metrics"), metrics);
  metrics_handler(observer)(request("/"), other);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_TRUE(contains(metrics.body, "# TYPE flint_http_requests_total counter"));
  EXPECT_EQ(other.status, 404);
}

}  // namespace
}  // namespace flint::serve

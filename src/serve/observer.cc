// Access log and Prometheus metrics (observer.h).
#include "serve/observer.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>

namespace flint::serve {

namespace {

/// `text` with `"` and `\` escaped, as a log field or a label value.
std::string quoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (uint8_t(c) < 0x20 || uint8_t(c) == 0x7f) {
      out += fmt::format("\\x{:02x}", uint8_t(c));
      continue;
    }
    out += c;
  }
  return out;
}

std::string header(const wasihttp::IncomingRequestData& r, std::string_view name) {
  auto values = r.headers.get(name);
  return values.empty() ? "-" : std::string(values[0].begin(), values[0].end());
}

}  // namespace

/// What the log line and the metrics need of one request.
struct Observer::Observation {
  std::string component, line, referer, agent;
  std::chrono::steady_clock::time_point began = std::chrono::steady_clock::now();
  uint16_t status = 0;  ///< 0: never started (the server answers 500)
  uint64_t bytes = 0;
};

/// Sees what a deferred response sends, and records it at its end.
class Observer::CountingAsyncWriter : public wasihttp::AsyncResponseWriter {
 public:
  CountingAsyncWriter(std::shared_ptr<Observer> observer, std::shared_ptr<Observation> seen,
                      std::shared_ptr<wasihttp::AsyncResponseWriter> inner)
      : observer_(std::move(observer)), seen_(std::move(seen)), inner_(std::move(inner)) {}
  void start(uint16_t status, const wasihttp::Fields& headers) override {
    seen_->status = status;
    inner_->start(status, headers);
  }
  bool offer(std::span<const uint8_t> data) override {
    bool taken = inner_->offer(data);
    if (taken) seen_->bytes += data.size();
    return taken;
  }
  int ready_fd() override { return inner_->ready_fd(); }
  bool gone() override { return inner_->gone(); }
  void finish(const wasihttp::Fields* trailers) override { inner_->finish(trailers); }
  void done() override {
    inner_->done();
    observer_->record(*seen_);
  }

 private:
  std::shared_ptr<Observer> observer_;
  std::shared_ptr<Observation> seen_;
  std::shared_ptr<wasihttp::AsyncResponseWriter> inner_;
};

/// Sees what a handler answers on its way to the real writer.
class Observer::CountingWriter : public wasihttp::ResponseWriter {
 public:
  CountingWriter(Observer& observer, std::shared_ptr<Observation> seen,
                 wasihttp::ResponseWriter& inner)
      : observer_(observer), seen_(std::move(seen)), inner_(inner) {}
  void start(uint16_t status, const wasihttp::Fields& headers) override {
    seen_->status = status;
    inner_.start(status, headers);
  }
  bool write(std::span<const uint8_t> data) override {
    seen_->bytes += data.size();
    return inner_.write(data);
  }
  void finish(const wasihttp::Fields* trailers) override { inner_.finish(trailers); }
  std::shared_ptr<wasihttp::AsyncResponseWriter> defer() override {
    auto inner = inner_.defer();
    if (!inner) return nullptr;
    deferred_ = true;
    return std::make_shared<CountingAsyncWriter>(observer_.shared_from_this(), seen_,
                                                 std::move(inner));
  }
  /// Whether the response was deferred (recorded at its end, not here).
  bool deferred() const { return deferred_; }

 private:
  Observer& observer_;
  std::shared_ptr<Observation> seen_;
  wasihttp::ResponseWriter& inner_;
  bool deferred_ = false;
};

void Observer::handle(
    const std::string& component, wasihttp::IncomingRequestData request,
    wasihttp::ResponseWriter& writer,
    const std::function<void(wasihttp::IncomingRequestData, wasihttp::ResponseWriter&)>& handler) {
  {
    std::lock_guard lock(mutex_);
    ++components_[component].in_flight;
  }
  // What the log line needs, before the request moves into the handler.
  auto seen = std::make_shared<Observation>();
  seen->component = component;
  if (access_log_) {
    seen->line = fmt::format("{} \"{} {} HTTP/1.1\" ",
                             request.client_address.empty() ? "-" : request.client_address,
                             quoted(request.method), quoted(request.path_with_query));
    seen->referer = header(request, "referer");
    seen->agent = header(request, "user-agent");
  }
  CountingWriter counting(*this, seen, writer);
  handler(std::move(request), counting);
  if (!counting.deferred()) record(*seen);
}

void Observer::record(const Observation& o) {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - o.began).count();
  uint16_t status = o.status ? o.status : 500;
  {
    std::lock_guard lock(mutex_);
    PerComponent& c = components_[o.component];
    --c.in_flight;
    ++c.by_status[status];
    ++c.count;
    c.sum_seconds += seconds;
    for (size_t i = 0; i < std::size(kBuckets); ++i)
      if (seconds <= kBuckets[i]) ++c.buckets[i];
  }
  if (access_log_) {
    char when[64];
    time_t now = time(nullptr);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    // Combined log format, with the time first and the component and
    // duration (ms) after: one fputs, so concurrent lines never interleave.
    std::string out =
        fmt::format("[{}] {}{} {} \"{}\" \"{}\" {} {:.3f}\n", when, o.line, status, o.bytes,
                    quoted(o.referer), quoted(o.agent), o.component, seconds * 1e3);
    std::fputs(out.c_str(), access_log_);
    std::fflush(access_log_);
  }
}

void Observer::count_instance(const std::string& component) {
  std::lock_guard lock(mutex_);
  ++components_[component].instances;
}

void Observer::count_trap(const std::string& component) {
  std::lock_guard lock(mutex_);
  ++components_[component].traps;
}

std::string Observer::prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP flint_http_requests_total HTTP requests answered, by component and status.\n";
  out += "# TYPE flint_http_requests_total counter\n";
  for (const auto& [name, c] : components_)
    for (const auto& [status, n] : c.by_status)
      out += fmt::format("flint_http_requests_total{{component=\"{}\",status=\"{}\"}} {}\n",
                         quoted(name), status, n);
  out += "# HELP flint_http_request_duration_seconds Time from routing to the response's end.\n";
  out += "# TYPE flint_http_request_duration_seconds histogram\n";
  for (const auto& [name, c] : components_) {
    std::string label = quoted(name);
    for (size_t i = 0; i < std::size(kBuckets); ++i)
      out += fmt::format(
          "flint_http_request_duration_seconds_bucket{{component=\"{}\",le=\"{}\"}} {}\n", label,
          kBuckets[i], c.buckets[i]);
    out += fmt::format(
        "flint_http_request_duration_seconds_bucket{{component=\"{}\",le=\"+Inf\"}} {}\n", label,
        c.count);
    out += fmt::format("flint_http_request_duration_seconds_sum{{component=\"{}\"}} {}\n", label,
                       c.sum_seconds);
    out += fmt::format("flint_http_request_duration_seconds_count{{component=\"{}\"}} {}\n", label,
                       c.count);
  }
  out +=
      "# HELP flint_instances_total Instances made (a wasi:http@0.2 handler: one per request).\n";
  out += "# TYPE flint_instances_total counter\n";
  for (const auto& [name, c] : components_)
    out += fmt::format("flint_instances_total{{component=\"{}\"}} {}\n", quoted(name), c.instances);
  out += "# HELP flint_traps_total Requests whose guest trapped or could not be instantiated.\n";
  out += "# TYPE flint_traps_total counter\n";
  for (const auto& [name, c] : components_)
    out += fmt::format("flint_traps_total{{component=\"{}\"}} {}\n", quoted(name), c.traps);
  out += "# HELP flint_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE flint_http_requests_in_flight gauge\n";
  for (const auto& [name, c] : components_)
    out += fmt::format("flint_http_requests_in_flight{{component=\"{}\"}} {}\n", quoted(name),
                       c.in_flight);
  return out;
}

RequestHandler observe(std::shared_ptr<Observer> observer, std::string component,
                       RequestHandler handler) {
  return [observer, component, handler](wasihttp::IncomingRequestData request,
                                        wasihttp::ResponseWriter& writer) {
    observer->handle(component, std::move(request), writer, handler);
  };
}

RequestHandler metrics_handler(std::shared_ptr<const Observer> observer) {
  return [observer](wasihttp::IncomingRequestData request, wasihttp::ResponseWriter& writer) {
    std::string path = request.path_with_query.substr(0, request.path_with_query.find('?'));
    bool found = path == "/metrics";
    std::string body = found ? observer->prometheus() : "not found: metrics are at /metrics\n";
    wasihttp::Fields headers;
    std::string type = found ? "text/plain; version=0.0.4" : "text/plain";
    std::string length = std::to_string(body.size());
    headers.add_unchecked("content-type", {type.begin(), type.end()});
    headers.add_unchecked("content-length", {length.begin(), length.end()});
    writer.start(found ? 200 : 404, headers);
    writer.write({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    writer.finish(nullptr);
  };
}

}  // namespace flint::serve

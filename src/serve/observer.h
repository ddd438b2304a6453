// What `flint serve` and `flint up` tell an operator (issue 13): an access
// log (one line per request, Apache's combined format plus the component
// and the duration) and Prometheus metrics per component: requests by
// status, a latency histogram, instances made, traps, requests in flight.
// Both are opt-in (--access-log, --metrics-addr).
//
//   auto observer = std::make_shared<Observer>(log_file);
//   handler = observe(observer, "component", handler);       // or per route, as App does
//   // a second Server answers GET /metrics with observer->prometheus()
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "serve/server.h"

namespace flint::serve {

/// Counts and logs requests; thread-safe (requests run on many workers).
class Observer : public std::enable_shared_from_this<Observer> {
 public:
  /// `access_log`: where lines go (null: no access log); not closed here.
  explicit Observer(std::FILE* access_log = nullptr) : access_log_(access_log) {}

  /// One request handled by `component`: its writer wrapped to see the
  /// status and body size; `handler` runs through it. A response the
  /// handler defers is recorded when it ends (the observer must be held
  /// by a shared_ptr then).
  void handle(
      const std::string& component, wasihttp::IncomingRequestData request,
      wasihttp::ResponseWriter& writer,
      const std::function<void(wasihttp::IncomingRequestData, wasihttp::ResponseWriter&)>& handler);

  /// A guest of `component` trapped (or its instance failed).
  void count_trap(const std::string& component);
  /// An instance of `component` was made (one per request of a 0.2
  /// handler; a 0.3 service's serve many).
  void count_instance(const std::string& component);

  /// The metrics in Prometheus' text exposition format (version 0.0.4).
  std::string prometheus() const;

  /// The histogram's upper bounds, in seconds.
  static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};

 private:
  struct Observation;
  class CountingWriter;
  class CountingAsyncWriter;
  /// Counts and logs a request whose response ended.
  void record(const Observation& o);

  struct PerComponent {
    std::map<uint16_t, uint64_t> by_status;
    uint64_t buckets[std::size(kBuckets)] = {};
    uint64_t count = 0;
    double sum_seconds = 0;
    uint64_t traps = 0;
    uint64_t instances = 0;
    int64_t in_flight = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, PerComponent> components_;
  std::FILE* access_log_;
};

/// `handler` with every request observed under `component`.
RequestHandler observe(std::shared_ptr<Observer> observer, std::string component,
                       RequestHandler handler);

/// A handler answering GET /metrics with `observer`'s metrics (404 else),
/// for a second Server on --metrics-addr.
RequestHandler metrics_handler(std::shared_ptr<const Observer> observer);

}  // namespace flint::serve

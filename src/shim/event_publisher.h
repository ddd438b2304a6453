// The shim's task events (containerd docs/runtime-v2.md, "Events"):
// /tasks/create, /tasks/start, /tasks/exit and /tasks/delete, in that order
// per task, forwarded to containerd's ttrpc event service. ctr and the CRI
// plugin wait on Task.Wait, but Docker learns that a container ended only
// from /tasks/exit (FACTS.md §2.4: without it `docker run` never returns).
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "shim/ttrpc_client.h"

namespace google::protobuf {
class Message;
}

namespace flint::shim {

/// Forwards events to containerd in order, on a thread of its own, so that
/// a task call never waits for containerd to accept an event (containerd
/// may be calling the shim at that moment).
class EventPublisher {
 public:
  /// Publishes to the ttrpc address `address` (empty: events are dropped,
  /// as when a test drives the shim without containerd) in `name_space`.
  EventPublisher(std::string address, std::string name_space);
  ~EventPublisher();

  /// Queues `event` (a containerd.events.Task* message) under `topic`
  /// ("/tasks/exit"), stamped now.
  void publish(const std::string& topic, const google::protobuf::Message& event);

  /// Waits until every queued event was forwarded or given up on (before the
  /// shim exits).
  void flush();

 private:
  struct Queued {
    std::string envelope;  // a serialised ForwardRequest
  };
  void run();

  std::string name_space_;
  std::unique_ptr<TtrpcClient> client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Queued> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace flint::shim

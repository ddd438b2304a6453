// The instances of a wasi:http@0.3 service, each serving many requests at
// once, as `wasmtime serve` and Spin serve a WASI 0.3 handler: the async
// ABI lets `handle` be called again while earlier calls wait, so a request
// that waits (on its body, a database, a timer) does not hold an instance
// of its own. A 0.2 handler cannot be called concurrently and gets a fresh
// instance per request instead (component_handler.h).
//
// Each instance has a thread of its own running its store's event loop: a
// request is queued to it and the thread starts its `handle` call on the
// loop, which goes on with the other calls meanwhile. Nothing on the loop
// blocks: the request body arrives through the connection's descriptor
// (BodySource::ready_fd) and the response leaves through a deferred writer
// (ResponseWriter::defer) whose full queue holds the guest's writes back.
//
// Reuse is bounded as wasmtime serve bounds it (HandlerOptions::reuse: the
// same flags and defaults): at most `max_concurrent` requests in one instance at a time,
// `max_requests` in its life, and an instance idle for `idle_timeout` is
// dropped. A trap ends the instance: the requests it was serving are
// answered 500 (or cut, once their response began), requests queued to it
// and not yet started go to another instance, and the server goes on.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "component_runtime/compiled_component.h"
#include "serve/component_handler.h"
#include "wasihttp/host.h"

namespace flint::serve {

/// The instances serving one wasi:http@0.3 service.
class SharedInstances {
 public:
  SharedInstances(std::shared_ptr<const component::CompiledComponent> component,
                  std::shared_ptr<const HandlerOptions> options);
  /// Drops the idle instances and waits until every instance's requests
  /// ended and its thread finished.
  ~SharedInstances();
  SharedInstances(const SharedInstances&) = delete;
  SharedInstances& operator=(const SharedInstances&) = delete;

  /// Serves `request` on an instance with room for it, making a new one
  /// when none has; returns at once. `writer` gets the response, and its
  /// done() is called once it ended.
  void dispatch(wasihttp::IncomingRequestData request,
                std::shared_ptr<wasihttp::AsyncResponseWriter> writer);

 private:
  struct Instance;
  struct Queued;
  /// The thread of `instance`: instantiates, then serves its queue until
  /// the instance is done.
  void run(std::shared_ptr<Instance> instance);
  /// Serves on `instance`, already instantiated, until it is closed and its
  /// last request ended (or it trapped).
  void serve(Instance& instance);
  /// Takes `instance` out of those given new requests (under mutex_).
  void close_locked(Instance& instance);

  std::shared_ptr<const component::CompiledComponent> component_;
  std::shared_ptr<const HandlerOptions> options_;

  std::mutex mutex_;
  std::vector<std::shared_ptr<Instance>> open_;  ///< instances taking requests
  size_t threads_ = 0;                           ///< instance threads alive
  bool closing_ = false;
  std::condition_variable all_ended_;
};

}  // namespace flint::serve

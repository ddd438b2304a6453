// A ttrpc server (PROTOCOL.md) for the shim's task service: unary methods
// looked up by service and method name, each call on a thread of its own.
// containerd multiplexes one connection: a Wait blocks for as long as the
// guest runs while State, Kill and Stats arrive beside it, so calls are
// answered out of order, each on its stream id, writes serialised per
// connection.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>

namespace flint::shim {

/// gRPC status codes (google.rpc.Code) that the task service answers with;
/// containerd maps them to its errdefs (NotFound, AlreadyExists, ...).
enum class RpcCode : int {
  Ok = 0,
  InvalidArgument = 3,
  NotFound = 5,
  AlreadyExists = 6,
  FailedPrecondition = 9,
  Unimplemented = 12,
  Internal = 13,
};

/// A failed call: its code and a message naming what failed.
struct RpcFailure {
  RpcCode code = RpcCode::Internal;
  std::string message;
};

/// A method's outcome: the serialised response message, or a failure.
using RpcResult = std::variant<std::string, RpcFailure>;

/// A unary method: the serialised request message in, the outcome out.
using RpcMethod = std::function<RpcResult(const std::string& payload)>;

/// Serves unary ttrpc methods on a listening unix socket.
class TtrpcServer {
 public:
  /// Registers `method` of `service` ("containerd.task.v2.Task", "Create").
  void add_method(const std::string& service, const std::string& method, RpcMethod handler);

  /// Accepts and serves connections on `listen_fd` until stop_after_reply
  /// takes effect; then returns. Calls in flight on other threads finish.
  void serve(int listen_fd);

  /// Asks serve() to return once the reply of the call that asks has been
  /// written (Task.Shutdown: containerd must read its answer before the
  /// shim goes away).
  void stop_after_reply() { stop_requested_ = true; }

 private:
  void serve_connection(int fd);

  std::map<std::pair<std::string, std::string>, RpcMethod> methods_;
  std::atomic<bool> stop_requested_ = false;
  int listen_fd_ = -1;
};

}  // namespace flint::shim

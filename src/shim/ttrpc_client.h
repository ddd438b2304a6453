// A ttrpc client for unary calls: how the shim forwards its task events to
// containerd (containerd.services.events.ttrpc.v1.Events/Forward).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "shim/ttrpc_server.h"

namespace flint::shim {

/// Calls methods on one ttrpc server, one call at a time, reconnecting when
/// the connection was lost (containerd restarted).
class TtrpcClient {
 public:
  /// A client of the server at `address` (`unix:///path` or a bare path).
  explicit TtrpcClient(std::string address) : address_(std::move(address)) {}
  ~TtrpcClient();
  TtrpcClient(const TtrpcClient&) = delete;
  TtrpcClient& operator=(const TtrpcClient&) = delete;

  /// Calls `service`/`method` with the serialised `payload`; the reply's
  /// payload, or the failure (Unavailable-like failures come back as
  /// Internal with the reason).
  RpcResult call(const std::string& service, const std::string& method, const std::string& payload);

 private:
  bool connect_locked();

  std::string address_;
  std::mutex mutex_;
  int fd_ = -1;
  uint32_t next_stream_ = 1;
};

}  // namespace flint::shim

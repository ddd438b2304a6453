#include "shim/ttrpc_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "shim/ttrpc_frame.h"
#include "ttrpc/request.pb.h"

namespace flint::shim {

TtrpcClient::~TtrpcClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool TtrpcClient::connect_locked() {
  std::string path = address_;
  if (path.starts_with("unix://")) path = path.substr(7);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  next_stream_ = 1;
  return true;
}

RpcResult TtrpcClient::call(const std::string& service, const std::string& method,
                            const std::string& payload) {
  std::lock_guard lock(mutex_);
  ttrpc::Request request;
  request.set_service(service);
  request.set_method(method);
  request.set_payload(payload);
  // One retry on a fresh connection: the first write after containerd
  // restarted fails on the old socket.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !connect_locked())
      return RpcFailure{RpcCode::Internal, "cannot connect to " + address_};
    uint32_t stream = next_stream_;
    next_stream_ += 2;  // client-initiated streams are odd
    Frame frame{stream, FrameType::Request, 0, request.SerializeAsString()};
    std::optional<Frame> reply;
    if (write_all(fd_, encode_frame(frame))) {
      while ((reply = read_frame(fd_)) && reply->stream_id != stream) {
      }
    }
    if (!reply) {
      ::close(fd_);
      fd_ = -1;
      continue;
    }
    ttrpc::Response response;
    if (!response.ParseFromString(reply->data))
      return RpcFailure{RpcCode::Internal, "malformed ttrpc response from " + address_};
    if (response.has_status() && response.status().code() != 0)
      return RpcFailure{static_cast<RpcCode>(response.status().code()),
                        response.status().message()};
    return std::string(response.payload());
  }
  return RpcFailure{RpcCode::Internal, "connection to " + address_ + " lost"};
}

}  // namespace flint::shim

#include "shim/ttrpc_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <thread>

#include "shim/ttrpc_frame.h"
#include "ttrpc/request.pb.h"

namespace flint::shim {

namespace {

/// One accepted connection, shared by its reader and its calls' threads;
/// the socket closes when the last of them lets go.
struct Connection {
  explicit Connection(int fd) : fd(fd) {}
  ~Connection() { ::close(fd); }
  int fd;
  std::mutex write_mutex;
};

std::string response_bytes(const RpcResult& result) {
  ttrpc::Response response;
  if (auto* payload = std::get_if<std::string>(&result)) {
    response.set_payload(*payload);
  } else {
    const auto& failure = std::get<RpcFailure>(result);
    response.mutable_status()->set_code(static_cast<int>(failure.code));
    response.mutable_status()->set_message(failure.message);
  }
  return response.SerializeAsString();
}

}  // namespace

void TtrpcServer::add_method(const std::string& service, const std::string& method,
                             RpcMethod handler) {
  methods_[{service, method}] = std::move(handler);
}

void TtrpcServer::serve(int listen_fd) {
  listen_fd_ = listen_fd;
  while (!stop_requested_) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;  // shut down by stop_after_reply's reply, or the socket is gone
    }
    std::thread([this, fd] { serve_connection(fd); }).detach();
  }
}

void TtrpcServer::serve_connection(int fd) {
  auto connection = std::make_shared<Connection>(fd);
  while (auto frame = read_frame(fd)) {
    if (frame->type != FrameType::Request) continue;  // no streaming method is served
    ttrpc::Request request;
    RpcResult parsed_failure = RpcFailure{RpcCode::InvalidArgument, "malformed ttrpc request"};
    const RpcMethod* handler = nullptr;
    if (request.ParseFromString(frame->data)) {
      auto found = methods_.find({request.service(), request.method()});
      if (found != methods_.end())
        handler = &found->second;
      else
        parsed_failure =
            RpcFailure{RpcCode::Unimplemented,
                       request.service() + "/" + request.method() + " not implemented"};
    }
    std::thread([this, connection, stream = frame->stream_id, handler,
                 payload = std::string(request.payload()), parsed_failure] {
      RpcResult result = handler ? (*handler)(payload) : parsed_failure;
      Frame reply{stream, FrameType::Response, 0, response_bytes(result)};
      {
        std::lock_guard lock(connection->write_mutex);
        write_all(connection->fd, encode_frame(reply));
      }
      if (stop_requested_) ::shutdown(listen_fd_, SHUT_RDWR);  // wakes serve()'s accept
    }).detach();
  }
}

}  // namespace flint::shim

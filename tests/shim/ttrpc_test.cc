// ttrpc framing and a server/client round trip over a real unix socket:
// concurrent calls answered out of order on their stream ids (a blocked
// Wait must not hold up State), unknown methods, and a peer that is not
// speaking ttrpc.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "shim/ttrpc_client.h"
#include "shim/ttrpc_frame.h"
#include "shim/ttrpc_server.h"

namespace flint::shim {
namespace {

TEST(TtrpcFrame, HeaderIsBigEndianLengthStreamTypeFlags) {
  // PROTOCOL.md's example: a 146-byte Request on stream 1.
  std::string bytes = encode_frame({1, FrameType::Request, 0, std::string(146, 'x')});
  ASSERT_EQ(bytes.size(), 156u);
  EXPECT_EQ(bytes.substr(0, 10), std::string("\x00\x00\x00\x92\x00\x00\x00\x01\x01\x00", 10));

  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::string two =
      encode_frame({3, FrameType::Response, 4, "abc"}) + encode_frame({5, FrameType::Data, 1, ""});
  ASSERT_TRUE(write_all(fds[0], two));
  ::close(fds[0]);
  auto first = read_frame(fds[1]);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->stream_id, 3u);
  EXPECT_EQ(first->type, FrameType::Response);
  EXPECT_EQ(first->flags, 4);
  EXPECT_EQ(first->data, "abc");
  auto second = read_frame(fds[1]);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->stream_id, 5u);
  EXPECT_EQ(second->data, "");
  EXPECT_FALSE(read_frame(fds[1]));  // end of stream
  ::close(fds[1]);
}

TEST(TtrpcFrame, AnOversizedOrTruncatedFrameIsRefused) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  // 16 MiB announced: above ttrpc's 4 MiB limit, never allocated.
  ASSERT_TRUE(write_all(fds[0], std::string("\x01\x00\x00\x00\x00\x00\x00\x01\x01\x00", 10)));
  EXPECT_FALSE(read_frame(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::string cut = encode_frame({1, FrameType::Request, 0, "0123456789"});
  ASSERT_TRUE(write_all(fds[0], cut.substr(0, cut.size() - 3)));
  ::close(fds[0]);
  EXPECT_FALSE(read_frame(fds[1]));
  ::close(fds[1]);
}

/// A server on a fresh socket, served on a thread.
struct ServerFixture {
  ServerFixture() {
    path = (std::filesystem::temp_directory_path() /
            ("flint-ttrpc-" + std::to_string(::getpid()) + ".sock"))
               .string();
    ::unlink(path.c_str());
    listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, path.size());
    EXPECT_EQ(::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd, 8), 0);
  }
  void start() {
    thread = std::thread([this] { server.serve(listen_fd); });
  }
  ~ServerFixture() {
    if (thread.joinable()) thread.join();
    ::close(listen_fd);
    ::unlink(path.c_str());
  }
  std::string path;
  int listen_fd = -1;
  TtrpcServer server;
  std::thread thread;
};

TEST(TtrpcServer, CallsRunConcurrentlyAndAnswerOnTheirStream) {
  ServerFixture fixture;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  fixture.server.add_method("test.Svc", "Block", [released](const std::string& payload) {
    released.wait();  // like Task.Wait: answers only when told
    return RpcResult("unblocked " + payload);
  });
  fixture.server.add_method(
      "test.Svc", "Echo", [](const std::string& payload) { return RpcResult("echo " + payload); });
  fixture.server.add_method("test.Svc", "Fail", [](const std::string&) {
    return RpcResult(RpcFailure{RpcCode::NotFound, "no such thing"});
  });
  fixture.server.add_method("test.Svc", "Stop", [&](const std::string&) {
    fixture.server.stop_after_reply();
    return RpcResult(std::string("bye"));
  });
  fixture.start();

  TtrpcClient blocked_client("unix://" + fixture.path), client(fixture.path);
  auto blocked =
      std::async(std::launch::async, [&] { return blocked_client.call("test.Svc", "Block", "w"); });
  // The blocked call does not hold up another client's calls.
  auto echo = client.call("test.Svc", "Echo", "hi");
  ASSERT_TRUE(std::holds_alternative<std::string>(echo));
  EXPECT_EQ(std::get<std::string>(echo), "echo hi");
  auto failed = client.call("test.Svc", "Fail", "");
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(failed));
  EXPECT_EQ(std::get<RpcFailure>(failed).code, RpcCode::NotFound);
  EXPECT_EQ(std::get<RpcFailure>(failed).message, "no such thing");
  auto unknown = client.call("test.Svc", "Nope", "");
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(unknown));
  EXPECT_EQ(std::get<RpcFailure>(unknown).code, RpcCode::Unimplemented);
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  release.set_value();
  auto unblocked = blocked.get();
  ASSERT_TRUE(std::holds_alternative<std::string>(unblocked));
  EXPECT_EQ(std::get<std::string>(unblocked), "unblocked w");

  auto stopped = client.call("test.Svc", "Stop", "");
  ASSERT_TRUE(std::holds_alternative<std::string>(stopped));  // answered before the server stops
  EXPECT_EQ(std::get<std::string>(stopped), "bye");
  fixture.thread.join();  // serve() returned
}

TEST(TtrpcServer, GarbageFromAPeerDropsOnlyThatConnection) {
  ServerFixture fixture;
  fixture.server.add_method(
      "test.Svc", "Echo", [](const std::string& payload) { return RpcResult("echo " + payload); });
  fixture.server.add_method("test.Svc", "Stop", [&](const std::string&) {
    fixture.server.stop_after_reply();
    return RpcResult(std::string());
  });
  fixture.start();
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  fixture.path.copy(addr.sun_path, fixture.path.size());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_TRUE(write_all(fd, "GET / HTTP/1.1\r\n\r\n"));  // not ttrpc: an absurd length
  char byte;
  EXPECT_LE(::read(fd, &byte, 1), 0);  // the server hung up (a reset: our bytes were unread)
  ::close(fd);
  // A request whose payload is not a ttrpc.Request is answered InvalidArgument.
  fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_TRUE(write_all(fd, encode_frame({1, FrameType::Request, 0, "\xff\xff\xff"})));
  auto reply = read_frame(fd);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->stream_id, 1u);
  EXPECT_EQ(reply->type, FrameType::Response);
  ::close(fd);

  TtrpcClient client(fixture.path);
  auto echo = client.call("test.Svc", "Echo", "still here");
  ASSERT_TRUE(std::holds_alternative<std::string>(echo));
  EXPECT_EQ(std::get<std::string>(echo), "echo still here");
  client.call("test.Svc", "Stop", "");
}

TEST(TtrpcClient, ANonexistentServerIsAFailureNotAHang) {
  TtrpcClient client("unix:///nonexistent/flint.sock");
  auto result = client.call("s", "m", "");
  ASSERT_TRUE(std::holds_alternative<RpcFailure>(result));
  EXPECT_NE(std::get<RpcFailure>(result).message.find("cannot connect"), std::string::npos);
}

}  // namespace
}  // namespace flint::shim

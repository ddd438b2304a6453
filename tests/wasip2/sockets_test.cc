// wasi:sockets called as a guest's lowered imports call them, over real
// sockets on 127.0.0.1 (no mocks): TCP bind/listen/accept/connect, reads
// and writes through the streams, shutdown; UDP datagrams both ways; name
// lookup of "localhost"; and each denial when the grants (wasmtime's -S
// inherit-network, allow-ip-name-lookup, tcp, udp) are not given.
#include "wasip2/sockets.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "../common/socket_values.h"
#include "wasip2/wasip2.h"

namespace flint::wasip2 {
namespace {

using component::ComponentLinker;
using component::FunctionPtr;
using component::InstancePtr;
using component::TypeKind;
namespace val = component::val;
using namespace sockets;

constexpr const char* kTcp = "wasi:sockets/tcp@0.2.0";
constexpr const char* kUdp = "wasi:sockets/udp@0.2.0";
constexpr const char* kStreams = "wasi:io/streams@0.2.0";

using testing::bytes;
using testing::loopback;
using testing::port_of;
using testing::text;

class Sockets : public ::testing::Test {
 protected:
  void start(SocketGrants grants) {
    signal(SIGPIPE, SIG_IGN);
    auto ctx = wasi::WasiContext::create({});
    ASSERT_TRUE(ctx.ok());
    host_ = define_wasip2(linker_, *ctx, grants);
    network_ = call("wasi:sockets/instance-network@0.2.0", "instance-network", {});
  }

  ComponentValue call(const std::string& iface, const std::string& name,
                      std::vector<ComponentValue> args) {
    auto item = linker_.resolve(iface);
    EXPECT_TRUE(item.ok()) << iface;
    const InstancePtr& instance = std::get<InstancePtr>(*item);
    auto it = instance->exports.find(name);
    EXPECT_NE(it, instance->exports.end()) << name;
    auto r = std::get<FunctionPtr>(it->second)->call(store_, args);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() && *r ? **r : val::none();
  }

  /// The ok payload of a result (failing the test on err).
  ComponentValue ok(const ComponentValue& result, const char* what) {
    EXPECT_EQ(result.as_case().index, 0u)
        << what << " failed with error-code "
        << (result.as_case().payload ? result.as_case().payload->as_case().index : 0);
    return result.as_case().payload ? *result.as_case().payload : val::none();
  }

  /// The error-code of a failed result (~0u if it succeeded).
  uint32_t error(const ComponentValue& result) {
    if (result.as_case().index == 0) return ~0u;
    return result.as_case().payload->as_case().index;
  }

  ComponentValue tcp_socket() {
    return ok(
        call("wasi:sockets/tcp-create-socket@0.2.0", "create-tcp-socket", {val::enum_case(0)}),
        "create-tcp-socket");
  }
  ComponentValue udp_socket() {
    return ok(
        call("wasi:sockets/udp-create-socket@0.2.0", "create-udp-socket", {val::enum_case(0)}),
        "create-udp-socket");
  }
  ComponentValue tcp(const std::string& method, std::vector<ComponentValue> args) {
    return call(kTcp, "[method]tcp-socket." + method, std::move(args));
  }
  ComponentValue udp(const std::string& resource, const std::string& method,
                     std::vector<ComponentValue> args) {
    return call(kUdp, "[method]" + resource + "." + method, std::move(args));
  }
  /// wasi:io/poll.poll on one pollable: returns once it is ready.
  void wait(const ComponentValue& pollable) {
    call("wasi:io/poll@0.2.0", "poll", {val::list({pollable})});
  }

  /// A TCP socket listening on 127.0.0.1 at a port the kernel picked.
  ComponentValue listener(uint16_t& port) {
    ComponentValue s = tcp_socket();
    ok(tcp("start-bind", {s, network_, loopback(0)}), "start-bind");
    ok(tcp("finish-bind", {s}), "finish-bind");
    ok(tcp("start-listen", {s}), "start-listen");
    ok(tcp("finish-listen", {s}), "finish-listen");
    port = port_of(ok(tcp("local-address", {s}), "local-address"));
    return s;
  }

  ComponentLinker linker_;
  std::shared_ptr<Host> host_;
  Store store_;
  ComponentValue network_;
};

TEST_F(Sockets, TcpConnectAcceptReadWriteShutdownOverLoopback) {
  start({.inherit_network = true});
  uint16_t port = 0;
  ComponentValue server = listener(port);
  EXPECT_NE(port, 0);
  EXPECT_TRUE(tcp("is-listening", {server}).as_bool());

  ComponentValue client = tcp_socket();
  ok(tcp("start-connect", {client, network_, loopback(port)}), "start-connect");
  wait(tcp("subscribe", {client}));
  ComponentValue client_streams = ok(tcp("finish-connect", {client}), "finish-connect");
  EXPECT_EQ(port_of(ok(tcp("remote-address", {client}), "remote-address")), port);

  wait(tcp("subscribe", {server}));
  ComponentValue accepted = ok(tcp("accept", {server}), "accept");
  const auto& a = accepted.items();
  EXPECT_EQ(port_of(ok(tcp("remote-address", {a[0]}), "remote-address")),
            port_of(ok(tcp("local-address", {client}), "local-address")));

  // Client to server, then server to client.
  ok(call(kStreams, "[method]output-stream.blocking-write-and-flush",
          {client_streams.items()[1], bytes("hello\n")}),
     "write");
  EXPECT_EQ(
      text(ok(call(kStreams, "[method]input-stream.blocking-read", {a[1], val::u64(100)}), "read")),
      "hello\n");
  ok(call(kStreams, "[method]output-stream.blocking-write-and-flush", {a[2], bytes("back")}),
     "write");
  wait(call(kStreams, "[method]input-stream.subscribe", {client_streams.items()[0]}));
  EXPECT_EQ(text(ok(call(kStreams, "[method]input-stream.read",
                         {client_streams.items()[0], val::u64(100)}),
                    "read")),
            "back");

  // Nothing to read yet: `read` does not wait.
  EXPECT_EQ(
      val::to_bytes(ok(call(kStreams, "[method]input-stream.read", {a[1], val::u64(100)}), "read"))
          .size(),
      0u);
  // The client stops sending: the server's stream ends (closed).
  ok(tcp("shutdown", {client, val::enum_case(1)}), "shutdown");
  ComponentValue end = call(kStreams, "[method]input-stream.blocking-read", {a[1], val::u64(100)});
  EXPECT_EQ(end.as_case().index, 1u);
  EXPECT_EQ(end.as_case().payload->as_case().index, 1u);  // closed
}

TEST_F(Sockets, PollWaitsOnASocketAndAClockTogether) {
  start({.inherit_network = true});
  uint16_t port = 0;
  ComponentValue server = listener(port);
  ComponentValue incoming = tcp("subscribe", {server});
  EXPECT_FALSE(call("wasi:io/poll@0.2.0", "[method]pollable.ready", {incoming}).as_bool());
  auto poll = [&] {
    ComponentValue timer =
        call("wasi:clocks/monotonic-clock@0.2.0", "subscribe-duration", {val::u64(50'000'000)});
    ComponentValue ready = call("wasi:io/poll@0.2.0", "poll", {val::list({incoming, timer})});
    std::vector<uint64_t> out;
    for (const ComponentValue& i : ready.items()) out.push_back(i.as_unsigned());
    return out;
  };
  // No client yet: the clock wakes the poll.
  EXPECT_EQ(poll(), std::vector<uint64_t>{1});
  // A client connects: the listener's pollable is ready at once.
  ComponentValue client = tcp_socket();
  ok(tcp("start-connect", {client, network_, loopback(port)}), "start-connect");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(poll(), std::vector<uint64_t>{0});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
  // accept: then nothing is waiting and accept would block.
  ok(tcp("accept", {server}), "accept");
  EXPECT_EQ(error(tcp("accept", {server})), kWouldBlock);
}

TEST_F(Sockets, TcpStateMachineRefusesOutOfOrderCalls) {
  start({.inherit_network = true});
  ComponentValue s = tcp_socket();
  EXPECT_EQ(error(tcp("finish-bind", {s})), kNotInProgress);
  EXPECT_EQ(error(tcp("start-listen", {s})), kInvalidState);
  EXPECT_EQ(error(tcp("accept", {s})), kInvalidState);
  EXPECT_EQ(error(tcp("local-address", {s})), kInvalidState);
  EXPECT_EQ(error(tcp("shutdown", {s, val::enum_case(2)})), kInvalidState);
  EXPECT_EQ(error(tcp("start-connect", {s, network_, loopback(0)})), kInvalidArgument);
  EXPECT_EQ(error(tcp("set-listen-backlog-size", {s, val::u64(0)})), kInvalidArgument);
  ok(tcp("set-keep-alive-enabled", {s, val::boolean(true)}), "keep-alive");
  EXPECT_TRUE(ok(tcp("keep-alive-enabled", {s}), "keep-alive").as_bool());
  ok(tcp("set-keep-alive-idle-time", {s, val::u64(30'000'000'000)}), "idle");
  EXPECT_EQ(ok(tcp("keep-alive-idle-time", {s}), "idle").as_unsigned(), 30'000'000'000u);
  ok(tcp("set-hop-limit", {s, val::u8(42)}), "hop-limit");
  EXPECT_EQ(ok(tcp("hop-limit", {s}), "hop-limit").as_unsigned(), 42u);
  EXPECT_GT(ok(tcp("receive-buffer-size", {s}), "rcvbuf").as_unsigned(), 0u);
  EXPECT_EQ(tcp("address-family", {s}).as_case().index, 0u);
}

TEST_F(Sockets, TcpConnectToAClosedPortIsRefused) {
  start({.inherit_network = true});
  uint16_t port = 0;
  {
    ComponentValue s = tcp_socket();
    ok(tcp("start-bind", {s, network_, loopback(0)}), "start-bind");
    ok(tcp("finish-bind", {s}), "finish-bind");
    port = port_of(ok(tcp("local-address", {s}), "local-address"));
    // Bound but not listening: connecting to it is refused.
  }
  ComponentValue client = tcp_socket();
  ok(tcp("start-connect", {client, network_, loopback(port)}), "start-connect");
  wait(tcp("subscribe", {client}));
  EXPECT_EQ(error(tcp("finish-connect", {client})), kConnectionRefused);
}

TEST_F(Sockets, UdpDatagramsBothWaysOverLoopback) {
  start({.inherit_network = true});
  ComponentValue a = udp_socket(), b = udp_socket();
  for (const ComponentValue& s : {a, b}) {
    ok(udp("udp-socket", "start-bind", {s, network_, loopback(0)}), "start-bind");
    ok(udp("udp-socket", "finish-bind", {s}), "finish-bind");
  }
  uint16_t a_port = port_of(ok(udp("udp-socket", "local-address", {a}), "local-address"));
  uint16_t b_port = port_of(ok(udp("udp-socket", "local-address", {b}), "local-address"));
  ComponentValue a_streams = ok(udp("udp-socket", "stream", {a, val::none()}), "stream");
  ComponentValue b_streams =
      ok(udp("udp-socket", "stream", {b, val::some(loopback(a_port))}), "stream");
  EXPECT_EQ(port_of(ok(udp("udp-socket", "remote-address", {b}), "remote-address")), a_port);

  const ComponentValue& a_out = a_streams.items()[1];
  EXPECT_GT(ok(udp("outgoing-datagram-stream", "check-send", {a_out}), "check-send").as_unsigned(),
            0u);
  ComponentValue dg = val::record({bytes("ping"), val::some(loopback(b_port))});
  EXPECT_EQ(
      ok(udp("outgoing-datagram-stream", "send", {a_out, val::list({dg})}), "send").as_unsigned(),
      1u);

  const ComponentValue& b_in = b_streams.items()[0];
  wait(udp("incoming-datagram-stream", "subscribe", {b_in}));
  ComponentValue got =
      ok(udp("incoming-datagram-stream", "receive", {b_in, val::u64(10)}), "receive");
  ASSERT_EQ(got.items().size(), 1u);
  EXPECT_EQ(text(got.items()[0].items()[0]), "ping");
  EXPECT_EQ(port_of(got.items()[0].items()[1]), a_port);

  // b is connected: it sends without an address, and not with one.
  const ComponentValue& b_out = b_streams.items()[1];
  ComponentValue reply = val::record({bytes("pong"), val::none()});
  EXPECT_EQ(ok(udp("outgoing-datagram-stream", "send", {b_out, val::list({reply})}), "send")
                .as_unsigned(),
            1u);
  EXPECT_EQ(error(udp("outgoing-datagram-stream", "send", {b_out, val::list({dg})})),
            kInvalidArgument);
  const ComponentValue& a_in = a_streams.items()[0];
  wait(udp("incoming-datagram-stream", "subscribe", {a_in}));
  got = ok(udp("incoming-datagram-stream", "receive", {a_in, val::u64(10)}), "receive");
  ASSERT_EQ(got.items().size(), 1u);
  EXPECT_EQ(text(got.items()[0].items()[0]), "pong");
  // Nothing more: an empty list, not an error.
  EXPECT_EQ(ok(udp("incoming-datagram-stream", "receive", {a_in, val::u64(10)}), "receive")
                .items()
                .size(),
            0u);
}

TEST_F(Sockets, NameLookupOfLocalhostGivesLoopback) {
  start({.allow_ip_name_lookup = true});
  const char* lookup = "wasi:sockets/ip-name-lookup@0.2.0";
  ComponentValue stream = ok(
      call(lookup, "resolve-addresses", {network_, val::string("localhost")}), "resolve-addresses");
  bool loopback4 = false;
  for (int i = 0; i < 16; ++i) {
    ComponentValue next =
        ok(call(lookup, "[method]resolve-address-stream.resolve-next-address", {stream}), "next");
    if (next.as_case().index == 0) break;
    const ComponentValue& ip = *next.as_case().payload;
    if (ip.as_case().index == 0 && ip.as_case().payload->items()[0].as_unsigned() == 127)
      loopback4 = true;
  }
  EXPECT_TRUE(loopback4);
  EXPECT_EQ(error(call(lookup, "resolve-addresses", {network_, val::string("no such name!")})),
            kInvalidArgument);
}

TEST_F(Sockets, WithoutGrantsEveryNetworkUseIsDenied) {
  start({});
  ComponentValue t = tcp_socket();
  EXPECT_EQ(error(tcp("start-bind", {t, network_, loopback(0)})), kAccessDenied);
  EXPECT_EQ(error(tcp("start-connect", {t, network_, loopback(80)})), kAccessDenied);
  ComponentValue u = udp_socket();
  EXPECT_EQ(error(udp("udp-socket", "start-bind", {u, network_, loopback(0)})), kAccessDenied);
  // As Wasmtime: a lookup without -S allow-ip-name-lookup fails permanently.
  EXPECT_EQ(error(call("wasi:sockets/ip-name-lookup@0.2.0", "resolve-addresses",
                       {network_, val::string("localhost")})),
            kPermanentResolverFailure);
}

TEST_F(Sockets, TcpOffOrUdpOffDeniesThatProtocolOnly) {
  // As Wasmtime with -S tcp=n: creating the socket is access-denied.
  start({.inherit_network = true, .tcp = false});
  EXPECT_EQ(
      error(call("wasi:sockets/tcp-create-socket@0.2.0", "create-tcp-socket", {val::enum_case(0)})),
      kAccessDenied);
  ComponentValue u = udp_socket();
  ok(udp("udp-socket", "start-bind", {u, network_, loopback(0)}), "udp start-bind");
}

TEST_F(Sockets, UdpOffDeniesUdp) {
  start({.inherit_network = true, .udp = false});
  EXPECT_EQ(
      error(call("wasi:sockets/udp-create-socket@0.2.0", "create-udp-socket", {val::enum_case(0)})),
      kAccessDenied);
  ok(tcp("start-bind", {tcp_socket(), network_, loopback(0)}), "tcp start-bind");
}

/// A host socket listening on 127.0.0.1 (outside the guest: with allowed
/// hosts the guest may not listen), and its port.
struct HostListener {
  HostListener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 8);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~HostListener() { ::close(fd); }
  int fd = -1;
  uint16_t port = 0;
};

SocketGrants allowing(std::vector<std::string> patterns) {
  auto hosts = outbound::AllowedHosts::parse(patterns);
  EXPECT_TRUE(hosts.ok());
  SocketGrants g;
  g.allowed_hosts = std::make_shared<const outbound::AllowedHosts>(std::move(*hosts));
  return g;
}

// Spin's allowed_outbound_hosts as the conformance tests tcp-sockets,
// tcp-sockets-ip-range, -no-ip-permission and -no-port-permission use them.
TEST_F(Sockets, AllowedHostsGrantConnectsToTheirAddressesOnly) {
  HostListener server;
  std::string port = std::to_string(server.port);
  auto connects = [&](std::vector<std::string> patterns) {
    start(allowing(std::move(patterns)));
    ComponentValue client = tcp_socket();
    ComponentValue r = tcp("start-connect", {client, network_, loopback(server.port)});
    if (r.as_case().index != 0) return error(r);
    wait(tcp("subscribe", {client}));
    ComponentValue done = tcp("finish-connect", {client});
    return done.as_case().index == 0 ? 0u : error(done);
  };
  EXPECT_EQ(connects({"*://127.0.0.1:" + port}), 0u);
  EXPECT_EQ(connects({"*://127.0.0.0/24:" + port}), 0u);
  EXPECT_EQ(connects({"tcp://127.0.0.1:*"}), 0u);
  EXPECT_EQ(connects({"*://127.0.0.2:" + port}), kAccessDenied);
  EXPECT_EQ(connects({"*://127.0.0.1:" + std::to_string(server.port + 1)}), kAccessDenied);
  EXPECT_EQ(connects({"http://127.0.0.1:" + port}), kAccessDenied);  // not a tcp:// pattern
  EXPECT_EQ(connects({"udp://127.0.0.1:*"}), kAccessDenied);
}

TEST_F(Sockets, AllowedHostsNeverGrantTcpServers) {
  start(allowing({"*://*:*"}));
  ComponentValue s = tcp_socket();
  EXPECT_EQ(error(tcp("start-bind", {s, network_, loopback(0)})), kAccessDenied);
}

TEST_F(Sockets, AllowedHostsGrantUdpToTheirAddresses) {
  start(allowing({"udp://127.0.0.1:*"}));
  ComponentValue u = udp_socket();
  ok(udp("udp-socket", "start-bind", {u, network_, loopback(0)}), "udp start-bind");
  start(allowing({"*://127.0.0.2:*"}));
  EXPECT_EQ(error(udp("udp-socket", "start-bind", {udp_socket(), network_, loopback(0)})),
            kAccessDenied);
}

TEST_F(Sockets, AllowedHostsGrantNameLookupWhenTheyNameAHost) {
  const char* lookup = "wasi:sockets/ip-name-lookup@0.2.0";
  start(allowing({"*://127.0.0.0/24:7"}));
  EXPECT_EQ(error(call(lookup, "resolve-addresses", {network_, val::string("localhost")})),
            kPermanentResolverFailure);
  start(allowing({"*://localhost:7"}));
  ok(call(lookup, "resolve-addresses", {network_, val::string("localhost")}), "resolve-addresses");
}

}  // namespace
}  // namespace flint::wasip2

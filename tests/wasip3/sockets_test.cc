// wasi:sockets@0.3 (src/wasip3/sockets.cc, tcp.cc, udp.cc) called as a
// guest's lowered imports call them, over real sockets on 127.0.0.1: a TCP
// connection accepted from the listen stream, bytes through send and
// receive to the peer's shutdown, UDP datagrams, name look-up, and the
// denials without grants. The official suite's wasm32-wasip3 sockets tests
// run the same code from guests (tests/wasi_testsuite).
#include "wasip3/sockets.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "../common/linked_functions.h"
#include "../common/socket_values.h"
#include "component_runtime/host_channels.h"
#include "component_runtime/task.h"
#include "wasip2/wasip2.h"
#include "wasip3/wasip3.h"

namespace flint::wasip3 {
namespace {

using namespace component;
using testing::bytes;
using testing::loopback;
using testing::port_of;
using testing::text;

constexpr const char* kTypes = "wasi:sockets/types@0.3.0";

/// The grants of -S inherit-network, and of -S allow-ip-name-lookup.
wasip2::SocketGrants network() {
  wasip2::SocketGrants g;
  g.inherit_network = true;
  return g;
}
wasip2::SocketGrants lookups() {
  wasip2::SocketGrants g;
  g.allow_ip_name_lookup = true;
  return g;
}

class WasiP3Sockets : public ::testing::Test {
 protected:
  void start(wasip2::SocketGrants grants) {
    signal(SIGPIPE, SIG_IGN);
    auto ctx = wasi::WasiContext::create({});
    ASSERT_TRUE(ctx.ok());
    host_ = wasip2::define_wasip2(linker_, *ctx, grants);
    define_wasip3(linker_, host_);
  }

  ComponentValue call(const std::string& iface, const std::string& name,
                      std::vector<ComponentValue> args) {
    auto r = testing::call_linked(linker_, store_, iface, name, std::move(args));
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() && *r ? **r : val::none();
  }
  ComponentValue tcp(const std::string& method, std::vector<ComponentValue> args) {
    return call(kTypes, "[method]tcp-socket." + method, std::move(args));
  }
  ComponentValue udp(const std::string& method, std::vector<ComponentValue> args) {
    return call(kTypes, "[method]udp-socket." + method, std::move(args));
  }
  ComponentValue create(const char* resource) {
    return ok(call(kTypes, std::string("[static]") + resource + ".create", {val::enum_case(0)}),
              "create");
  }

  /// The ok payload of a result (failing the test on err).
  ComponentValue ok(const ComponentValue& result, const char* what) {
    EXPECT_EQ(result.as_case().index, 0u) << what << " failed";
    return result.as_case().payload ? *result.as_case().payload : val::none();
  }
  /// The error-code case of a failed result (~0u when it succeeded).
  uint32_t error(const ComponentValue& result) {
    if (result.as_case().index == 0) return ~0u;
    return result.as_case().payload->as_case().index;
  }

  /// Reads up to `capacity` elements of a host-visible stream as a guest
  /// would, running the store's loop until the read ends.
  std::unique_ptr<HostBuffer> read(const ComponentValue& stream, ValueTypePtr element,
                                   uint32_t capacity, std::optional<CopyResult>& how) {
    auto buffer = std::make_unique<HostBuffer>(std::move(element), capacity);
    how.reset();
    bool done = false;
    EXPECT_TRUE(channel_of(stream)->copy(
        true, *buffer, [&](std::function<void()> reclaim) { done = true, reclaim(); },
        [&](CopyResult r) { done = true, how = r; }));
    EXPECT_TRUE(Scheduler::of(store_).run_until([&] { return done; }));
    return buffer;
  }

  /// The value a future resolved to, once the loop got there.
  ComponentValue await(const ComponentValue& future) {
    std::optional<ComponentValue> got;
    bool done = false;
    read_future(channel_of(future), [&](std::optional<ComponentValue> v) {
      done = true;
      got = std::move(v);
    });
    EXPECT_TRUE(Scheduler::of(store_).run_until([&] { return done; }));
    return got ? *got : val::none();
  }

  ComponentLinker linker_;
  std::shared_ptr<wasip2::Host> host_;
  Store store_;
};

TEST_F(WasiP3Sockets, TcpAcceptsFromTheListenStreamAndBytesFlowToThePeersEnd) {
  start(network());
  ComponentValue server = create("tcp-socket");
  ok(tcp("bind", {server, loopback(0)}), "bind");
  ComponentValue address = ok(tcp("get-local-address", {server}), "get-local-address");
  ASSERT_NE(port_of(address), 0);
  ComponentValue connections = ok(tcp("listen", {server}), "listen");
  EXPECT_TRUE(tcp("get-is-listening", {server}).as_bool());
  EXPECT_EQ(error(tcp("listen", {server})), sockets::kInvalidState);

  ComponentValue client = create("tcp-socket");
  ok(tcp("connect", {client, address}), "connect");
  EXPECT_EQ(error(tcp("connect", {client, address})), sockets::kInvalidState);

  std::optional<CopyResult> how;
  ValueTypePtr socket_type = channel_of(connections)->element();
  auto accepted = read(connections, socket_type, 1, how);
  ASSERT_EQ(accepted->values().size(), 1u);
  ComponentValue peer = accepted->values()[0];
  EXPECT_EQ(port_of(ok(tcp("get-remote-address", {peer}), "get-remote-address")),
            port_of(ok(tcp("get-local-address", {client}), "client's address")));

  // The client sends a stream the host writes, and drops it: shutdown(SHUT_WR).
  bool given = false;
  auto data = source_stream(wit::u8(), [&](uint32_t) {
    SourceChunk c;
    if (!given) c.bytes = {'h', 'e', 'l', 'l', 'o'};
    given = c.end = true;
    return c;
  });
  ComponentValue sent = tcp("send", {client, channel_value(data)});
  EXPECT_EQ(await(sent).as_case().index, 0u);
  // `send` may be called once.
  auto again = source_stream(wit::u8(), [](uint32_t) { return SourceChunk{}; });
  EXPECT_EQ(error(await(tcp("send", {client, channel_value(again)}))), sockets::kInvalidState);

  ComponentValue received = tcp("receive", {peer});
  ComponentValue stream = received.items()[0];
  std::string got;
  for (int i = 0; i < 10 && !how.has_value(); ++i) {
    auto chunk = read(stream, wit::u8(), 64, how);
    got += std::string(chunk->bytes().begin(), chunk->bytes().end());
    if (how == CopyResult::Completed) how.reset();
  }
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(how, CopyResult::Dropped);  // the peer's end: the stream ended
  EXPECT_EQ(await(received.items()[1]).as_case().index, 0u);
  // A second receive is a closed stream and invalid-state.
  EXPECT_EQ(error(await(tcp("receive", {peer}).items()[1])), sockets::kInvalidState);
}

TEST_F(WasiP3Sockets, ConnectionRefusedAndTheSocketIsClosedAfter) {
  start(network());
  // A port just freed: nothing listens there.
  ComponentValue probe = create("tcp-socket");
  ok(tcp("bind", {probe, loopback(0)}), "bind");
  ComponentValue address = ok(tcp("get-local-address", {probe}), "get-local-address");
  ComponentValue client = create("tcp-socket");
  EXPECT_EQ(error(tcp("connect", {client, address})), sockets::kConnectionRefused);
  EXPECT_EQ(error(tcp("connect", {client, address})), sockets::kInvalidState);
}

TEST_F(WasiP3Sockets, UdpDatagramBetweenTwoSockets) {
  start(network());
  ComponentValue a = create("udp-socket");
  ComponentValue b = create("udp-socket");
  EXPECT_EQ(error(udp("receive", {b})), sockets::kInvalidState);  // not bound yet
  ok(udp("bind", {b, loopback(0)}), "bind");
  ComponentValue to = ok(udp("get-local-address", {b}), "get-local-address");
  ok(udp("send", {a, bytes("datagram"), val::some(to)}), "send");
  ComponentValue got = ok(udp("receive", {b}), "receive");
  EXPECT_EQ(text(got.items()[0]), "datagram");
  EXPECT_EQ(port_of(got.items()[1]), port_of(ok(udp("get-local-address", {a}), "sender")));
  // Without an address a socket must be connected; port 0 cannot be sent to.
  EXPECT_EQ(error(udp("send", {a, bytes("x"), val::none()})), sockets::kInvalidArgument);
  EXPECT_EQ(error(udp("send", {a, bytes("x"), val::some(loopback(0))})),
            sockets::kAddressNotBindable);
}

TEST_F(WasiP3Sockets, NothingReachesTheNetworkWithoutAGrant) {
  start({});
  ComponentValue tcp_socket = create("tcp-socket");
  EXPECT_EQ(error(tcp("bind", {tcp_socket, loopback(0)})), sockets::kAccessDenied);
  EXPECT_EQ(error(tcp("connect", {tcp_socket, loopback(80)})), sockets::kAccessDenied);
  ComponentValue udp_socket = create("udp-socket");
  EXPECT_EQ(error(udp("send", {udp_socket, bytes("x"), val::some(loopback(9))})),
            sockets::kAccessDenied);
  ComponentValue lookup =
      call("wasi:sockets/ip-name-lookup@0.3.0", "resolve-addresses", {val::string("localhost")});
  EXPECT_EQ(error(lookup), 0u);  // ip-name-lookup's access-denied
}

TEST_F(WasiP3Sockets, NameLookUpWithTheGrant) {
  start(lookups());
  ComponentValue found = ok(call("wasi:sockets/ip-name-lookup@0.3.0-rc-2026-03-15",
                                 "resolve-addresses", {val::string("127.0.0.1")}),
                            "resolve-addresses");
  ASSERT_EQ(found.items().size(), 1u);
  EXPECT_EQ(found.items()[0].as_case().index, 0u);  // ipv4
  EXPECT_EQ(error(call("wasi:sockets/ip-name-lookup@0.3.0", "resolve-addresses",
                       {val::string("not a name")})),
            1u);  // invalid-argument
}

}  // namespace
}  // namespace flint::wasip3

// wasi:sockets/types@0.3's udp-socket (wit/types.wit): a non-blocking host
// socket. bind, connect and disconnect act at once; `send` and `receive`
// are async functions that try sendto(2)/recvfrom(2) and, when the socket
// is not ready, wait for it on the store's loop. Errors and the checks
// before each call follow Wasmtime's host.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "component_runtime/host_function.h"
#include "wasip3/sockets.h"

namespace flint::wasip3::sockets {

using namespace component;
using wasip2::sockets::Address;
using wasip2::sockets::address_of;
using wasip2::sockets::allowed;
using wasip2::sockets::Use;

namespace {

using Args = std::span<const ComponentValue>;

/// The largest datagram: what one receive reads at most.
constexpr size_t kMaxDatagram = 65535;

HostReturn bind(wasip2::Host& h, UdpSocket& s, const ComponentValue& address) {
  if (s.bound) return fail(kInvalidState);
  Address a = address_of(address);
  if (a.ipv6() != s.ipv6 || a.ipv4_mapped()) return fail(kInvalidArgument);
  if (!allowed(h, Use::UdpBind, a)) return fail(kAccessDenied);
  if (::bind(s.fd->get(), reinterpret_cast<const sockaddr*>(&a.storage), a.length) < 0)
    return errno == EADDRNOTAVAIL ? fail(kAddressNotBindable) : fail_errno();
  s.bound = true;
  return val::ok();
}

/// Dissociates the socket from its peer (connect(2) to AF_UNSPEC).
void disconnect(UdpSocket& s) {
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  ::connect(s.fd->get(), &unspec, sizeof unspec);
  s.connected = false;
}

HostReturn connect(wasip2::Host& h, UdpSocket& s, const ComponentValue& address) {
  Address a = address_of(address);
  if (!valid_remote(a, s.ipv6) || a.port() == 0) return fail(kInvalidArgument);
  if (!allowed(h, Use::UdpConnect, a)) return fail(kAccessDenied);
  // Linux needs a disconnect before another peer; the socket stays bound.
  if (s.connected) disconnect(s);
  if (::connect(s.fd->get(), reinterpret_cast<const sockaddr*>(&a.storage), a.length) < 0)
    return fail_errno();
  s.connected = true;
  s.bound = true;  // connect binds implicitly
  return val::ok();
}

/// Whether `a` is the address the socket is connected to.
bool is_peer(const UdpSocket& s, const Address& a) {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (getpeername(s.fd->get(), reinterpret_cast<sockaddr*>(&peer), &len) < 0) return false;
  return len == a.length && std::memcmp(&peer, &a.storage, len) == 0;
}

HostReturn send(Store& store, wasip2::Host& h, SocketTables& t, Args args) {
  FLINT_ASSIGN(UdpSocket * s, t.udp.get(args[0]));
  std::vector<uint8_t> data = val::to_bytes(args[1]);
  const ComponentValue::Case& remote = args[2].as_case();
  std::optional<Address> to;
  if (remote.index == 1) {
    Address a = address_of(*remote.payload);
    if (!valid_remote(a, s->ipv6)) return fail(kInvalidArgument);
    if (a.port() == 0) return fail(kAddressNotBindable);
    // A connected socket sends only to its peer.
    if (s->connected && !is_peer(*s, a)) return fail(kInvalidArgument);
    if (!allowed(h, Use::UdpOutgoing, a)) return fail(kAccessDenied);
    if (!s->connected) to = a;
  } else if (!s->connected) {
    return fail(kInvalidArgument);  // no address and no peer
  }
  wasip2::SharedFd fd = s->fd;
  for (;;) {
    ssize_t n = to ? ::sendto(fd->get(), data.data(), data.size(), MSG_DONTWAIT,
                              reinterpret_cast<const sockaddr*>(&to->storage), to->length)
                   : ::send(fd->get(), data.data(), data.size(), MSG_DONTWAIT);
    if (n >= 0) break;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fail_errno();
    FLINT_TRY(wait_for_fd(store, fd->get(), POLLOUT));
  }
  // Sending binds implicitly; the socket outlives the call (borrowed).
  FLINT_ASSIGN(s, t.udp.get(args[0]));
  s->bound = true;
  return val::ok();
}

HostReturn receive(Store& store, SocketTables& t, Args args) {
  FLINT_ASSIGN(UdpSocket * s, t.udp.get(args[0]));
  if (!s->bound) return fail(kInvalidState);
  wasip2::SharedFd fd = s->fd;
  std::vector<uint8_t> buffer(kMaxDatagram);
  for (;;) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd->get(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&from), &len);
    if (n >= 0)
      return val::ok(val::tuple(
          {val::bytes(buffer.data(), size_t(n)), wasip2::sockets::socket_address_value(from)}));
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fail_errno();
    FLINT_TRY(wait_for_fd(store, fd->get(), POLLIN));
  }
}

}  // namespace

void add_udp(HostInterface& iface, const std::shared_ptr<wasip2::Host>& host,
             const std::shared_ptr<SocketTables>& tables) {
  SocketMethods<UdpSocket> m(iface, "udp-socket", tables, &SocketTables::udp);
  m.add_common(host, &wasip2::SocketGrants::udp, SOCK_DGRAM, "unicast-hop-limit",
               wasip2::sockets::buffer_size_options());
  ValueTypePtr address = wasip2::sockets::ip_socket_address_type();
  const Param& self = m.self();
  ValueTypePtr outcome = m.outcome();
  auto h = host;
  auto t = tables;
  m.method("bind", wit::func({self, {"local-address", address}}, outcome),
           [h](Store&, UdpSocket& s, Args a) { return bind(*h, s, a[1]); });
  m.method("connect", wit::func({self, {"remote-address", address}}, outcome),
           [h](Store&, UdpSocket& s, Args a) { return connect(*h, s, a[1]); });
  m.method("disconnect", wit::func({self}, outcome), [](Store&, UdpSocket& s, Args) {
    if (!s.connected) return fail(kInvalidState);
    disconnect(s);
    return HostReturn(val::ok());
  });
  // send and receive wait: their bodies look the socket up again after.
  iface.method("udp-socket", "send",
               wit::async_func(
                   {self, {"data", wit::list(wit::u8())}, {"remote-address", wit::option(address)}},
                   outcome),
               [h, t](Store& store, Args a) { return send(store, *h, *t, a); });
  iface.method("udp-socket", "receive",
               wit::async_func({self}, wit::result(wit::tuple({wit::list(wit::u8()), address}),
                                                   error_code_type())),
               [t](Store& store, Args a) { return receive(store, *t, a); });
  m.method("get-local-address", m.getter(address), [](Store&, UdpSocket& s, Args) {
    if (!s.bound) return fail(kInvalidState);
    return from_v02(wasip2::sockets::socket_name(s.fd->get(), false));
  });
  m.method("get-remote-address", m.getter(address), [](Store&, UdpSocket& s, Args) {
    if (!s.connected) return fail(kInvalidState);
    return from_v02(wasip2::sockets::socket_name(s.fd->get(), true));
  });
}

}  // namespace flint::wasip3::sockets

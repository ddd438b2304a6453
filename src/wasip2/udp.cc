// wasi:sockets/udp@0.2 and udp-create-socket (wit/udp.wit,
// udp-create-socket.wit): a udp-socket is a non-blocking host socket;
// `stream` (re)connects it, or not, and gives the datagram streams that
// receive and send with recvfrom(2)/sendto(2) without blocking. Their
// pollables poll(2) the socket (POLLIN, POLLOUT). Errors and the checks
// before each call follow Wasmtime's host.
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "wasip2/sockets.h"

namespace flint::wasip2 {

using namespace component;
using namespace sockets;

namespace {

using Args = std::span<const ComponentValue>;
using Return = HostReturn;
using State = UdpSocket::State;

/// The largest datagram: what one receive reads at most.
constexpr size_t kMaxDatagram = 65535;
/// Most datagrams one receive returns, and check-send's permit.
constexpr uint64_t kBatch = 16;

Return start_bind(Host& h, Args a) {
  FLINT_ASSIGN(UdpSocket * s, h.udp_sockets.get(a[0]));
  FLINT_ASSIGN(Network * n, h.networks.get(a[1]));
  (void)n;
  if (s->state != State::Unbound) return fail(kInvalidState);
  Address addr = address_of(a[2]);
  if (addr.ipv6() != s->ipv6) return fail(kInvalidArgument);
  if (!allowed(h, Use::UdpBind, addr)) return fail(kAccessDenied);
  if (::bind(s->fd->get(), reinterpret_cast<const sockaddr*>(&addr.storage), addr.length) < 0)
    return fail_errno();
  s->state = State::BindStarted;
  return val::ok();
}

/// `stream`: connects the socket to the remote address given (or
/// disconnects it) and returns new datagram streams over it.
Return stream(Host& h, Args a) {
  FLINT_ASSIGN(UdpSocket * s, h.udp_sockets.get(a[0]));
  if (s->state != State::Bound) return fail(kInvalidState);
  const ComponentValue::Case& remote = a[1].as_case();
  if (remote.index == 1) {
    Address addr = address_of(*remote.payload);
    if (addr.ipv6() != s->ipv6 || addr.unspecified() || addr.port() == 0)
      return fail(kInvalidArgument);
    if (!allowed(h, Use::UdpConnect, addr)) return fail(kAccessDenied);
    if (::connect(s->fd->get(), reinterpret_cast<const sockaddr*>(&addr.storage), addr.length) < 0)
      return fail_errno();
    s->connected = true;
  } else if (s->connected) {
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    ::connect(s->fd->get(), &unspec, sizeof unspec);  // disconnect(2)
    s->connected = false;
  }
  DatagramStream d{s->fd, s->ipv6, s->connected};
  FLINT_ASSIGN(ComponentValue in, h.incoming_datagrams.insert_own(d));
  FLINT_ASSIGN(ComponentValue out, h.outgoing_datagrams.insert_own(d));
  return val::ok(val::tuple({std::move(in), std::move(out)}));
}

Return receive(Host& h, Args a) {
  FLINT_ASSIGN(DatagramStream * d, h.incoming_datagrams.get(a[0]));
  uint64_t max = std::min(a[1].as_unsigned(), kBatch);
  std::vector<ComponentValue> out;
  std::vector<uint8_t> buf(kMaxDatagram);
  while (out.size() < max) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(d->fd->get(), buf.data(), buf.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || !out.empty()) break;
      return fail_errno();
    }
    out.push_back(val::record({val::bytes(buf.data(), size_t(n)), socket_address_value(from)}));
  }
  return val::ok(val::list(std::move(out)));
}

Return send(Host& h, Args a) {
  FLINT_ASSIGN(DatagramStream * d, h.outgoing_datagrams.get(a[0]));
  const auto& datagrams = a[1].items();
  // udp.wit: sending more than check-send permitted traps.
  if (datagrams.size() > kBatch)
    return make_error(ErrorCode::HostTrap, "outgoing-datagram-stream.send beyond check-send");
  uint64_t sent = 0;
  for (const ComponentValue& dg : datagrams) {
    std::vector<uint8_t> data = val::to_bytes(dg.items()[0]);
    const ComponentValue::Case& remote = dg.items()[1].as_case();
    uint32_t code = 0;
    ssize_t n = -1;
    if (remote.index == 1) {
      Address addr = address_of(*remote.payload);
      if (addr.ipv6() != d->ipv6 || addr.unspecified() || addr.port() == 0 || d->connected)
        code = kInvalidArgument;  // a connected stream sends only to its peer
      else if (!allowed(h, Use::UdpOutgoing, addr))
        code = kAccessDenied;
      else
        n = ::sendto(d->fd->get(), data.data(), data.size(), MSG_DONTWAIT,
                     reinterpret_cast<const sockaddr*>(&addr.storage), addr.length);
    } else if (!d->connected) {
      code = kInvalidArgument;  // udp.wit: no address and not connected
    } else {
      n = ::send(d->fd->get(), data.data(), data.size(), MSG_DONTWAIT);
    }
    if (!code && n < 0) code = code_of_errno(errno);
    if (code) {
      // What was sent before the failure counts; the failure is reported
      // only when nothing was.
      if (sent) break;
      return fail(code);
    }
    ++sent;
  }
  return val::ok(val::u64(sent));
}

}  // namespace

void define_udp(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  ResourceTypePtr socket = host->udp_sockets.type();
  ResourceTypePtr incoming = host->incoming_datagrams.type();
  ResourceTypePtr outgoing = host->outgoing_datagrams.type();
  ValueTypePtr code = error_code_type();
  ValueTypePtr address = ip_socket_address_type();
  ValueTypePtr incoming_datagram =
      wit::record({{"data", wit::list(wit::u8())}, {"remote-address", address}});
  ValueTypePtr outgoing_datagram =
      wit::record({{"data", wit::list(wit::u8())}, {"remote-address", wit::option(address)}});
  Param self{"self", wit::borrow(socket)};
  auto unit = wit::result(nullptr, code);
  auto get = [&](ValueTypePtr t) { return wit::func({self}, wit::result(std::move(t), code)); };
  auto set = [&](ValueTypePtr t) { return wit::func({self, {"value", std::move(t)}}, unit); };
  ValueTypePtr pollable = wit::own(host->pollables.type());

  HostInterface iface("wasi:sockets/udp", kVersion);
  iface.resource("pollable", host->pollables.type());
  iface.resource("network", host->networks.type());
  iface.resource("udp-socket", socket);
  iface.resource("incoming-datagram-stream", incoming);
  iface.resource("outgoing-datagram-stream", outgoing);
  iface.type("error-code", code);
  iface.type("ip-socket-address", address);
  iface.type("ip-address-family", ip_address_family_type());
  iface.type("incoming-datagram", incoming_datagram);
  iface.type("outgoing-datagram", outgoing_datagram);

  auto m = [&](const char* name, FunctionTypePtr type, HostBody body) {
    iface.method("udp-socket", name, std::move(type), std::move(body));
  };
  auto h = host;
  m("start-bind",
    wit::func({self, {"network", wit::borrow(host->networks.type())}, {"local-address", address}},
              unit),
    [h](Store&, Args a) { return start_bind(*h, a); });
  m("finish-bind", wit::func({self}, unit), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    if (s->state != State::BindStarted) return fail(kNotInProgress);
    s->state = State::Bound;
    return val::ok();
  });
  m("stream",
    wit::func({self, {"remote-address", wit::option(address)}},
              wit::result(wit::tuple({wit::own(incoming), wit::own(outgoing)}), code)),
    [h](Store&, Args a) { return stream(*h, a); });
  m("local-address", get(address), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    if (s->state != State::Bound) return fail(kInvalidState);
    return socket_name(s->fd->get(), false);
  });
  m("remote-address", get(address), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    if (!s->connected) return fail(kInvalidState);
    return socket_name(s->fd->get(), true);
  });
  m("address-family", wit::func({self}, ip_address_family_type()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    return val::enum_case(s->ipv6 ? 1 : 0);
  });
  m("unicast-hop-limit", get(wit::u8()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    return get_hop_limit(s->fd->get(), s->ipv6);
  });
  m("set-unicast-hop-limit", set(wit::u8()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    return set_hop_limit(s->fd->get(), s->ipv6, a[1].as_unsigned());
  });
  for (const TcpOption& o : buffer_size_options()) {
    m(o.name, get(o.type), [h, &o](Store&, Args a) -> Return {
      FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
      return get_tcp_option(s->fd->get(), o);
    });
    m(("set-" + std::string(o.name)).c_str(), set(o.type), [h, &o](Store&, Args a) -> Return {
      FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
      return set_tcp_option(s->fd->get(), o, a[1]);
    });
  }
  // The socket itself has nothing to wait for (bind does not block).
  m("subscribe", wit::func({self}, pollable), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(UdpSocket * s, h->udp_sockets.get(a[0]));
    (void)s;
    return subscribe(*h, nullptr, 0);
  });

  iface.method("incoming-datagram-stream", "receive",
               wit::func({{"self", wit::borrow(incoming)}, {"max-results", wit::u64()}},
                         wit::result(wit::list(incoming_datagram), code)),
               [h](Store&, Args a) { return receive(*h, a); });
  iface.method("incoming-datagram-stream", "subscribe",
               wit::func({{"self", wit::borrow(incoming)}}, pollable),
               [h](Store&, Args a) -> Return {
                 FLINT_ASSIGN(DatagramStream * d, h->incoming_datagrams.get(a[0]));
                 return subscribe(*h, d->fd, POLLIN);
               });
  // check-send: a batch when the socket can take a datagram now, else 0.
  iface.method("outgoing-datagram-stream", "check-send",
               wit::func({{"self", wit::borrow(outgoing)}}, wit::result(wit::u64(), code)),
               [h](Store&, Args a) -> Return {
                 FLINT_ASSIGN(DatagramStream * d, h->outgoing_datagrams.get(a[0]));
                 pollfd p{d->fd->get(), POLLOUT, 0};
                 return val::ok(val::u64(::poll(&p, 1, 0) > 0 ? kBatch : 0));
               });
  iface.method(
      "outgoing-datagram-stream", "send",
      wit::func({{"self", wit::borrow(outgoing)}, {"datagrams", wit::list(outgoing_datagram)}},
                wit::result(wit::u64(), code)),
      [h](Store&, Args a) { return send(*h, a); });
  iface.method("outgoing-datagram-stream", "subscribe",
               wit::func({{"self", wit::borrow(outgoing)}}, pollable),
               [h](Store&, Args a) -> Return {
                 FLINT_ASSIGN(DatagramStream * d, h->outgoing_datagrams.get(a[0]));
                 return subscribe(*h, d->fd, POLLOUT);
               });
  define(linker, iface);

  define_create_socket(linker, host, "udp", &Host::udp_sockets, &SocketGrants::udp, SOCK_DGRAM);
}

}  // namespace flint::wasip2

// wasi:sockets/tcp@0.2 and tcp-create-socket (wit/tcp.wit,
// tcp-create-socket.wit): a tcp-socket is a non-blocking host socket
// walked through the WIT's state machine (unbound -> bind-started -> bound
// -> listen-started -> listening, or -> connecting -> connected). Each
// start-/finish- pair does its work in `start` (bind(2), listen(2) and
// connect(2) do not block on a non-blocking socket); `finish-connect`
// asks poll(2) whether the connection is made, so the guest's pollable
// (POLLOUT while connecting, POLLIN while listening) wakes on readiness.
// Errors and the checks before each call follow Wasmtime's host.
#include <netinet/in.h>
#include <netinet/tcp.h>
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
using State = TcpSocket::State;

/// The (input-stream, output-stream) of a connected socket.
Result<std::pair<ComponentValue, ComponentValue>> streams(Host& h, const SharedFd& fd) {
  FLINT_ASSIGN(ComponentValue in, h.input_streams.insert_own({fd}));
  FLINT_ASSIGN(ComponentValue out, h.output_streams.insert_own({fd}));
  return std::pair{std::move(in), std::move(out)};
}

/// The checks start-bind and start-connect share: the address's family is
/// the socket's, and the grants allow it.
std::optional<uint32_t> check_address(const Host& h, const TcpSocket& s, const Address& a,
                                      Use use) {
  // As Wasmtime: neither multicast nor broadcast, nor (on an IPv6-only
  // socket) an IPv4-mapped address.
  if (a.ipv6() != s.ipv6 || !a.unicast() || a.ipv4_mapped()) return kInvalidArgument;
  if (!allowed(h, use, a)) return kAccessDenied;
  return std::nullopt;
}

Return start_bind(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  FLINT_ASSIGN(Network * n, h.networks.get(a[1]));
  (void)n;
  if (s->state != State::Unbound) return fail(kInvalidState);
  Address addr = address_of(a[2]);
  if (auto code = check_address(h, *s, addr, Use::TcpBind)) return fail(*code);
  // As Wasmtime (and most servers): a port in TIME_WAIT can be bound again.
  int one = 1;
  if (addr.port() != 0) setsockopt(s->fd->get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(s->fd->get(), reinterpret_cast<const sockaddr*>(&addr.storage), addr.length) < 0)
    return fail(errno == EADDRNOTAVAIL ? kAddressNotBindable : code_of_errno(errno));
  s->state = State::BindStarted;
  return val::ok();
}

Return start_connect(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  FLINT_ASSIGN(Network * n, h.networks.get(a[1]));
  (void)n;
  Address addr = address_of(a[2]);
  if (s->state == State::Connecting || s->state == State::ConnectReady)
    return fail(kConcurrencyConflict);
  if (s->state != State::Unbound && s->state != State::Bound) return fail(kInvalidState);
  // tcp.wit: an unspecified address or port 0 is invalid-argument.
  if (addr.unspecified() || addr.port() == 0) return fail(kInvalidArgument);
  if (auto code = check_address(h, *s, addr, Use::TcpConnect)) return fail(*code);
  int r;
  do r = ::connect(s->fd->get(), reinterpret_cast<const sockaddr*>(&addr.storage), addr.length);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS) {
    uint32_t code = code_of_errno(errno);
    s->state = State::Closed;
    return fail(code);
  }
  s->state = r == 0 ? State::ConnectReady : State::Connecting;
  return val::ok();
}

Return finish_connect(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  if (s->state != State::Connecting && s->state != State::ConnectReady) return fail(kNotInProgress);
  if (s->state == State::Connecting) {
    pollfd p{s->fd->get(), POLLOUT, 0};
    if (::poll(&p, 1, 0) == 0) return fail(kWouldBlock);
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(s->fd->get(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (error) {
      s->state = State::Closed;
      return fail(code_of_errno(error));
    }
  }
  s->state = State::Connected;
  FLINT_ASSIGN(auto pair, streams(h, s->fd));
  return val::ok(val::tuple({std::move(pair.first), std::move(pair.second)}));
}

Return start_listen(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  if (s->state == State::ListenStarted) return fail(kConcurrencyConflict);
  // Listening needs an explicit bind first (no implicit bind, as Wasmtime).
  if (s->state != State::Bound) return fail(kInvalidState);
  if (!allowed(h, Use::TcpBind, Address{})) return fail(kAccessDenied);
  if (::listen(s->fd->get(), clamp_int(s->backlog)) < 0) return fail_errno();
  s->state = State::ListenStarted;
  return val::ok();
}

Return accept(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  if (s->state != State::Listening) return fail(kInvalidState);
  int fd;
  do fd = ::accept4(s->fd->get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail_errno();
  TcpSocket client{std::make_shared<wasi::UniqueFd>(fd), s->ipv6, State::Connected};
  SharedFd shared = client.fd;
  FLINT_ASSIGN(ComponentValue socket, h.tcp_sockets.insert_own(std::move(client)));
  FLINT_ASSIGN(auto pair, streams(h, shared));
  return val::ok(val::tuple({std::move(socket), std::move(pair.first), std::move(pair.second)}));
}

/// What a pollable of the socket waits for in its state: a connection to
/// accept, a connect to finish; otherwise it is ready at once.
Return subscribe_socket(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  if (s->state == State::Listening) return subscribe(h, s->fd, POLLIN);
  if (s->state == State::Connecting) return subscribe(h, s->fd, POLLOUT);
  return subscribe(h, nullptr, 0);
}

Return shutdown(Host& h, Args a) {
  FLINT_ASSIGN(TcpSocket * s, h.tcp_sockets.get(a[0]));
  if (s->state != State::Connected) return fail(kInvalidState);
  static constexpr int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
  uint32_t how = a[1].as_case().index;
  if (::shutdown(s->fd->get(), kHow[std::min(how, 2u)]) < 0) return fail_errno();
  return val::ok();
}

}  // namespace

void define_tcp(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  ResourceTypePtr socket = host->tcp_sockets.type();
  ValueTypePtr code = error_code_type();
  ValueTypePtr address = ip_socket_address_type();
  Param self{"self", wit::borrow(socket)};
  auto unit = wit::result(nullptr, code);
  auto get = [&](ValueTypePtr t) { return wit::func({self}, wit::result(std::move(t), code)); };
  auto set = [&](ValueTypePtr t) { return wit::func({self, {"value", std::move(t)}}, unit); };
  auto network = Param{"network", wit::borrow(host->networks.type())};
  ValueTypePtr shutdown_type = wit::enumeration({"receive", "send", "both"});

  HostInterface iface("wasi:sockets/tcp", kVersion);
  iface.resource("input-stream", host->input_streams.type());
  iface.resource("output-stream", host->output_streams.type());
  iface.resource("pollable", host->pollables.type());
  iface.resource("network", host->networks.type());
  iface.resource("tcp-socket", socket);
  iface.type("duration", wit::u64());
  iface.type("error-code", code);
  iface.type("ip-socket-address", address);
  iface.type("ip-address-family", ip_address_family_type());
  iface.type("shutdown-type", shutdown_type);

  auto m = [&](const char* name, FunctionTypePtr type, HostBody body) {
    iface.method("tcp-socket", name, std::move(type), std::move(body));
  };
  auto h = host;
  m("start-bind", wit::func({self, network, {"local-address", address}}, unit),
    [h](Store&, Args a) { return start_bind(*h, a); });
  m("finish-bind", wit::func({self}, unit), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    if (s->state != State::BindStarted) return fail(kNotInProgress);
    s->state = State::Bound;
    return val::ok();
  });
  m("start-connect", wit::func({self, network, {"remote-address", address}}, unit),
    [h](Store&, Args a) { return start_connect(*h, a); });
  m("finish-connect",
    get(wit::tuple({wit::own(host->input_streams.type()), wit::own(host->output_streams.type())})),
    [h](Store&, Args a) { return finish_connect(*h, a); });
  m("start-listen", wit::func({self}, unit), [h](Store&, Args a) { return start_listen(*h, a); });
  m("finish-listen", wit::func({self}, unit), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    if (s->state != State::ListenStarted) return fail(kNotInProgress);
    s->state = State::Listening;
    return val::ok();
  });
  m("accept",
    get(wit::tuple({wit::own(socket), wit::own(host->input_streams.type()),
                    wit::own(host->output_streams.type())})),
    [h](Store&, Args a) { return accept(*h, a); });
  m("local-address", get(address), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    if (s->state == State::Unbound || s->state == State::BindStarted) return fail(kInvalidState);
    return socket_name(s->fd->get(), false);
  });
  m("remote-address", get(address), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    if (s->state != State::Connected) return fail(kInvalidState);
    return socket_name(s->fd->get(), true);
  });
  m("is-listening", wit::func({self}, wit::boolean()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    return val::boolean(s->state == State::Listening);
  });
  m("address-family", wit::func({self}, ip_address_family_type()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    return val::enum_case(s->ipv6 ? 1 : 0);
  });
  m("set-listen-backlog-size", set(wit::u64()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    uint64_t v = a[1].as_unsigned();
    if (v == 0) return fail(kInvalidArgument);
    if (s->state == State::Connecting || s->state == State::ConnectReady ||
        s->state == State::Connected || s->state == State::Closed)
      return fail(kInvalidState);
    s->backlog = v;
    // A listening socket takes the new size at once (Linux re-listens).
    if (s->state == State::Listening && ::listen(s->fd->get(), clamp_int(v)) < 0)
      return fail_errno();
    return val::ok();
  });

  for (const TcpOption& o : tcp_options()) {
    m(o.name, get(o.type), [h, &o](Store&, Args a) -> Return {
      FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
      return get_tcp_option(s->fd->get(), o);
    });
    m(("set-" + std::string(o.name)).c_str(), set(o.type), [h, &o](Store&, Args a) -> Return {
      FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
      return set_tcp_option(s->fd->get(), o, a[1]);
    });
  }
  m("hop-limit", get(wit::u8()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    return get_hop_limit(s->fd->get(), s->ipv6);
  });
  m("set-hop-limit", set(wit::u8()), [h](Store&, Args a) -> Return {
    FLINT_ASSIGN(TcpSocket * s, h->tcp_sockets.get(a[0]));
    return set_hop_limit(s->fd->get(), s->ipv6, a[1].as_unsigned());
  });
  m("subscribe", wit::func({self}, wit::own(host->pollables.type())),
    [h](Store&, Args a) { return subscribe_socket(*h, a); });
  m("shutdown", wit::func({self, {"shutdown-type", shutdown_type}}, unit),
    [h](Store&, Args a) { return shutdown(*h, a); });
  define(linker, iface);

  define_create_socket(linker, host, "tcp", &Host::tcp_sockets, &SocketGrants::tcp, SOCK_STREAM);
}

}  // namespace flint::wasip2

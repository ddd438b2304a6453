// wasi:sockets/types@0.3's tcp-socket (wit/types.wit; the state machine of
// TcpSocketOperationalSemantics-0.3.0.md): a non-blocking host socket.
// bind and listen act at once; `connect` is an async function that waits
// on the store's loop for the connection (POLLOUT); `listen` gives a
// stream of accepted sockets, `receive` a stream of the bytes that arrive,
// and `send` reads the guest's stream into the socket. Those streams wait
// for the socket on the loop too (a host end's `wait`), so a guest can
// talk to itself over loopback. Errors and the checks before each call
// follow Wasmtime's host.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "component_runtime/host_channels.h"
#include "component_runtime/host_function.h"
#include "wasip3/sockets.h"

namespace flint::wasip3::sockets {

using namespace component;
using wasip2::SharedFd;
using wasip2::sockets::Address;
using wasip2::sockets::address_of;
using wasip2::sockets::allowed;
using wasip2::sockets::Use;

namespace {

using Args = std::span<const ComponentValue>;
using State = TcpSocket::State;

/// The most bytes one read of the socket takes.
constexpr uint32_t kReceiveChunk = 64 * 1024;

HostReturn bind(wasip2::Host& h, TcpSocket& s, const ComponentValue& address) {
  if (s.state != State::Unbound) return fail(kInvalidState);
  Address a = address_of(address);
  // Neither multicast nor broadcast, nor (IPv6-only) an IPv4-mapped address.
  if (a.ipv6() != s.ipv6 || !a.unicast() || a.ipv4_mapped()) return fail(kInvalidArgument);
  if (!allowed(h, Use::TcpBind, a)) return fail(kAccessDenied);
  // As Wasmtime (and most servers): a port in TIME_WAIT can be bound again.
  int one = 1;
  if (a.port() != 0) setsockopt(s.fd->get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(s.fd->get(), reinterpret_cast<const sockaddr*>(&a.storage), a.length) < 0)
    return errno == EADDRNOTAVAIL ? fail(kAddressNotBindable) : fail_errno();
  s.state = State::Bound;
  return val::ok();
}

/// `connect`: checks, then connect(2), then (an async task's) wait for
/// the connection on the loop.
HostReturn connect(Store& store, wasip2::Host& h, SocketTables& t, Args args) {
  FLINT_ASSIGN(TcpSocket * s, t.tcp.get(args[0]));
  if (s->state != State::Unbound && s->state != State::Bound) return fail(kInvalidState);
  Address a = address_of(args[1]);
  if (!valid_remote(a, s->ipv6) || !a.unicast() || a.port() == 0) return fail(kInvalidArgument);
  if (!allowed(h, Use::TcpConnect, a)) return fail(kAccessDenied);
  SharedFd fd = s->fd;
  int r;
  do r = ::connect(fd->get(), reinterpret_cast<const sockaddr*>(&a.storage), a.length);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS) {
    int error = errno;
    s->state = State::Closed;
    return val::err(error_of_errno(error));
  }
  if (r < 0) {
    s->state = State::Connecting;
    FLINT_TRY(wait_for_fd(store, fd->get(), POLLOUT));
    // The borrow keeps the socket alive across the wait; the table's
    // storage may have moved, so look it up again.
    FLINT_ASSIGN(s, t.tcp.get(args[0]));
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(fd->get(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (error) {
      s->state = State::Closed;
      return val::err(error_of_errno(error));
    }
  }
  s->state = State::Connected;
  return val::ok();
}

/// Whether accept(2) failed for the connection alone (Linux passes a new
/// connection's network errors on): the listener goes on.
bool transient_accept_error(int e) {
  switch (e) {
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case EINTR: return true;
    default: return false;
  }
}

/// `listen`: the stream of accepted connections, each a new connected
/// tcp-socket. It never ends but on a fatal error of the listener.
HostReturn listen(Store& store, wasip2::Host& h, const std::shared_ptr<SocketTables>& t,
                  TcpSocket& s) {
  if (s.state != State::Unbound && s.state != State::Bound) return fail(kInvalidState);
  // An unbound socket is bound implicitly (to an ephemeral port), so it
  // needs the grant to bind.
  if (!allowed(h, Use::TcpBind, Address{})) return fail(kAccessDenied);
  // A listener's connections inherit SO_REUSEADDR: once they close, the
  // port can be bound again while they linger in TIME_WAIT (types.wit's
  // implementors note). Set now rather than at bind, so that a bound
  // socket still keeps its port from others until it listens.
  int one = 1;
  setsockopt(s.fd->get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::listen(s.fd->get(), wasip2::sockets::clamp_int(s.backlog)) < 0) return fail_errno();
  s.state = State::Listening;
  SharedFd listener = s.fd;
  const bool ipv6 = s.ipv6;
  std::weak_ptr<SocketTables> tables = t;
  auto pull = [listener, ipv6, tables](uint32_t max) {
    SourceChunk chunk;
    std::shared_ptr<SocketTables> live = tables.lock();
    if (!live) {
      chunk.end = true;
      return chunk;
    }
    while (chunk.values.size() < max) {
      int fd = ::accept4(listener->get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0 && transient_accept_error(errno)) continue;
      if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) chunk.end = true;
        break;
      }
      TcpSocket client{std::make_shared<wasi::UniqueFd>(fd), ipv6, State::Connected};
      Result<ComponentValue> handle = live->tcp.insert_own(std::move(client));
      if (!handle) break;  // the table is full: the connection is refused
      chunk.values.push_back(std::move(*handle));
    }
    if (chunk.values.empty() && !chunk.end)
      chunk.wait = HostWait{std::nullopt, listener->get(), POLLIN};
    return chunk;
  };
  return val::ok(channel_value(source_stream(wit::own(t->tcp.type()), pull, &store)));
}

/// `send`: the guest's stream into the socket; the future reports the end.
ComponentValue send(Store& store, TcpSocket& s, const ComponentValue& data) {
  ValueTypePtr outcome = wit::result(nullptr, error_code_type());
  std::shared_ptr<SharedChannel> channel = channel_of(data);
  if (s.state != State::Connected || s.sending) {
    channel->drop();  // the guest's writes see the stream dropped
    return resolved_future(outcome, val::err(error_value(kInvalidState)));
  }
  s.sending = true;
  HostFuture done(outcome);
  SharedFd fd = s.fd;
  auto failure = std::make_shared<int>(0);
  auto sink = [fd, failure](std::span<const uint8_t> bytes) {
    SinkResult r;
    ssize_t n;
    do n = ::send(fd->get(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      *failure = errno;
      r.stop = true;
      return r;
    }
    r.taken = n < 0 ? 0 : size_t(n);
    if (r.taken < bytes.size()) r.wait = HostWait{std::nullopt, fd->get(), POLLOUT};
    return r;
  };
  // The writer dropping its end is shutdown(SHUT_WR): the peer sees the end.
  read_stream(store, channel, sink, [fd, failure, done] {
    if (*failure) {
      (void)done.write(val::err(error_of_errno(*failure)));
      return;
    }
    ::shutdown(fd->get(), SHUT_WR);
    (void)done.write(val::ok());
  });
  return done.value();
}

/// `receive`: the stream of what arrives, and the future of how it ended.
ComponentValue receive(Store& store, TcpSocket& s) {
  ValueTypePtr outcome = wit::result(nullptr, error_code_type());
  if (s.state != State::Connected || s.receiving)
    return val::tuple(
        {ended_stream(wit::u8()), resolved_future(outcome, val::err(error_value(kInvalidState)))});
  s.receiving = true;
  HostFuture done(outcome);
  SharedFd fd = s.fd;
  auto pull = [fd, done](uint32_t max) {
    SourceChunk chunk;
    chunk.bytes.resize(std::min(max, kReceiveChunk));
    ssize_t n;
    do n = ::recv(fd->get(), chunk.bytes.data(), chunk.bytes.size(), MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      chunk.bytes.clear();
      chunk.wait = HostWait{std::nullopt, fd->get(), POLLIN};
    } else if (n < 0) {
      chunk.bytes.clear();
      chunk.end = true;
      (void)done.write(val::err(error_of_errno(errno)));
    } else if (n == 0) {
      chunk.bytes.clear();
      chunk.end = true;  // the peer shut its side down
      (void)done.write(val::ok());
    } else {
      chunk.bytes.resize(size_t(n));
    }
    return chunk;
  };
  std::shared_ptr<SharedChannel> stream = source_stream(wit::u8(), pull, &store);
  // The reader dropping the stream is shutdown(SHUT_RD); it received fine.
  stream->on_drop([fd, done] {
    ::shutdown(fd->get(), SHUT_RD);
    (void)done.write(val::ok());
  });
  return val::tuple({channel_value(stream), done.value()});
}

}  // namespace

void add_tcp(HostInterface& iface, const std::shared_ptr<wasip2::Host>& host,
             const std::shared_ptr<SocketTables>& tables) {
  SocketMethods<TcpSocket> m(iface, "tcp-socket", tables, &SocketTables::tcp);
  m.add_common(host, &wasip2::SocketGrants::tcp, SOCK_STREAM, "hop-limit",
               wasip2::sockets::tcp_options());
  ValueTypePtr address = wasip2::sockets::ip_socket_address_type();
  const Param& self = m.self();
  ValueTypePtr outcome = m.outcome();
  auto h = host;
  auto t = tables;
  m.method("bind", wit::func({self, {"local-address", address}}, outcome),
           [h](Store&, TcpSocket& s, Args a) { return bind(*h, s, a[1]); });
  // connect waits: its body looks the socket up again after the wait.
  iface.method("tcp-socket", "connect",
               wit::async_func({self, {"remote-address", address}}, outcome),
               [h, t](Store& store, Args a) { return connect(store, *h, *t, a); });
  m.method("listen", m.getter(wit::stream(wit::own(tables->tcp.type()))),
           [h, t](Store& store, TcpSocket& s, Args) { return listen(store, *h, t, s); });
  m.method("send", wit::func({self, {"data", wit::stream(wit::u8())}}, wit::future(outcome)),
           [](Store& store, TcpSocket& s, Args a) -> HostReturn { return send(store, s, a[1]); });
  m.method("receive", wit::func({self}, wit::tuple({wit::stream(wit::u8()), wit::future(outcome)})),
           [](Store& store, TcpSocket& s, Args) -> HostReturn { return receive(store, s); });
  m.method("get-local-address", m.getter(address), [](Store&, TcpSocket& s, Args) {
    // Listening and connecting bind implicitly.
    if (s.state == State::Unbound) return fail(kInvalidState);
    return from_v02(wasip2::sockets::socket_name(s.fd->get(), false));
  });
  m.method("get-remote-address", m.getter(address), [](Store&, TcpSocket& s, Args) {
    if (s.state != State::Connected) return fail(kInvalidState);
    return from_v02(wasip2::sockets::socket_name(s.fd->get(), true));
  });
  m.method("get-is-listening", wit::func({self}, wit::boolean()),
           [](Store&, TcpSocket& s, Args) -> HostReturn {
             return val::boolean(s.state == State::Listening);
           });
  m.method(
      "set-listen-backlog-size", m.setter(wit::u64()),
      [](Store&, TcpSocket& s, Args a) -> HostReturn {
        uint64_t v = a[1].as_unsigned();
        if (v == 0) return fail(kInvalidArgument);
        if (s.state == State::Connecting || s.state == State::Connected || s.state == State::Closed)
          return fail(kInvalidState);
        s.backlog = v;
        // A listening socket takes the new size at once (Linux re-listens).
        if (s.state == State::Listening && ::listen(s.fd->get(), wasip2::sockets::clamp_int(v)) < 0)
          return fail_errno();
        return val::ok();
      });
}

}  // namespace flint::wasip3::sockets

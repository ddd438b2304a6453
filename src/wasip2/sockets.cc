// wasi:sockets@0.2 (wit/network.wit, instance-network.wit,
// ip-name-lookup.wit) and what tcp.cc and udp.cc share (sockets.h). Deny
// by default, as Wasmtime: the network handle grants what the host's
// SocketGrants say (`-S inherit-network`, `-S allow-ip-name-lookup`,
// `-S tcp=n`, `-S udp=n`), so without them every bind, connect and send is
// `access-denied` and every lookup `permanent-resolver-failure`.
#include "wasip2/sockets.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace flint::wasip2 {

using namespace component;

namespace sockets {

namespace {

using Args = std::span<const ComponentValue>;

ComponentValue u16(uint16_t v) { return ComponentValue::unsigned_int(TypeKind::U16, v); }

ValueTypePtr ipv4_type() {
  static const ValueTypePtr t = wit::tuple({wit::u8(), wit::u8(), wit::u8(), wit::u8()});
  return t;
}
ValueTypePtr ipv6_type() {
  static const ValueTypePtr t = wit::tuple(std::vector<ValueTypePtr>(8, wit::u16()));
  return t;
}
ValueTypePtr ipv4_socket_type() {
  static const ValueTypePtr t = wit::record({{"port", wit::u16()}, {"address", ipv4_type()}});
  return t;
}
ValueTypePtr ipv6_socket_type() {
  static const ValueTypePtr t = wit::record({{"port", wit::u16()},
                                             {"flow-info", wit::u32()},
                                             {"address", ipv6_type()},
                                             {"scope-id", wit::u32()}});
  return t;
}

ComponentValue ipv4_value(const in_addr& a) {
  const auto* b = reinterpret_cast<const uint8_t*>(&a.s_addr);
  return val::tuple({val::u8(b[0]), val::u8(b[1]), val::u8(b[2]), val::u8(b[3])});
}
ComponentValue ipv6_value(const in6_addr& a) {
  std::vector<ComponentValue> parts;
  for (int i = 0; i < 8; ++i)
    parts.push_back(u16(uint16_t(a.s6_addr[2 * i] << 8 | a.s6_addr[2 * i + 1])));
  return val::tuple(std::move(parts));
}

}  // namespace

ValueTypePtr error_code_type() {
  static const ValueTypePtr t = wit::enumeration({"unknown",
                                                  "access-denied",
                                                  "not-supported",
                                                  "invalid-argument",
                                                  "out-of-memory",
                                                  "timeout",
                                                  "concurrency-conflict",
                                                  "not-in-progress",
                                                  "would-block",
                                                  "invalid-state",
                                                  "new-socket-limit",
                                                  "address-not-bindable",
                                                  "address-in-use",
                                                  "remote-unreachable",
                                                  "connection-refused",
                                                  "connection-reset",
                                                  "connection-aborted",
                                                  "datagram-too-large",
                                                  "name-unresolvable",
                                                  "temporary-resolver-failure",
                                                  "permanent-resolver-failure"});
  return t;
}

ValueTypePtr ip_address_family_type() {
  static const ValueTypePtr t = wit::enumeration({"ipv4", "ipv6"});
  return t;
}

ValueTypePtr ip_address_type() {
  static const ValueTypePtr t = wit::variant({{"ipv4", ipv4_type()}, {"ipv6", ipv6_type()}});
  return t;
}

ValueTypePtr ip_socket_address_type() {
  static const ValueTypePtr t =
      wit::variant({{"ipv4", ipv4_socket_type()}, {"ipv6", ipv6_socket_type()}});
  return t;
}

uint32_t code_of_errno(int e) {
  switch (e) {
    case EACCES:
    case EPERM: return kAccessDenied;
    case EADDRINUSE: return kAddressInUse;
    case EADDRNOTAVAIL: return kAddressNotBindable;
    case ECONNABORTED: return kConnectionAborted;
    case ECONNREFUSED: return kConnectionRefused;
    case ECONNRESET: return kConnectionReset;
    case EAGAIN: return kWouldBlock;
    case EINVAL: return kInvalidArgument;
    case EMFILE:
    case ENFILE: return kNewSocketLimit;
    case ENOBUFS:
    case ENOMEM: return kOutOfMemory;
    case EMSGSIZE: return kDatagramTooLarge;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN: return kRemoteUnreachable;
    case ETIMEDOUT: return kTimeout;
    case ENOTCONN:
    case EISCONN: return kInvalidState;
    case EAFNOSUPPORT:
    case EOPNOTSUPP:
    case EPROTONOSUPPORT: return kNotSupported;
    default: return kUnknown;
  }
}

HostReturn fail(uint32_t code) { return val::err(val::enum_case(code)); }
HostReturn fail_errno() { return fail(code_of_errno(errno)); }

uint16_t Address::port() const {
  return ntohs(ipv6() ? reinterpret_cast<const sockaddr_in6&>(storage).sin6_port
                      : reinterpret_cast<const sockaddr_in&>(storage).sin_port);
}

bool Address::unspecified() const {
  if (ipv6())
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr);
  return reinterpret_cast<const sockaddr_in&>(storage).sin_addr.s_addr == INADDR_ANY;
}

int clamp_int(uint64_t v) { return int(std::min<uint64_t>(v, INT_MAX)); }

namespace {

ComponentValue make_bool(uint64_t v) { return val::boolean(v != 0); }
ComponentValue make_u32(uint64_t v) { return val::u32(uint32_t(v)); }
ComponentValue make_u64(uint64_t v) { return val::u64(v); }
ComponentValue make_seconds(uint64_t v) { return val::u64(v * 1'000'000'000); }

}  // namespace

std::span<const TcpOption> tcp_options() {
  static const std::vector<TcpOption> options = {
      {"keep-alive-enabled", SOL_SOCKET, SO_KEEPALIVE, wit::boolean(), make_bool},
      {"keep-alive-idle-time", IPPROTO_TCP, TCP_KEEPIDLE, wit::u64(), make_seconds, true},
      {"keep-alive-interval", IPPROTO_TCP, TCP_KEEPINTVL, wit::u64(), make_seconds, true},
      {"keep-alive-count", IPPROTO_TCP, TCP_KEEPCNT, wit::u32(), make_u32},
      {"receive-buffer-size", SOL_SOCKET, SO_RCVBUF, wit::u64(), make_u64},
      {"send-buffer-size", SOL_SOCKET, SO_SNDBUF, wit::u64(), make_u64}};
  return options;
}

std::span<const TcpOption> buffer_size_options() { return tcp_options().subspan(4, 2); }

HostReturn get_tcp_option(int fd, const TcpOption& o) {
  // Linux reports twice the buffer size it was given (the doubled size
  // holds its bookkeeping); the guest reads back what it set, as Wasmtime.
  if (o.level == SOL_SOCKET && (o.opt == SO_RCVBUF || o.opt == SO_SNDBUF)) {
    int size = 0;
    socklen_t len = sizeof size;
    if (getsockopt(fd, o.level, o.opt, &size, &len) < 0) return fail_errno();
    return val::ok(o.make(uint64_t(size) / 2));
  }
  return get_option(fd, o.level, o.opt, o.make);
}

HostReturn set_tcp_option(int fd, const TcpOption& o, const ComponentValue& value) {
  if (o.type->kind == TypeKind::Bool)
    return set_option(fd, o.level, o.opt, value.as_bool() ? 1 : 0);
  uint64_t v = value.as_unsigned();
  if (v == 0) return fail(kInvalidArgument);
  // Any other value is accepted and clamped to what Linux takes (tcp.wit):
  // keep-alive times of 1 to 32767 whole seconds (rounded up), at most
  // 127 probes.
  if (o.duration) v = std::min<uint64_t>(v / 1'000'000'000 + (v % 1'000'000'000 != 0), 32767);
  if (o.opt == TCP_KEEPCNT && o.level == IPPROTO_TCP) v = std::min<uint64_t>(v, 127);
  return set_option(fd, o.level, o.opt, clamp_int(v));
}

bool Address::unicast() const {
  if (ipv6())
    return !IN6_IS_ADDR_MULTICAST(&reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr);
  uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in&>(storage).sin_addr.s_addr);
  return (ip >> 28) != 0xe && ip != INADDR_BROADCAST;
}

bool Address::ipv4_mapped() const {
  return ipv6() && IN6_IS_ADDR_V4MAPPED(&reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr);
}

Address address_of(const ComponentValue& v) {
  Address a;
  const ComponentValue::Case& c = v.as_case();
  const auto& fields = c.payload->items();
  if (c.index == 0) {
    auto& in = reinterpret_cast<sockaddr_in&>(a.storage);
    in.sin_family = AF_INET;
    in.sin_port = htons(uint16_t(fields[0].as_unsigned()));
    auto* b = reinterpret_cast<uint8_t*>(&in.sin_addr.s_addr);
    for (int i = 0; i < 4; ++i) b[i] = uint8_t(fields[1].items()[i].as_unsigned());
    a.length = sizeof(sockaddr_in);
  } else {
    auto& in = reinterpret_cast<sockaddr_in6&>(a.storage);
    in.sin6_family = AF_INET6;
    in.sin6_port = htons(uint16_t(fields[0].as_unsigned()));
    in.sin6_flowinfo = htonl(uint32_t(fields[1].as_unsigned()));
    for (int i = 0; i < 8; ++i) {
      auto part = uint16_t(fields[2].items()[i].as_unsigned());
      in.sin6_addr.s6_addr[2 * i] = uint8_t(part >> 8);
      in.sin6_addr.s6_addr[2 * i + 1] = uint8_t(part);
    }
    in.sin6_scope_id = uint32_t(fields[3].as_unsigned());
    a.length = sizeof(sockaddr_in6);
  }
  return a;
}

ComponentValue socket_address_value(const sockaddr_storage& s) {
  if (s.ss_family == AF_INET6) {
    const auto& in = reinterpret_cast<const sockaddr_in6&>(s);
    return val::variant_case(
        1, val::record({u16(ntohs(in.sin6_port)), val::u32(ntohl(in.sin6_flowinfo)),
                        ipv6_value(in.sin6_addr), val::u32(in.sin6_scope_id)}));
  }
  const auto& in = reinterpret_cast<const sockaddr_in&>(s);
  return val::variant_case(0, val::record({u16(ntohs(in.sin_port)), ipv4_value(in.sin_addr)}));
}

bool allowed(const Host& host, Use use, const Address& address) {
  const SocketGrants& g = host.sockets;
  bool tcp = use == Use::TcpBind || use == Use::TcpConnect;
  if (tcp ? !g.tcp : !g.udp) return false;
  // Wasmtime's default SocketAddrCheck denies every address; inheriting
  // the network allows them all.
  if (g.inherit_network) return true;
  if (!g.allowed_hosts) return false;
  // Spin's check (spin-factor-outbound-networking): no TCP server sockets;
  // otherwise the address as a `tcp://` or `udp://` URL.
  if (use == Use::TcpBind) return false;
  char text[INET6_ADDRSTRLEN] = {};
  const void* ip = address.ipv6()
                       ? static_cast<const void*>(
                             &reinterpret_cast<const sockaddr_in6&>(address.storage).sin6_addr)
                       : &reinterpret_cast<const sockaddr_in&>(address.storage).sin_addr;
  if (!inet_ntop(address.ipv6() ? AF_INET6 : AF_INET, ip, text, sizeof text)) return false;
  return g.allowed_hosts->allows(tcp ? "tcp" : "udp", text, address.port());
}

int new_socket(bool ipv6, int type) {
  int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ipv6) {
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  return fd;
}

HostReturn socket_name(int fd, bool peer) {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  int r = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&s), &len)
               : getsockname(fd, reinterpret_cast<sockaddr*>(&s), &len);
  if (r < 0) return fail_errno();
  return val::ok(socket_address_value(s));
}

HostReturn get_option(int fd, int level, int name, ComponentValue (*make)(uint64_t)) {
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, level, name, &value, &len) < 0) return fail_errno();
  return val::ok(make(uint64_t(std::max(value, 0))));
}

HostReturn set_option(int fd, int level, int name, int value) {
  if (setsockopt(fd, level, name, &value, sizeof value) < 0) return fail_errno();
  return val::ok();
}

HostReturn subscribe(Host& host, const SharedFd& fd, short events) {
  Pollable p;
  if (fd) p.fd = fd, p.events = events;
  return host.pollables.insert_own(std::move(p));
}

HostReturn get_hop_limit(int fd, bool ipv6) {
  auto make_u8 = [](uint64_t v) { return val::u8(uint8_t(std::min<uint64_t>(v, 255))); };
  return ipv6 ? get_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, make_u8)
              : get_option(fd, IPPROTO_IP, IP_TTL, make_u8);
}

HostReturn set_hop_limit(int fd, bool ipv6, uint64_t value) {
  if (value == 0) return fail(kInvalidArgument);
  return ipv6 ? set_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, int(value))
              : set_option(fd, IPPROTO_IP, IP_TTL, int(value));
}

namespace {

/// Whether `name` can be a domain name (letters, digits, '-', '_', '.'):
/// anything else is `invalid-argument`, as Wasmtime's parse of the name.
bool plausible_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::optional<uint32_t> lookup_addresses(const Host& h, const std::string& name,
                                         std::vector<ComponentValue>& out) {
  bool granted = h.sockets.allow_ip_name_lookup ||
                 (h.sockets.allowed_hosts && h.sockets.allowed_hosts->allows_any_name());
  if (!granted) return kAccessDenied;
  in_addr v4;
  in6_addr v6;
  std::string literal = name.size() > 2 && name.front() == '[' && name.back() == ']'
                            ? name.substr(1, name.size() - 2)
                            : name;
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) {
    out.push_back(val::variant_case(0, ipv4_value(v4)));
    return std::nullopt;
  }
  if (inet_pton(AF_INET6, literal.c_str(), &v6) == 1) {
    out.push_back(val::variant_case(1, ipv6_value(v6)));
    return std::nullopt;
  }
  if (!plausible_name(name)) return kInvalidArgument;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not per socket type
  addrinfo* found = nullptr;
  int r = getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (r == EAI_NONAME || r == EAI_NODATA) return kNameUnresolvable;
  if (r == EAI_AGAIN) return kTemporaryResolverFailure;
  if (r != 0) return kPermanentResolverFailure;
  for (addrinfo* a = found; a; a = a->ai_next) {
    ComponentValue v;
    if (a->ai_family == AF_INET)
      v = val::variant_case(0, ipv4_value(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr));
    else if (a->ai_family == AF_INET6)
      v = val::variant_case(1, ipv6_value(reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr));
    else
      continue;
    if (std::none_of(out.begin(), out.end(), [&](const ComponentValue& x) { return equal(x, v); }))
      out.push_back(std::move(v));
  }
  freeaddrinfo(found);
  if (out.empty()) return kNameUnresolvable;
  return std::nullopt;
}

}  // namespace sockets

namespace {

using namespace sockets;
using Args = std::span<const ComponentValue>;
using Return = HostReturn;

/// resolve-addresses: an IP address is returned as itself; a name is looked
/// up at once with getaddrinfo (the stream then never blocks). Without the
/// grant, as Wasmtime's 0.2 host: permanent-resolver-failure.
Return resolve(Host& h, const std::string& name) {
  ResolvedAddresses out;
  if (std::optional<uint32_t> code = lookup_addresses(h, name, out.addresses))
    return fail(*code == kAccessDenied ? kPermanentResolverFailure : *code);
  FLINT_ASSIGN(ComponentValue stream, h.resolved_addresses.insert_own(std::move(out)));
  return val::ok(std::move(stream));
}

void define_network(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  ResourceTypePtr network = host->networks.type();
  ValueTypePtr code = error_code_type();
  HostInterface iface("wasi:sockets/network", kVersion);
  iface.resource("network", network);
  iface.resource("error", host->errors.type());
  iface.type("error-code", code);
  iface.type("ip-address-family", ip_address_family_type());
  iface.type("ipv4-address", ipv4_type());
  iface.type("ipv6-address", ipv6_type());
  iface.type("ip-address", ip_address_type());
  iface.type("ipv4-socket-address", ipv4_socket_type());
  iface.type("ipv6-socket-address", ipv6_socket_type());
  iface.type("ip-socket-address", ip_socket_address_type());
  // A socket stream's error carries the errno it failed with.
  iface.function("network-error-code",
                 wit::func({{"err", wit::borrow(host->errors.type())}}, wit::option(code)),
                 [host](Store&, Args a) -> Return {
                   FLINT_ASSIGN(IoError * e, host->errors.get(a[0]));
                   if (!e->host_errno) return val::none();
                   return val::some(val::enum_case(code_of_errno(e->host_errno)));
                 });
  define(linker, iface);

  HostInterface instance("wasi:sockets/instance-network", kVersion);
  instance.resource("network", network);
  instance.function("instance-network", wit::func({}, wit::own(network)),
                    [host](Store&, Args) -> Return { return host->networks.insert_own({}); });
  define(linker, instance);
}

void define_ip_name_lookup(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  ResourceTypePtr stream = host->resolved_addresses.type();
  HostInterface iface("wasi:sockets/ip-name-lookup", kVersion);
  iface.resource("pollable", host->pollables.type());
  iface.resource("network", host->networks.type());
  iface.resource("resolve-address-stream", stream);
  iface.type("error-code", error_code_type());
  iface.type("ip-address", ip_address_type());
  iface.function(
      "resolve-addresses",
      wit::func({{"network", wit::borrow(host->networks.type())}, {"name", wit::string()}},
                wit::result(wit::own(stream), error_code_type())),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(Network * n, host->networks.get(a[0]));
        (void)n;
        return resolve(*host, a[1].as_string());
      });
  iface.method("resolve-address-stream", "resolve-next-address",
               wit::func({{"self", wit::borrow(stream)}},
                         wit::result(wit::option(ip_address_type()), error_code_type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(ResolvedAddresses * r, host->resolved_addresses.get(a[0]));
                 if (r->next == r->addresses.size()) return val::ok(val::none());
                 return val::ok(val::some(r->addresses[r->next++]));
               });
  // The lookup is done by the time the stream exists: always ready.
  iface.method("resolve-address-stream", "subscribe",
               wit::func({{"self", wit::borrow(stream)}}, wit::own(host->pollables.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(ResolvedAddresses * r, host->resolved_addresses.get(a[0]));
                 (void)r;
                 return subscribe(*host, nullptr, 0);
               });
  define(linker, iface);
}

}  // namespace

void define_sockets(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  define_network(linker, host);
  define_ip_name_lookup(linker, host);
  define_tcp(linker, host);
  define_udp(linker, host);
}

}  // namespace flint::wasip2

// What wasi:sockets' interfaces (sockets.cc, tcp.cc, udp.cc) share: the
// network types as WIT values, host errno -> error-code as Wasmtime maps
// it, socket addresses to and from sockaddr, and the grant check every
// bind, connect and send passes.
#pragma once

#include <sys/socket.h>

#include "wasip2/host.h"

namespace flint::wasip2::sockets {

/// wasi:sockets/network.error-code's cases, in WIT order.
enum Code : uint32_t {
  kUnknown,
  kAccessDenied,
  kNotSupported,
  kInvalidArgument,
  kOutOfMemory,
  kTimeout,
  kConcurrencyConflict,
  kNotInProgress,
  kWouldBlock,
  kInvalidState,
  kNewSocketLimit,
  kAddressNotBindable,
  kAddressInUse,
  kRemoteUnreachable,
  kConnectionRefused,
  kConnectionReset,
  kConnectionAborted,
  kDatagramTooLarge,
  kNameUnresolvable,
  kTemporaryResolverFailure,
  kPermanentResolverFailure,
};

/// network.error-code (enum).
component::ValueTypePtr error_code_type();
/// network.ip-address-family (enum ipv4, ipv6).
component::ValueTypePtr ip_address_family_type();
/// network.ip-address (variant of ipv4-address, ipv6-address).
component::ValueTypePtr ip_address_type();
/// network.ip-socket-address (variant of ipv4-, ipv6-socket-address).
component::ValueTypePtr ip_socket_address_type();

/// The error-code of a host errno, as Wasmtime's `From<io::Error>`.
uint32_t code_of_errno(int host_errno);
/// `err(code)` of a result<_, error-code>.
component::HostReturn fail(uint32_t code);
/// `err(code_of_errno(errno))`.
component::HostReturn fail_errno();

/// A socket address, as the host's sockaddr.
struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool ipv6() const { return storage.ss_family == AF_INET6; }
  uint16_t port() const;
  /// 0.0.0.0 or ::
  bool unspecified() const;
  /// Neither multicast nor IPv4's limited broadcast: an address a TCP
  /// socket may bind or connect to.
  bool unicast() const;
  /// An IPv4 address in IPv6 form (::ffff:a.b.c.d), which an IPv6-only
  /// socket cannot use.
  bool ipv4_mapped() const;
};
/// An ip-socket-address value as a host address.
Address address_of(const ComponentValue& ip_socket_address);
/// A host address as an ip-socket-address value.
ComponentValue socket_address_value(const sockaddr_storage& address);

/// ip-name-lookup's look-up: an IP address (IPv6 also in brackets) is
/// itself; a name goes to getaddrinfo. Appends each address found once, as
/// ip-address values, to `out`; or returns the error-code (access-denied
/// without the grant, invalid-argument for what cannot be a name).
std::optional<uint32_t> lookup_addresses(const Host& host, const std::string& name,
                                         std::vector<ComponentValue>& out);

/// What an address is checked for (Wasmtime's SocketAddrUse).
enum class Use : uint8_t { TcpBind, TcpConnect, UdpBind, UdpConnect, UdpOutgoing };
/// Whether the host's grants allow `use` of `address`; `access-denied` if
/// not.
bool allowed(const Host& host, Use use, const Address& address);

/// A new non-blocking, close-on-exec socket of `type` (SOCK_STREAM or
/// SOCK_DGRAM) for an ip-address-family case (0 ipv4, 1 ipv6), or -1 with
/// errno set. IPv6 sockets are IPv6-only, as the WIT requires.
int new_socket(bool ipv6, int type);

/// The local (or, with `peer`, remote) address of `fd` as an
/// ip-socket-address result.
component::HostReturn socket_name(int fd, bool peer);

/// Reads and writes of one int socket option, as result<T, error-code>
/// values built by `make`.
component::HostReturn get_option(int fd, int level, int name, ComponentValue (*make)(uint64_t));
component::HostReturn set_option(int fd, int level, int name, int value);

/// A u64 option value as the int setsockopt and listen take (larger values
/// are clamped: the kernel clamps buffer sizes anyway).
int clamp_int(uint64_t v);

/// One of a TCP socket's options as both WASI versions expose them
/// (`keep-alive-enabled`, `receive-buffer-size`...): read back from the
/// kernel; durations are nanoseconds in WIT and whole seconds in the
/// kernel (rounded up).
struct TcpOption {
  const char* name;
  int level, opt;
  component::ValueTypePtr type;
  ComponentValue (*make)(uint64_t);
  bool duration = false;
};
/// Every TCP option, in WIT order.
std::span<const TcpOption> tcp_options();
/// The two of them UDP sockets have too: receive- and send-buffer-size.
std::span<const TcpOption> buffer_size_options();
/// Its value, as result<T, error-code>.
component::HostReturn get_tcp_option(int fd, const TcpOption& option);
/// Sets it: a zero number is invalid-argument, as tcp.wit says.
component::HostReturn set_tcp_option(int fd, const TcpOption& option, const ComponentValue& value);

/// The unicast hop limit (IPv6) or TTL (IPv4) of `fd`, as result<u8,
/// error-code>; and setting it (0 is invalid-argument): TCP's hop-limit
/// and UDP's unicast-hop-limit alike.
component::HostReturn get_hop_limit(int fd, bool ipv6);
component::HostReturn set_hop_limit(int fd, bool ipv6, uint64_t value);

/// A pollable for `fd` ready on `events`, or (fd null) one always ready.
component::HostReturn subscribe(Host& host, const SharedFd& fd, short events);

/// Defines `wasi:sockets/PROTOCOL-create-socket` (PROTOCOL "tcp" or "udp"),
/// whose `create-PROTOCOL-socket` puts a new socket of `kind` (SOCK_STREAM,
/// SOCK_DGRAM) in the host's `table`. With the grant `enabled` off it
/// answers access-denied: as Wasmtime, with -S tcp=n not even a socket is
/// made.
template <typename Socket>
void define_create_socket(component::ComponentLinker& linker, const std::shared_ptr<Host>& host,
                          const std::string& protocol,
                          component::HostResourceTable<Socket> Host::* table,
                          bool SocketGrants::* enabled, int kind) {
  using namespace component;
  ResourceTypePtr socket = ((*host).*table).type();
  ValueTypePtr code = error_code_type();
  HostInterface create("wasi:sockets/" + protocol + "-create-socket", kVersion);
  create.resource("network", host->networks.type());
  create.resource(protocol + "-socket", socket);
  create.type("error-code", code);
  create.type("ip-address-family", ip_address_family_type());
  create.function(
      "create-" + protocol + "-socket",
      wit::func({{"address-family", ip_address_family_type()}},
                wit::result(wit::own(socket), code)),
      [host, table, enabled, kind](Store&, std::span<const ComponentValue> a) -> HostReturn {
        if (!(host->sockets.*enabled)) return fail(kAccessDenied);
        bool ipv6 = a[0].as_case().index == 1;
        int fd = new_socket(ipv6, kind);
        if (fd < 0) return fail_errno();
        FLINT_ASSIGN(
            ComponentValue s,
            ((*host).*table).insert_own(Socket{std::make_shared<wasi::UniqueFd>(fd), ipv6}));
        return val::ok(std::move(s));
      });
  define(linker, create);
}

}  // namespace flint::wasip2::sockets

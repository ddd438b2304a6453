// What wasi:sockets@0.3's TCP and UDP sockets (tcp.cc, udp.cc) share: their
// host objects, the 0.3 error-code, and the address checks. 0.3 keeps 0.2's
// addresses and grants (wasip2/sockets.h) and most of its checks; what
// changed is that sockets have no start-/finish- pairs and no pollables:
// connect, UDP's send and receive are async functions, TCP's bytes and
// accepted connections are streams, and all of it waits on the store's
// loop (component_runtime Scheduler::watch, wait_for_fd) rather than
// blocking it.
#pragma once

#include "wasip2/sockets.h"

namespace flint::wasip3::sockets {

/// wasi:sockets/types@0.3's `tcp-socket`. Its descriptor is shared with
/// the streams made from it: they outlive the handle, as types.wit says.
struct TcpSocket {
  enum class State : uint8_t { Unbound, Bound, Listening, Connecting, Connected, Closed };
  wasip2::SharedFd fd;
  bool ipv6 = false;
  State state = State::Unbound;
  uint64_t backlog = 128;  ///< set-listen-backlog-size's value
  bool sending = false;    ///< `send` was called: it may be only once
  bool receiving = false;  ///< `receive` was called: it may be only once
};

/// wasi:sockets/types@0.3's `udp-socket`.
struct UdpSocket {
  wasip2::SharedFd fd;
  bool ipv6 = false;
  bool bound = false;      ///< explicitly, or implicitly by connect or send
  bool connected = false;  ///< to the address of the last connect
};

/// The sockets of one store's guest, for both versions Flint defines
/// (kVersions): one resource type each.
struct SocketTables {
  component::HostResourceTable<TcpSocket> tcp{"wasi:sockets/types.tcp-socket"};
  component::HostResourceTable<UdpSocket> udp{"wasi:sockets/types.udp-socket"};
};

/// The 0.3 error-code variant's cases, in WIT order.
enum Code : uint32_t {
  kAccessDenied,
  kNotSupported,
  kInvalidArgument,
  kOutOfMemory,
  kTimeout,
  kInvalidState,
  kAddressNotBindable,
  kAddressInUse,
  kRemoteUnreachable,
  kConnectionRefused,
  kConnectionBroken,
  kConnectionReset,
  kConnectionAborted,
  kDatagramTooLarge,
  kOther,
};

/// types.error-code: a variant with other(option<string>).
component::ValueTypePtr error_code_type();
/// The error-code value of a case without payload.
component::ComponentValue error_value(Code code);
/// The error-code of a host errno (EPIPE is connection-broken; the rest
/// as 0.2 maps them, by name, with what 0.3 lacks as `other`).
component::ComponentValue error_of_errno(int host_errno);
/// `err(error_value(code))`, `err(error_of_errno(errno))`.
component::HostReturn fail(Code code);
component::HostReturn fail_errno();
/// A result 0.2's helpers made (socket_name, get_option...) with its
/// error-code in 0.3's form.
component::HostReturn from_v02(component::HostReturn r);

/// The checks of an address a socket of family `ipv6` sends or connects
/// to: the family matches and the address is neither unspecified nor an
/// IPv4-mapped one; else invalid-argument.
bool valid_remote(const wasip2::sockets::Address& address, bool ipv6);

/// Adds the TCP socket's and the UDP socket's methods to `types`
/// (tcp.cc, udp.cc).
void add_tcp(component::HostInterface& types, const std::shared_ptr<wasip2::Host>& host,
             const std::shared_ptr<SocketTables>& tables);
void add_udp(component::HostInterface& types, const std::shared_ptr<wasip2::Host>& host,
             const std::shared_ptr<SocketTables>& tables);

}  // namespace flint::wasip3::sockets

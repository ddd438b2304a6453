// What wasi:sockets@0.3's TCP and UDP sockets (tcp.cc, udp.cc) share: their
// host objects, the 0.3 error-code, and the address checks. 0.3 keeps 0.2's
// addresses and grants (wasip2/sockets.h) and most of its checks; what
// changed is that sockets have no start-/finish- pairs and no pollables:
// connect, UDP's send and receive are async functions, TCP's bytes and
// accepted connections are streams, and all of it waits on the store's
// loop (component_runtime Scheduler::watch, wait_for_fd) rather than
// blocking it.
#pragma once

#include <functional>
#include <span>
#include <string>

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

/// Declares a socket resource's methods in `types`, and those TCP and UDP
/// sockets have alike: the static `create`, `get-address-family`, the
/// hop limit (`HOP-NAME`, get- and set-) and the given options (get- and
/// set-). Each body gets the socket its `self` names.
template <typename Socket>
class SocketMethods {
 public:
  using Body = std::function<component::HostReturn(Store&, Socket&,
                                                   std::span<const component::ComponentValue>)>;

  SocketMethods(component::HostInterface& types, std::string resource,
                std::shared_ptr<SocketTables> tables,
                component::HostResourceTable<Socket> SocketTables::* table)
      : types_(types), resource_(std::move(resource)), tables_(std::move(tables)), table_(table) {
    self_ = {"self", component::wit::borrow(((*tables_).*table_).type())};
    outcome_ = component::wit::result(nullptr, error_code_type());
  }

  const component::Param& self() const { return self_; }
  /// result<_, error-code>
  const component::ValueTypePtr& outcome() const { return outcome_; }
  /// func(self) -> result<T, error-code>, and func(self, value: T) -> result<_, error-code>.
  component::FunctionTypePtr getter(component::ValueTypePtr t) const {
    return component::wit::func({self_}, component::wit::result(std::move(t), error_code_type()));
  }
  component::FunctionTypePtr setter(component::ValueTypePtr t) const {
    return component::wit::func({self_, {"value", std::move(t)}}, outcome_);
  }

  /// The method `name` of type `type` running `body` on the socket.
  void method(const std::string& name, component::FunctionTypePtr type, Body body) {
    auto tables = tables_;
    auto table = table_;
    types_.method(
        resource_, name, std::move(type),
        [tables, table, body = std::move(body)](
            Store& store, std::span<const component::ComponentValue> a) -> component::HostReturn {
          FLINT_ASSIGN(Socket * s, ((*tables).*table).get(a[0]));
          return body(store, *s, a);
        });
  }

  /// `create` (a socket of `kind`, refused unless the grant `enabled`, as
  /// Wasmtime: with -S tcp=n not even a socket is made), get-address-family,
  /// the hop limit named `hop_name` and `options`.
  void add_common(const std::shared_ptr<wasip2::Host>& host, bool wasip2::SocketGrants::* enabled,
                  int kind, const std::string& hop_name,
                  std::span<const wasip2::sockets::TcpOption> options) {
    using namespace component;
    ValueTypePtr family = wasip2::sockets::ip_address_family_type();
    auto tables = tables_;
    auto table = table_;
    types_.static_function(
        resource_, "create",
        wit::func({{"address-family", family}},
                  wit::result(wit::own(((*tables_).*table_).type()), error_code_type())),
        [host, tables, table, enabled, kind](Store&,
                                             std::span<const ComponentValue> a) -> HostReturn {
          if (!(host->sockets.*enabled)) return fail(kAccessDenied);
          Socket s;
          s.ipv6 = a[0].as_case().index == 1;
          int fd = wasip2::sockets::new_socket(s.ipv6, kind);
          if (fd < 0) return fail_errno();
          s.fd = std::make_shared<wasi::UniqueFd>(fd);
          FLINT_ASSIGN(ComponentValue handle, ((*tables).*table).insert_own(std::move(s)));
          return val::ok(std::move(handle));
        });
    method("get-address-family", wit::func({self_}, family),
           [](Store&, Socket& s, auto) -> HostReturn { return val::enum_case(s.ipv6 ? 1 : 0); });
    method("get-" + hop_name, getter(wit::u8()), [](Store&, Socket& s, auto) {
      return from_v02(wasip2::sockets::get_hop_limit(s.fd->get(), s.ipv6));
    });
    method("set-" + hop_name, setter(wit::u8()), [](Store&, Socket& s, auto a) {
      return from_v02(wasip2::sockets::set_hop_limit(s.fd->get(), s.ipv6, a[1].as_unsigned()));
    });
    for (const wasip2::sockets::TcpOption& o : options) {
      method(std::string("get-") + o.name, getter(o.type), [&o](Store&, Socket& s, auto) {
        return from_v02(wasip2::sockets::get_tcp_option(s.fd->get(), o));
      });
      method(std::string("set-") + o.name, setter(o.type), [&o](Store&, Socket& s, auto a) {
        return from_v02(wasip2::sockets::set_tcp_option(s.fd->get(), o, a[1]));
      });
    }
  }

 private:
  component::HostInterface& types_;
  std::string resource_;
  std::shared_ptr<SocketTables> tables_;
  component::HostResourceTable<Socket> SocketTables::* table_;
  component::Param self_;
  component::ValueTypePtr outcome_;
};

/// Adds the TCP socket's and the UDP socket's methods to `types`
/// (tcp.cc, udp.cc).
void add_tcp(component::HostInterface& types, const std::shared_ptr<wasip2::Host>& host,
             const std::shared_ptr<SocketTables>& tables);
void add_udp(component::HostInterface& types, const std::shared_ptr<wasip2::Host>& host,
             const std::shared_ptr<SocketTables>& tables);

}  // namespace flint::wasip3::sockets

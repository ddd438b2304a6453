// wasi:sockets@0.3 (wit/types.wit, ip-name-lookup.wit): the `types`
// interface with its TCP and UDP sockets (tcp.cc, udp.cc), and the name
// look-up. Deny by default as 0.2: the same grants (`-S inherit-network`,
// `-S allow-ip-name-lookup`, `-S tcp=n`, `-S udp=n`, a Spin component's
// allowed hosts) decide every bind, connect, send and look-up.
#include "wasip3/sockets.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "component_runtime/host_function.h"
#include "wasip3/adapt.h"
#include "wasip3/wasip3.h"

namespace flint::wasip3 {

using namespace component;

namespace sockets {

ValueTypePtr error_code_type() {
  static const ValueTypePtr type = wit::variant({{"access-denied", nullptr},
                                                 {"not-supported", nullptr},
                                                 {"invalid-argument", nullptr},
                                                 {"out-of-memory", nullptr},
                                                 {"timeout", nullptr},
                                                 {"invalid-state", nullptr},
                                                 {"address-not-bindable", nullptr},
                                                 {"address-in-use", nullptr},
                                                 {"remote-unreachable", nullptr},
                                                 {"connection-refused", nullptr},
                                                 {"connection-broken", nullptr},
                                                 {"connection-reset", nullptr},
                                                 {"connection-aborted", nullptr},
                                                 {"datagram-too-large", nullptr},
                                                 {"other", wit::option(wit::string())}});
  return type;
}

ComponentValue error_value(Code code) { return val::variant_case(code); }

namespace {

/// 0.2's error-code case `code` in 0.3's form, by name.
ComponentValue error_of_v02(uint32_t code) {
  Result<ComponentValue> v =
      adapt(val::enum_case(code), *wasip2::sockets::error_code_type(), *error_code_type());
  return v ? std::move(*v) : val::variant_case(kOther, val::none());
}

}  // namespace

ComponentValue error_of_errno(int host_errno) {
  if (host_errno == EPIPE) return error_value(kConnectionBroken);
  return error_of_v02(wasip2::sockets::code_of_errno(host_errno));
}

HostReturn fail(Code code) { return val::err(error_value(code)); }
HostReturn fail_errno() { return val::err(error_of_errno(errno)); }

HostReturn from_v02(HostReturn r) {
  if (!r || !*r) return r;
  const ComponentValue::Case& c = (*r)->as_case();
  if (c.index != 1 || !c.payload) return r;
  return val::err(error_of_v02(c.payload->as_case().index));
}

bool valid_remote(const wasip2::sockets::Address& address, bool ipv6) {
  return address.ipv6() == ipv6 && !address.unspecified() && !address.ipv4_mapped();
}

}  // namespace sockets

namespace {

using Args = std::span<const ComponentValue>;

/// ip-name-lookup's own error-code.
ValueTypePtr lookup_error_type() {
  static const ValueTypePtr type = wit::variant({{"access-denied", nullptr},
                                                 {"invalid-argument", nullptr},
                                                 {"name-unresolvable", nullptr},
                                                 {"temporary-resolver-failure", nullptr},
                                                 {"permanent-resolver-failure", nullptr},
                                                 {"other", wit::option(wit::string())}});
  return type;
}

void define_ip_name_lookup(ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host,
                           const std::string& version) {
  ValueTypePtr code = lookup_error_type();
  ValueTypePtr address = wasip2::sockets::ip_address_type();
  HostInterface iface("wasi:sockets/ip-name-lookup", version);
  iface.type("ip-address", address);
  iface.type("error-code", code);
  // getaddrinfo blocks (the resolver's own timeouts bound it): it runs on
  // a thread of its own, and the call's task waits on the loop for it, so
  // the guest's other tasks go on meanwhile.
  iface.function("resolve-addresses",
                 wit::async_func({{"name", wit::string()}}, wit::result(wit::list(address), code)),
                 [host, code](Store& store, Args a) -> HostReturn {
                   struct Lookup {
                     wasi::UniqueFd done{eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
                     std::vector<ComponentValue> found;
                     std::optional<uint32_t> failed;
                     std::atomic<bool> ready{false};  ///< found and failed are written
                   };
                   auto lookup = std::make_shared<Lookup>();
                   if (lookup->done.get() < 0)
                     return make_error(ErrorCode::HostTrap, "eventfd failed");
                   // The thread keeps what it writes alive, even if the store goes first.
                   std::thread([lookup, host, name = a[0].as_string()] {
                     lookup->failed = wasip2::sockets::lookup_addresses(*host, name, lookup->found);
                     lookup->ready.store(true, std::memory_order_release);
                     uint64_t one = 1;
                     (void)!::write(lookup->done.get(), &one, sizeof one);
                   }).detach();
                   while (!lookup->ready.load(std::memory_order_acquire))
                     FLINT_TRY(wait_for_fd(store, lookup->done.get(), POLLIN));
                   if (!lookup->failed) return val::ok(val::list(std::move(lookup->found)));
                   Result<ComponentValue> e = adapt(val::enum_case(*lookup->failed),
                                                    *wasip2::sockets::error_code_type(), *code);
                   if (!e) return std::move(e).error();
                   return val::err(std::move(*e));
                 });
  define(linker, iface);
}

}  // namespace

void define_sockets(ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host,
                    const std::shared_ptr<sockets::SocketTables>& tables,
                    const std::string& version) {
  HostInterface types("wasi:sockets/types", version);
  types.type("duration", wit::u64());  // `use`d from wasi:clocks/types
  types.type("error-code", sockets::error_code_type());
  types.type("ip-address-family", wasip2::sockets::ip_address_family_type());
  // 0.2's address types, which 0.3 kept.
  ValueTypePtr address = wasip2::sockets::ip_address_type();
  ValueTypePtr socket_address = wasip2::sockets::ip_socket_address_type();
  types.type("ipv4-address", address->fields.at(0).type);
  types.type("ipv6-address", address->fields.at(1).type);
  types.type("ip-address", address);
  types.type("ipv4-socket-address", socket_address->fields.at(0).type);
  types.type("ipv6-socket-address", socket_address->fields.at(1).type);
  types.type("ip-socket-address", socket_address);
  types.resource("tcp-socket", tables->tcp.type());
  types.resource("udp-socket", tables->udp.type());
  sockets::add_tcp(types, host, tables);
  sockets::add_udp(types, host, tables);
  define(linker, types);
  define_ip_name_lookup(linker, host, version);
}

}  // namespace flint::wasip3

// wasi:sockets@0.2 (wit/network.wit, instance-network.wit), as far as the
// network capability: a guest importing them links and receives a network
// handle that grants nothing. No socket, lookup or bind function is defined
// yet, so a component importing one fails to link with a message naming it
// (deny by default; nothing pretends to work).
#include "wasip2/host.h"

namespace flint::wasip2 {

using namespace component;

namespace {

using Args = std::span<const ComponentValue>;
using Return = HostReturn;

}  // namespace

void define_sockets(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  ResourceTypePtr network = host->networks.type();
  ValueTypePtr code = wit::enumeration({"unknown",
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
  ValueTypePtr ipv4 = wit::tuple({wit::u8(), wit::u8(), wit::u8(), wit::u8()});
  ValueTypePtr ipv6 = wit::tuple(std::vector<ValueTypePtr>(8, wit::u16()));
  ValueTypePtr ipv4_socket = wit::record({{"port", wit::u16()}, {"address", ipv4}});
  ValueTypePtr ipv6_socket = wit::record({{"port", wit::u16()},
                                          {"flow-info", wit::u32()},
                                          {"address", ipv6},
                                          {"scope-id", wit::u32()}});
  HostInterface iface("wasi:sockets/network", kVersion);
  iface.resource("network", network);
  iface.resource("error", host->errors.type());
  iface.type("error-code", code);
  iface.type("ip-address-family", wit::enumeration({"ipv4", "ipv6"}));
  iface.type("ipv4-address", ipv4);
  iface.type("ipv6-address", ipv6);
  iface.type("ip-address", wit::variant({{"ipv4", ipv4}, {"ipv6", ipv6}}));
  iface.type("ipv4-socket-address", ipv4_socket);
  iface.type("ipv6-socket-address", ipv6_socket);
  iface.type("ip-socket-address", wit::variant({{"ipv4", ipv4_socket}, {"ipv6", ipv6_socket}}));
  // No error the host makes comes from a socket.
  iface.function("network-error-code",
                 wit::func({{"err", wit::borrow(host->errors.type())}}, wit::option(code)),
                 [host](Store&, Args a) -> Return {
                   FLINT_ASSIGN(IoError * e, host->errors.get(a[0]));
                   (void)e;
                   return val::none();
                 });
  define(linker, iface);

  HostInterface instance("wasi:sockets/instance-network", kVersion);
  instance.resource("network", network);
  instance.function("instance-network", wit::func({}, wit::own(network)),
                    [host](Store&, Args) -> Return { return host->networks.insert_own({}); });
  define(linker, instance);
}

}  // namespace flint::wasip2

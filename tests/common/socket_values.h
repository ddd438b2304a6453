// Test helper: wasi:sockets values (0.2's and 0.3's addresses are alike)
// and byte lists, for the WASI host tests that call sockets directly.
#pragma once

#include <string>

#include "component_runtime/host_interface.h"

namespace flint::testing {

/// 127.0.0.1:`port` as an ip-socket-address.
inline component::ComponentValue loopback(uint16_t port) {
  namespace val = component::val;
  return val::variant_case(
      0, val::record({component::ComponentValue::unsigned_int(component::TypeKind::U16, port),
                      val::tuple({val::u8(127), val::u8(0), val::u8(0), val::u8(1)})}));
}

/// The port of an ip-socket-address.
inline uint16_t port_of(const component::ComponentValue& address) {
  return uint16_t(address.as_case().payload->items()[0].as_unsigned());
}

/// A string as a list<u8>, and back.
inline component::ComponentValue bytes(const std::string& s) {
  return component::val::bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string text(const component::ComponentValue& list) {
  std::vector<uint8_t> b = component::val::to_bytes(list);
  return {b.begin(), b.end()};
}

}  // namespace flint::testing

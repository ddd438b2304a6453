// Calling Spin's service interfaces (Redis, MQTT, PostgreSQL, MySQL, LLM) from a test as a guest
// would: functions of one interface instance defined in a linker, by name.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "component_runtime/host_interface.h"
#include "component_runtime/instantiate.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost::testing {

using component::ComponentValue;

/// A context that may reach exactly `patterns` (none: nothing).
inline std::shared_ptr<SpinHostContext> context_allowing(const std::vector<std::string>& patterns) {
  auto c = std::make_shared<SpinHostContext>();
  c->component_id = "test";
  if (!patterns.empty()) {
    auto hosts = outbound::AllowedHosts::parse(patterns);
    EXPECT_TRUE(hosts.ok()) << (hosts ? "" : hosts.error().describe());
    if (hosts) c->allowed_hosts = std::make_shared<const outbound::AllowedHosts>(std::move(*hosts));
  }
  return c;
}

/// One store's host interfaces, called directly.
struct HostCalls {
  component::ComponentLinker linker;
  Store store;

  /// Calls `function` ("[method]connection.get") of interface `iface`
  /// ("fermyon:spin/redis@2.0.0"); traps fail the test.
  ComponentValue call(const std::string& iface, const std::string& function,
                      std::vector<ComponentValue> args) {
    auto item = linker.resolve(iface);
    EXPECT_TRUE(item.ok()) << iface;
    if (!item) return component::val::none();
    auto instance = std::get<component::InstancePtr>(*item);
    auto f = component::find_function(*instance, function);
    EXPECT_TRUE(f.ok()) << function;
    if (!f) return component::val::none();
    auto r = (*f)->call(store, args);
    EXPECT_TRUE(r.ok()) << function << ": " << (r ? "" : r.error().describe());
    if (!r || !*r) return component::val::none();
    return std::move(**r);
  }
};

/// The index of a result (0 ok, 1 err) or variant case.
inline uint32_t case_of(const ComponentValue& v) { return v.as_case().index; }
/// The payload of a result or case.
inline const ComponentValue& payload(const ComponentValue& v) { return *v.as_case().payload; }
/// A list<u8> value's bytes as a string.
inline std::string text_of(const ComponentValue& list) {
  auto b = component::val::to_bytes(list);
  return std::string(b.begin(), b.end());
}
inline ComponentValue bytes_of(const std::string& s) {
  return component::val::bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace flint::spinhost::testing

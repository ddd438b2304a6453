// Calling Spin's host interfaces the way a guest's imports reach them: the
// linker's definition of an interface, a function of it by its canonical
// name ("[static]store.open", "[method]store.get"), called with component
// values. Resource handles come back as own handles and go in as borrows.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "component_runtime/host_interface.h"
#include "component_runtime/instantiate.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// One component instance's view of the Spin host: define_spin on a fresh
/// linker for `context`.
class HostCalls {
 public:
  explicit HostCalls(std::shared_ptr<const SpinHostContext> context) {
    define_spin(linker, std::move(context));
  }

  /// Calls `function` of interface `iface` ("fermyon:spin/key-value@2.0.0").
  component::ComponentValue call(const std::string& iface, const std::string& function,
                                 std::vector<component::ComponentValue> args = {}) {
    auto item = linker.resolve(iface);
    EXPECT_TRUE(item.ok()) << iface;
    if (!item) return component::val::none();
    auto* instance = std::get_if<component::InstancePtr>(&*item);
    EXPECT_NE(instance, nullptr);
    auto f = component::find_function(**instance, function);
    EXPECT_TRUE(f.ok()) << iface << " " << function;
    if (!f) return component::val::none();
    auto r = (*f)->call(store, args);
    EXPECT_TRUE(r.ok()) << function << ": " << (r ? "" : r.error().describe());
    if (!r || !*r) return component::val::none();
    return std::move(**r);
  }

  component::ComponentLinker linker;
  Store store;
};

/// The index of a result's case (0 ok, 1 err) or a variant's.
inline uint32_t case_index(const component::ComponentValue& v) { return v.as_case().index; }
/// The payload of a result or variant case.
inline const component::ComponentValue& payload(const component::ComponentValue& v) {
  return *v.as_case().payload;
}
inline component::ComponentValue str(std::string s) { return component::val::string(std::move(s)); }
inline component::ComponentValue bytes(std::string_view s) {
  return component::val::bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string text(const component::ComponentValue& v) {
  auto b = component::val::to_bytes(v);
  return {b.begin(), b.end()};
}

}  // namespace flint::spinhost

// Test helper: calling the host functions a ComponentLinker defines
// directly, as a guest importing them would (the WASI host tests).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "component_runtime/linker.h"

namespace flint::testing {

/// The function `name` of the interface `iface` a guest would import from
/// `linker`; null (and a test failure) when there is none.
inline component::FunctionPtr linked_function(const component::ComponentLinker& linker,
                                              const std::string& iface, const std::string& name) {
  auto item = linker.resolve(iface);
  EXPECT_TRUE(item.ok()) << iface;
  if (!item.ok()) return nullptr;
  const component::InstancePtr& instance = std::get<component::InstancePtr>(*item);
  auto it = instance->exports.find(name);
  EXPECT_NE(it, instance->exports.end()) << iface << " " << name;
  return it == instance->exports.end() ? nullptr : std::get<component::FunctionPtr>(it->second);
}

/// Calls that function in `store` with `args`.
inline Result<std::optional<component::ComponentValue>> call_linked(
    const component::ComponentLinker& linker, Store& store, const std::string& iface,
    const std::string& name, std::vector<component::ComponentValue> args = {}) {
  component::FunctionPtr f = linked_function(linker, iface, name);
  if (!f) return make_error(ErrorCode::UnknownImport, name);
  return f->call(store, args);
}

}  // namespace flint::testing

// Test helper: compiles WAT text through the real pipeline (text -> binary ->
// decode -> validate -> translate).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string_view>

#include "flint/runtime.h"
#include "text/parse.h"

namespace flint::testing {

inline std::shared_ptr<const CompiledModule> compile_wat(std::string_view wat,
                                                         const Config& config = {}) {
  auto bytes = text::parse_wat(wat);
  if (!bytes) {
    ADD_FAILURE() << "WAT does not parse: " << bytes.error().describe();
    return nullptr;
  }
  auto compiled = compile(*bytes, config);
  if (!compiled) {
    ADD_FAILURE() << "module does not compile: " << compiled.error().describe();
    return nullptr;
  }
  return *compiled;
}

/// Instantiates `wat` with no imports and returns the instance (nullptr on failure).
inline Instance* instantiate_wat(Store& store, std::string_view wat, const Config& config = {}) {
  auto compiled = compile_wat(wat, config);
  if (!compiled) return nullptr;
  static std::vector<std::shared_ptr<const CompiledModule>> keep_alive;
  keep_alive.push_back(compiled);
  Linker linker;
  auto instance = linker.instantiate(store, *compiled);
  if (!instance) {
    ADD_FAILURE() << "instantiation failed: " << instance.error().describe();
    return nullptr;
  }
  return *instance;
}

inline Extern export_of(Instance* instance, std::string_view name) {
  std::optional<Extern> e = instance->find_export(name);
  EXPECT_TRUE(e.has_value()) << "no export " << name;
  return e.value_or(Extern{});
}

}  // namespace flint::testing

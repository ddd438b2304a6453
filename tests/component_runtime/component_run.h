// The fixture of the component instance tests: each test runs in the
// interpreter and, where LLVM is built in, compiled; components come from
// the text format.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "flint/wat.h"

namespace flint::component {

/// Runs each test in the interpreter and, where LLVM is built in, compiled.
class ComponentRun : public testing::TestWithParam<EngineKind> {
 protected:
  ComponentRun() : store_(config()) {}

  Config config() const {
    Config c;
    c.engine = GetParam();
    return c;
  }

  /// Parses, compiles and instantiates `wat` with `linker`'s imports.
  Result<InstancePtr> instantiate_text(std::string_view wat, const ComponentLinker& linker = {}) {
    FLINT_ASSIGN(std::vector<uint8_t> bytes, text::parse_wat(wat));
    FLINT_ASSIGN(auto compiled, CompiledComponent::compile(std::move(bytes), config()));
    return instantiate(store_, std::move(compiled), linker);
  }

  /// Calls the export at `path` of `instance`.
  Result<std::optional<ComponentValue>> call(const InstancePtr& instance, std::string_view path,
                                             std::vector<ComponentValue> args = {}) {
    FLINT_ASSIGN(FunctionPtr f, find_function(*instance, path));
    return f->call(store_, args);
  }

  Store store_;
};

inline ComponentValue u32(uint32_t v) { return ComponentValue::unsigned_int(TypeKind::U32, v); }

// A core module with a bump allocator as `realloc`, shared by the tests.
constexpr const char* kAllocator = R"WAT(
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
)WAT";

/// Instantiates the tests of `suite`, a ComponentRun, once per engine.
#ifdef FLINT_HAVE_AOT
#define COMPONENT_RUN_ENGINES testing::Values(EngineKind::Interpreter, EngineKind::Aot)
#else
#define COMPONENT_RUN_ENGINES testing::Values(EngineKind::Interpreter)
#endif
#define INSTANTIATE_COMPONENT_RUN_ENGINES(suite)                                         \
  INSTANTIATE_TEST_SUITE_P(Engines, suite, COMPONENT_RUN_ENGINES, [](const auto& info) { \
    return info.param == EngineKind::Aot ? "Compiled" : "Interpreted";                   \
  })

}  // namespace flint::component

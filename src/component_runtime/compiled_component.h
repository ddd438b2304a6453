// A component decoded, validated and with every core module in it compiled:
// the unit `flint run` and `flint serve` instantiate, once per run or per
// request. Immutable, so one may be shared by many stores and threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "component/component.h"
#include "component_runtime/items.h"
#include "flint/result.h"
#include "flint/runtime.h"

namespace flint::component {

class CompiledComponent {
 public:
  /// Decodes and validates `bytes` as a component and compiles each core
  /// module it holds, nested components' included, with `config`'s engine.
  static Result<std::shared_ptr<const CompiledComponent>> compile(std::vector<uint8_t> bytes,
                                                                  const Config& config = {});

  /// The decoded component.
  const Component& component() const { return component_; }
  /// The compiled form of `module`, a core module of this component or of
  /// one nested in it.
  const CoreModuleItem& core_module(const CoreModule& module) const { return modules_.at(&module); }

 private:
  CompiledComponent() = default;
  Status compile_modules(const Component& component, const Config& config);

  std::vector<uint8_t> bytes_;
  Component component_;
  std::unordered_map<const CoreModule*, CoreModuleItem> modules_;
};

}  // namespace flint::component

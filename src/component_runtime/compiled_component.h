// A component decoded, validated and with every core module in it compiled:
// the unit `flint run` and `flint serve` instantiate, once per run or per
// request. Immutable, so one may be shared by many stores and threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
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

  /// The resolved form of `def`, a value or function type definition of
  /// this component, if an instantiation cached it.
  std::optional<TypeItem> resolved_type(const TypeDef& def) const;
  /// Caches `item` as `def`'s resolved form, when it mentions no resource:
  /// every instantiation would resolve such a type to an equal one, so it
  /// is resolved once instead of at every instantiation (resource types
  /// are made anew by each).
  void cache_resolved_type(const TypeDef& def, const TypeItem& item) const;

  /// The core signature of `lower`, a `canon lower` of this component
  /// (`async`: with that option), for a callee of type `callee`: flattened at the first
  /// instantiation and kept for the next ones while the callee's type is the same object (a
  /// server's linker gives the same host functions to every request).
  flint::FuncType lowered_core_type(const Canon& lower, const FunctionTypePtr& callee,
                                    bool async) const;

 private:
  CompiledComponent() = default;
  Status compile_modules(const Component& component, const Config& config);

  std::vector<uint8_t> bytes_;
  Component component_;
  std::unordered_map<const CoreModule*, CoreModuleItem> modules_;
  /// Instantiations on many threads read and fill the cache.
  mutable std::shared_mutex types_mutex_;
  mutable std::unordered_map<const TypeDef*, TypeItem> resolved_types_;
  /// lowered_core_type()'s: per `canon lower`, the last callee type it
  /// was asked for (held, so that the identity compared stays its own) and
  /// the signature.
  mutable std::shared_mutex lowers_mutex_;
  mutable std::unordered_map<const Canon*, std::pair<FunctionTypePtr, flint::FuncType>>
      lowered_types_;
};

}  // namespace flint::component

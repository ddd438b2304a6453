// The interpreter's compiled module: a ValidatedModule with every defined
// function translated into internal code (code.h). Immutable after creation
// and shared by all instances, in any number of stores.
#pragma once

#include <memory>
#include <vector>

#include "flint/result.h"
#include "flint/runtime.h"
#include "interp/code.h"
#include "module/module.h"
#include "runtime/engine.h"
#include "runtime/tier_up.h"

namespace flint::interp {

struct TranslateOptions {
  /// Charge fuel at loop heads too (calls always charge): set when the
  /// module is compiled with Config::fuel.
  bool loop_fuel = false;
  /// Check the store's interruption flag at function entries and loop
  /// heads: Config::interruptible.
  bool interruptible = false;
  /// Tiering (runtime/tier_up.h): when set, each function starts with a
  /// tier_check, which runs the function's faster code once it is ready.
  /// Outlives the module's code.
  const TierUp* tier_up = nullptr;
  /// The SIMD handler table: the widest the host runs unless a test asks
  /// for another one.
  SimdLevel simd_level = host_simd_level();
};

class InterpModule final : public EngineModule {
 public:
  /// Translates every function of a validated module.
  static Result<std::shared_ptr<InterpModule>> create(std::shared_ptr<const ValidatedModule> module,
                                                      const TranslateOptions& options);

  const ValidatedModule& validated() const override { return *validated_; }
  EngineKind engine() const override { return EngineKind::Interpreter; }
  Status prepare_instance(InstanceImpl& instance, ExecutionState& exec) const override;

  /// A defined function by its index among defined functions.
  const CompiledFunction& function(uint32_t defined_index) const {
    return *functions_[defined_index];
  }
  /// The canonical id (type_registry.h) of the module's type `type_index`.
  uint32_t type_id(uint32_t type_index) const { return validated_->type_id(type_index); }

 private:
  InterpModule() = default;
  std::shared_ptr<const ValidatedModule> validated_;
  std::vector<std::unique_ptr<CompiledFunction>> functions_;
};

/// Starts this thread's hotness count afresh (runtime/tier_up.h): the
/// next tier_check or loop head arms it with its module's hot_after(), so
/// that module is reported hot exactly that many calls and loop iterations
/// later. For harnesses that need the switch at a reproducible point.
void restart_hotness_count();

/// The interpreter as an Engine (engine.h).
const Engine& engine();

}  // namespace flint::interp

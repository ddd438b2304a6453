// `canon lift`: a core function called as a component function
// (CanonicalABI.md, "canon lift"), synchronous or async with a caller that
// waits for it.
#pragma once

#include "component_runtime/canon_options.h"
#include "component_runtime/items.h"

namespace flint::component {

class LiftedFunction final : public ComponentFunction {
 public:
  LiftedFunction(FunctionTypePtr type, Extern core, CanonOptions options)
      : ComponentFunction(std::move(type)), core_(core), options_(std::move(options)) {}

  /// Lowers the arguments into the instance, calls the core function,
  /// lifts its result, runs post-return, and checks the call left no
  /// borrow behind. Traps when the instance is already running.
  Result<std::optional<ComponentValue>> invoke(Store& store, std::span<const ComponentValue> args,
                                               bool from_component) override;
  bool runs_in_component() const override { return true; }

 private:
  /// The async lift: runs the core function as the instance's task, drives
  /// its callback loop, and returns what `task.return` delivered.
  Result<std::optional<ComponentValue>> run_task(Store& store, InstanceState& instance,
                                                 std::span<const Value> core_args);

  Extern core_;
  CanonOptions options_;
};

}  // namespace flint::component

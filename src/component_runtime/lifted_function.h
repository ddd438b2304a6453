// `canon lift`: a core function called as a component function
// (CanonicalABI.md, "canon lift"): synchronous, async with a callback loop,
// or async on a stack of its own; each call is a task of the instance.
#pragma once

#include <memory>

#include "component_runtime/canon_options.h"
#include "component_runtime/items.h"

namespace flint::component {

class LiftedFunction final : public ComponentFunction {
 public:
  LiftedFunction(FunctionTypePtr type, Extern core, CanonOptions options)
      : ComponentFunction(std::move(type)),
        core_(core),
        options_(std::make_shared<const CanonOptions>(std::move(options))) {}

  /// Calls it from the host (or from a host function a task called) and
  /// drives the store's event loop until it resolves: "deadlock detected"
  /// when nothing else can run first.
  Result<std::optional<ComponentValue>> invoke(Store& store, std::span<const ComponentValue> args,
                                               bool from_component) override;
  /// The task: enters the instance (an async function may wait for
  /// backpressure), lowers the arguments, runs the core function and, for
  /// the callback form, its event loop. Traps when the call might be
  /// recursive ("cannot enter component instance").
  Status start(Store& store, Supertask& caller, OnStart on_start, OnResolve on_resolve,
               std::shared_ptr<Task>* task) override;
  bool runs_in_component() const override { return true; }

 private:
  /// start(), with `from_component` saying whether a component's core code
  /// is the caller (canon::CallContext::fused).
  Status begin(Store& store, Supertask& caller, OnStart on_start, OnResolve on_resolve,
               std::shared_ptr<Task>* task, bool from_component);

  Extern core_;
  std::shared_ptr<const CanonOptions> options_;
};

}  // namespace flint::component

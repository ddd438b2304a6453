// Instantiating a component (component-model Explainer.md, "Instance
// Definitions"): its definitions run in binary order, core modules are
// instantiated through the engine seam, `canon lift` and `canon lower`
// become functions crossing the boundary, and nested components become
// instances of their own.
#pragma once

#include <memory>
#include <string_view>
#include <unordered_map>

#include "component_runtime/compiled_component.h"
#include "component_runtime/linker.h"
#include "flint/result.h"

namespace flint::component {

/// An instance of `component` in `store`, importing from `linker`. The
/// instance's functions call into `store`, which must outlive them.
/// Errors: an unsatisfied import (naming it), an import of the wrong sort,
/// a trap while core modules start, a feature not run yet.
Result<InstancePtr> instantiate(Store& store, std::shared_ptr<const CompiledComponent> component,
                                const ComponentLinker& linker);

/// A component instantiated again and again over one linker whose
/// definitions do not change (a server's instance per request; wasmtime's
/// InstancePre): the first instantiation resolves the component's imports
/// by name and checks their types, the later ones take the same items and
/// skip both. Used by one thread at a time; the linker must outlive it.
class PreparedInstantiation {
 public:
  PreparedInstantiation(std::shared_ptr<const CompiledComponent> component,
                        const ComponentLinker& linker);

  /// A new instance in `store`, as instantiate(store, component, linker).
  Result<InstancePtr> instantiate(Store& store);

 private:
  std::shared_ptr<const CompiledComponent> component_;
  const ComponentLinker& linker_;
  /// The top level's imports as the first successful instantiation found
  /// and checked them.
  std::unordered_map<const ComponentImport*, Item> resolved_;
  bool checked_ = false;
};

/// The exported function at `path`: "name", or "instance#name" for a
/// function of an exported instance ("wasi:cli/run@0.2.0#run").
Result<FunctionPtr> find_function(const ComponentInstanceItem& instance, std::string_view path);

}  // namespace flint::component

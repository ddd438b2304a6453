// Instantiating a component (component-model Explainer.md, "Instance
// Definitions"): its definitions run in binary order, core modules are
// instantiated through the engine seam, `canon lift` and `canon lower`
// become functions crossing the boundary, and nested components become
// instances of their own.
#pragma once

#include <memory>
#include <string_view>

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

/// The exported function at `path`: "name", or "instance#name" for a
/// function of an exported instance ("wasi:cli/run@0.2.0#run").
Result<FunctionPtr> find_function(const ComponentInstanceItem& instance, std::string_view path);

}  // namespace flint::component

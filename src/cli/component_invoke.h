// `flint run --invoke 'name(args)'` for components, as wasmtime spells it:
// the export's name (or `instance#name` for a function of an exported
// instance) and its arguments in WAVE, e.g. `greet("world", 3)`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "component/value.h"
#include "component_runtime/items.h"
#include "flint/result.h"

namespace flint::cli {

/// A parsed --invoke: the function's path and the WAVE text of its
/// arguments with their parentheses ("()" when none were written).
struct ComponentInvocation {
  std::string function;
  std::string arguments;
};

/// Splits `name(args)`; a bare name means no arguments.
Result<ComponentInvocation> parse_component_invocation(std::string_view text);

/// The function an --invoke names, found as `wasmtime run --invoke` finds
/// it: a top-level export or an `instance#name` path first; otherwise the
/// one function of that name inside the exported instances, at any depth
/// (`greet` for `flint:guests/api@0.1.0#greet`). A name more than one
/// instance exports is an error naming them.
Result<component::FunctionPtr> find_invoked_function(
    const component::ComponentInstanceItem& instance, std::string_view name);

/// The arguments, read as WAVE against the function's parameter types.
Result<std::vector<component::ComponentValue>> invocation_arguments(
    const ComponentInvocation& invocation, const component::FunctionType& type);

}  // namespace flint::cli

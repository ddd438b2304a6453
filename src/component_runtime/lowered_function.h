// `canon lower`: a component function made callable from core code
// (CanonicalABI.md, "canon lower").
#pragma once

#include <string>

#include "component_runtime/canon_options.h"
#include "component_runtime/items.h"

namespace flint::component {

/// A core host function of the flattened signature of `callee`'s type that
/// lifts its core arguments from the calling instance, calls `callee` and
/// lowers the result back. With the `async` option it has the async
/// signature and returns the subtask's state. Calling out of an instance running its
/// post-return traps ("cannot leave component instance").
Extern lower_function(Store& store, FunctionPtr callee, CanonOptions options, std::string name);

}  // namespace flint::component

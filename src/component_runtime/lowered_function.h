// `canon lower`: a component function made callable from core code
// (CanonicalABI.md, "canon lower").
#pragma once

#include <string>

#include "component_runtime/canon_options.h"
#include "component_runtime/items.h"

namespace flint::component {

/// The core signature a `canon lower` of a function of `type` has: the
/// flattened one, or with `async` the async one (CanonicalABI.md,
/// flatten_functype).
flint::FuncType lowered_core_type(const FunctionType& type, bool async);

/// A core host function of signature `core_type` (lowered_core_type() of
/// `callee`'s type and the options' `async`) that lifts its core arguments
/// from the calling instance, calls `callee` and lowers the result back.
/// With the `async` option it returns the subtask's state. Calling out of
/// an instance running its post-return traps ("cannot leave component
/// instance").
Extern lower_function(Store& store, FunctionPtr callee, CanonOptions options,
                      flint::FuncType core_type, std::string name);

}  // namespace flint::component

// The canonical ABI at a call boundary (component-model CanonicalABI.md,
// "canon lift" and "canon lower", synchronous): turning component values
// into a core function's arguments and back, with the spill rules (more than
// 16 flat parameters go through memory, more than 1 flat result comes back
// through a pointer).
//
// Four operations, two per direction:
//   canon lift  (a core function exported as a component function):
//     lower_arguments -> call the core function -> lift_result
//   canon lower (a component function imported by core code):
//     lift_arguments  -> call the component function -> lower_result
//
// Every trap is an Error with the spec suite's words ("unaligned pointer",
// "invalid utf-8", "unknown handle index 3", ...).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "canon/context.h"
#include "canon/layout.h"
#include "component/value.h"
#include "flint/result.h"
#include "flint/value.h"

namespace flint::canon {

using component::ComponentValue;
using component::FunctionType;

/// canon lift, entering the callee: the core arguments for `args` (already
/// checked against `type`), spilled into memory obtained from the callee's
/// realloc when they flatten to more than 16 values.
Result<std::vector<Value>> lower_arguments(CallContext& callee, const FunctionType& type,
                                           std::span<const ComponentValue> args);

/// canon lift, returning: the component result from the core function's
/// results (read through the returned pointer when it flattens to more than
/// one value). No result: std::nullopt.
Result<std::optional<ComponentValue>> lift_result(CallContext& callee, const FunctionType& type,
                                                  std::span<const Value> core_results);

/// canon lower, entering: the component arguments from the caller's core
/// arguments (read through a pointer when they flatten to more than
/// `max_flat`: 16, or 4 for an async lower).
Result<std::vector<ComponentValue>> lift_arguments(CallContext& caller, const FunctionType& type,
                                                   std::span<const Value> core_args,
                                                   size_t max_flat = kMaxFlatParams);

/// canon lower, returning: the caller's core results for `result`; when it
/// flattens to more than one value it is stored at the return pointer (the
/// last of `core_args`) and there are no core results.
Result<std::vector<Value>> lower_result(CallContext& caller, const FunctionType& type,
                                        const std::optional<ComponentValue>& result,
                                        std::span<const Value> core_args);

/// Stores `result` (of `type`'s result type) at the caller's pointer `ptr`,
/// as an async lower hands every result over, however small.
Status store_result(CallContext& caller, const FunctionType& type,
                    const std::optional<ComponentValue>& result, const Value& ptr);

}  // namespace flint::canon

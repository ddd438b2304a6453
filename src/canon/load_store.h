// Values in linear memory (CanonicalABI.md, "Loading" and "Storing"): load
// lifts a value of a type from its bytes at a pointer, store lowers one
// there. Used for spilled arguments and results and for the contents of
// lists.
#pragma once

#include <cstdint>
#include <utility>

#include "canon/context.h"
#include "component/value.h"
#include "flint/result.h"

namespace flint::canon {

using component::ComponentValue;
using component::ValueType;

/// The value of `type` stored at `ptr` (the spec's load). The caller
/// checked alignment; bytes outside memory trap all the same.
Result<ComponentValue> load(CallContext& cx, const ValueType& type, uint32_t ptr);

/// Stores `value` (of `type`) at `ptr` (the spec's store), allocating
/// strings and lists through the context's realloc.
Status store(CallContext& cx, const ComponentValue& value, const ValueType& type, uint32_t ptr);

/// The list of `length` elements of `element` at `ptr` (the spec's
/// load_list_from_range): alignment and bounds trap.
Result<ComponentValue> load_list_from_range(CallContext& cx, const ValueType& element, uint32_t ptr,
                                            uint32_t length);

/// Stores the elements of `list` (a list value in either form) in memory
/// from realloc (the spec's store_list_into_range): the pointer and the
/// length.
Result<std::pair<uint32_t, uint32_t>> store_list_into_range(CallContext& cx,
                                                            const ComponentValue& list,
                                                            const ValueType& element);

}  // namespace flint::canon

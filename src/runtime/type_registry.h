// Canonical function type ids (spec 4.4.8 "call_indirect" compares function
// types structurally). Every FuncType is interned once per process, so a type
// check at run time is one integer comparison, across modules and stores.
#pragma once

#include <cstdint>

#include "flint/types.h"

namespace flint {

/// The process-wide id of a function type: equal ids iff equal types.
/// Thread-safe; ids are never reused.
uint32_t canonical_type_id(const FuncType& type);

}  // namespace flint

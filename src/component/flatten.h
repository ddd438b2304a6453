// Flattening for validation (component-model CanonicalABI.md,
// "Flattening"): the core signature a `canon lift` expects of its core
// function and a `canon lower` gives its core function, so the validator
// can check core functions against component function types.
//
// Only the synchronous ABI is covered; the runtime's own ABI lives in
// src/canon. Flattening stops counting past the limits (MAX_FLAT_PARAMS
// 16, MAX_FLAT_RESULTS 1) so deep or huge fixed-size lists cost nothing.
#pragma once

#include <vector>

#include "component/value_type.h"
#include "flint/types.h"

namespace flint::component {

/// MAX_FLAT_PARAMS and MAX_FLAT_RESULTS of CanonicalABI.md.
inline constexpr size_t kMaxFlatParams = 16;
inline constexpr size_t kMaxFlatResults = 1;

/// The flattened core types of `t`, or more than `limit` entries of
/// nonsense once it exceeds `limit` (the caller only compares the size).
std::vector<flint::ValType> flatten_value(const ValueType& t, size_t limit);

/// flatten_functype for `canon lift` (lift = true) or `canon lower`:
/// parameters beyond 16 flat values go through memory (one i32 pointer);
/// results beyond one flat value are returned through memory (lift: an i32
/// result; lower: an i32 out-pointer parameter, no results).
flint::FuncType flatten_function(const FunctionType& f, bool lift);

/// Whether a value of `t` lives (partly) in linear memory: strings, lists,
/// and the types that hold them. Such parameters and results need the
/// `memory` option (and `realloc` where the callee allocates).
bool uses_memory(const ValueType& t, int depth = 0);

}  // namespace flint::component

// Flattening (component-model CanonicalABI.md, "Flattening"): which core
// values carry a component value, and the core signature of a `canon lift`
// or `canon lower`. One implementation for the validator (it checks core
// functions against component function types) and the canonical ABI in
// src/canon (it lifts and lowers through these signatures).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "component/value_type.h"
#include "flint/types.h"

namespace flint::component {

/// More flat parameters than this go through memory (a pointer instead).
inline constexpr size_t kMaxFlatParams = 16;
/// More flat results than this come back through memory.
inline constexpr size_t kMaxFlatResults = 1;
/// An async `canon lower` passes at most this many flat parameters (more go
/// through memory); its results always do.
inline constexpr size_t kMaxFlatAsyncParams = 4;

/// The payload types of a variant, enum, option or result, one per case
/// (null: no payload), so that the four share one rule everywhere.
std::vector<const ValueType*> case_types(const ValueType& type);
/// The number of i32s a flags value of `labels` labels occupies flat.
uint32_t flags_i32_count(size_t labels);

/// The core value types that carry `type` flat (the spec's flatten_type):
/// a variant's cases share slots, joined i32/f32 -> i32, otherwise -> i64.
/// A fixed-size list stops being expanded a little past kMaxFlatParams
/// (whatever is that long goes through memory), so a `list<u8, 4000000000>`
/// costs nothing.
std::vector<flint::ValType> flatten_type(const ValueType& type);
/// The flat types of several values one after another.
std::vector<flint::ValType> flatten_types(const std::vector<const ValueType*>& types);

/// flatten_type(type).size() without building the list (every call through
/// the canonical ABI asks it, on the hot path of host calls).
size_t flat_count(const ValueType& type);
/// The flat count of all of `type`'s parameters.
size_t params_flat_count(const FunctionType& type);

/// Which side of a call a core signature is for: `canon lift` (the core
/// function returns a pointer to spilled results) or `canon lower` (the core
/// caller passes a pointer to receive them, as an extra last parameter).
enum class FlattenContext : uint8_t { Lift, Lower };

/// A core function signature.
struct CoreSignature {
  std::vector<flint::ValType> params, results;
};

/// The `async` and `callback` canon options, which change the core
/// signature of a lift or lower.
struct AsyncAbi {
  bool async = false;
  bool callback = false;  ///< lift only: the core function returns a code
};

/// The core signature of a component function (the spec's
/// flatten_functype). Synchronous: more than kMaxFlatParams parameters
/// become one i32 pointer; more than kMaxFlatResults results become an i32
/// result (Lift) or an i32 parameter (Lower). Async lift: the same
/// parameters, results handed over by `task.return`, so no core result (or
/// the callback code, an i32). Async lower: more than kMaxFlatAsyncParams
/// parameters become a pointer, any result gets a pointer parameter, and
/// the one i32 result is the subtask's state.
CoreSignature flatten_function(const FunctionType& type, FlattenContext context, AsyncAbi abi = {});

/// Whether a value of `t` lives (partly) in linear memory: strings, lists,
/// and the types that hold them. Such parameters and results need the
/// `memory` option (and `realloc` where the callee allocates).
bool uses_memory(const ValueType& t, int depth = 0);

}  // namespace flint::component

// The canonical ABI's memory layout and flattening (component-model
// CanonicalABI.md, "Alignment", "Element Size", "Flattening"): where a value
// of a type sits in linear memory and which core values carry it flat.
#pragma once

#include <cstdint>
#include <vector>

#include "component/value_type.h"
#include "flint/types.h"

namespace flint::canon {

using component::FunctionType;
using component::ValueType;

/// More flat parameters than this go through memory (a pointer instead).
inline constexpr size_t kMaxFlatParams = 16;
/// More flat results than this come back through memory.
inline constexpr size_t kMaxFlatResults = 1;
/// The `latin1+utf16` length's tag bit: set when the string is UTF-16.
inline constexpr uint32_t kUtf16Tag = 1u << 31;
/// The longest string in bytes the ABI lowers (traps beyond it).
inline constexpr uint32_t kMaxStringByteLength = (1u << 31) - 1;

/// The payload types of a variant, enum, option or result, one per case
/// (null: no payload), so that the four share one rule everywhere.
std::vector<const ValueType*> case_types(const ValueType& type);
/// The entry type of a map: it is lifted and lowered as list<tuple<k, v>>.
ValueType map_entry(const ValueType& type);

/// The alignment of `type` in linear memory (1, 2, 4 or 8).
uint32_t alignment_of(const ValueType& type);
/// The size of `type` in linear memory, padded to its alignment (the
/// spec's elem_size). Saturates at UINT32_MAX for absurd fixed-size lists,
/// which no memory can hold anyway.
uint32_t size_of(const ValueType& type);
/// The bytes of a variant's discriminant for `cases` cases (1, 2 or 4).
uint32_t discriminant_size(size_t cases);
/// The number of i32s a flags value of `labels` labels occupies flat.
uint32_t flags_i32_count(size_t labels);
/// `n` rounded up to a multiple of `align` (a power of two), in 64 bits so
/// that pointer arithmetic cannot wrap.
inline uint64_t align_to(uint64_t n, uint32_t align) {
  return (n + align - 1) & ~uint64_t(align - 1);
}

/// The core value types that carry `type` flat (the spec's flatten_type):
/// a variant's cases share slots, joined i32/f32 -> i32, otherwise -> i64.
std::vector<ValType> flatten_type(const ValueType& type);
/// The flat types of several values one after another.
std::vector<ValType> flatten_types(const std::vector<const ValueType*>& types);

/// Which side of a call a core signature is for: `canon lift` (the core
/// function returns a pointer to spilled results) or `canon lower` (the core
/// caller passes a pointer to receive them, as an extra last parameter).
enum class FlattenContext : uint8_t { Lift, Lower };

/// A core function signature.
struct CoreSignature {
  std::vector<ValType> params, results;
};

/// The core signature of a component function (the spec's
/// flatten_functype): more than kMaxFlatParams parameters become one i32
/// pointer; more than kMaxFlatResults results become an i32 result (Lift)
/// or an i32 parameter (Lower).
CoreSignature flatten_function(const FunctionType& type, FlattenContext context);

/// The parameters of `type` as a tuple's fields (the spilled argument
/// block is laid out as that tuple).
ValueType params_tuple(const FunctionType& type);

}  // namespace flint::canon

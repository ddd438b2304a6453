// The canonical ABI's memory layout and flattening (component-model
// CanonicalABI.md, "Alignment", "Element Size", "Flattening"): where a value
// of a type sits in linear memory and which core values carry it flat.
#pragma once

#include <cstdint>
#include <vector>

#include "component/flatten.h"
#include "component/value_type.h"
#include "flint/types.h"

namespace flint::canon {

using component::FunctionType;
using component::ValueType;

// Flattening is component/flatten.h's, shared with the validator.
using component::case_types;
using component::CoreSignature;
using component::flags_i32_count;
using component::flatten_function;
using component::flatten_type;
using component::flatten_types;
using component::FlattenContext;
using component::kMaxFlatAsyncParams;
using component::kMaxFlatParams;
using component::kMaxFlatResults;
/// The `latin1+utf16` length's tag bit: set when the string is UTF-16.
inline constexpr uint32_t kUtf16Tag = 1u << 31;
/// The longest string in bytes the ABI lowers (traps beyond it).
inline constexpr uint32_t kMaxStringByteLength = (1u << 31) - 1;

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
/// `n` rounded up to a multiple of `align` (a power of two), in 64 bits so
/// that pointer arithmetic cannot wrap.
inline uint64_t align_to(uint64_t n, uint32_t align) {
  return (n + align - 1) & ~uint64_t(align - 1);
}

/// The parameters of `type` as a tuple's fields (the spilled argument
/// block is laid out as that tuple).
ValueType params_tuple(const FunctionType& type);

}  // namespace flint::canon

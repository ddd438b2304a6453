// Component-model values as the reference scripts write them in actions and
// expected results: `(u32.const 7)`, `(str.const "hi")`,
// `(record.const (field "n" u32.const 7))`, `(variant.const "c" v?)`, ...
//
// The script does not know the type of the function it calls, so a literal
// is a labelled tree, not a typed value: labels (fields, cases, enum and
// flag names) stay strings and the runner converts a literal with the
// function's type when it calls it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flint::wast {

struct ComponentLiteral {
  enum class Kind : uint8_t {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List,     ///< children: the elements
    Record,   ///< children: Field literals, in order
    Field,    ///< label: the field name; children[0]: its value
    Tuple,    ///< children: the elements
    Variant,  ///< label: the case; children: its payload, if any
    Enum,     ///< label: the case
    Flags,    ///< flags: the names of the set flags
    OptionNone,
    OptionSome,  ///< children[0]: the payload
    ResultOk,    ///< children: the payload, if any
    ResultErr,   ///< children: the payload, if any
  };
  /// How an expected float matches (assert_return only).
  enum class Nan : uint8_t { None, Canonical, Arithmetic };

  Kind kind = Kind::Bool;
  /// Bool (0/1), integers (two's complement, zero-extended to 64 bits), Char
  /// (the code point), F32/F64 (the bits).
  uint64_t scalar = 0;
  Nan nan = Nan::None;
  /// String: the UTF-8 text; Field, Variant, Enum: the label.
  std::string label;
  std::vector<std::string> flags;
  std::vector<ComponentLiteral> children;
};

}  // namespace flint::wast

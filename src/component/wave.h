// WAVE, the WebAssembly Value Encoding (the wasm-wave crate; what
// `wasmtime run --invoke 'f(1, "x")'` reads and prints): component values
// as text, read and written against a type.
//
//   bool true, false         integers 123, -9      floats 3.14, nan, -inf
//   char 'x', '\u{1F600}'    string "a\tb"         list [1, 2]
//   tuple ("a", 1)           record {a: 1, b: 2}   variant/enum case, case(1)
//   option some(1), none, or the payload alone ("flat some")
//   result ok, ok(1), err("e"), or the ok payload alone ("flat ok")
//   flags {read, write}, {}
//
// Labels that are WAVE keywords (true, none, ok, ...) are written with a
// leading `%`; a record's option fields may be left out (none).
#pragma once

#include <string>
#include <string_view>

#include "component/value.h"
#include "flint/result.h"

namespace flint::component {

/// `value` (of `type`) as WAVE text. Resource handles have no WAVE form and
/// come out as `#own<rep>` / `#borrow<rep>`, for messages only.
std::string to_wave(const ComponentValue& value, const ValueType& type);

/// The value of `type` that `text` spells (Parse-phase errors with the byte
/// offset of the problem).
Result<ComponentValue> parse_wave(std::string_view text, const ValueType& type);

}  // namespace flint::component

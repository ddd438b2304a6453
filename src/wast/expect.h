// Matching actual results against a script's expectations (assert_return),
// following the spec interpreter's rules for NaN classes and references.
#pragma once

#include <span>
#include <string>

#include "flint/value.h"
#include "wast/script.h"

namespace flint::wast {

/// Whether one actual value satisfies one expectation.
bool matches(const Expected& expected, const Value& actual);

/// Text for reports: "i32:42", "f32:nan:0x7fc00000", "funcref:null", ...
std::string describe(const Value& v);
std::string describe(const Expected& e);

}  // namespace flint::wast

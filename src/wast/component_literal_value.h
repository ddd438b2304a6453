// Turning a script's component literals into component values of a known
// type: the script writes labels, the function's type gives their order.
#pragma once

#include "component/value.h"
#include "flint/result.h"
#include "wast/component_literal.h"

namespace flint::wast {

/// The value `literal` denotes as a value of `type` (field, case, enum and
/// flag labels looked up in the type). A literal of another shape than the
/// type is a Usage error naming both.
Result<component::ComponentValue> literal_to_value(const ComponentLiteral& literal,
                                                   const component::ValueType& type);

}  // namespace flint::wast

// Values as core values (CanonicalABI.md, "Flat Lifting" and "Flat
// Lowering"): lift_flat reads a value of a type from a sequence of core
// values, lower_flat appends a value's core values.
#pragma once

#include <span>
#include <vector>

#include "canon/context.h"
#include "component/value.h"
#include "flint/result.h"
#include "flint/value.h"

namespace flint::canon {

using component::ComponentValue;
using component::ValueType;

/// A cursor over core values (the spec's CoreValueIter).
class FlatReader {
 public:
  explicit FlatReader(std::span<const Value> values) : values_(values) {}
  /// The next value, which must be of type `want`.
  Result<Value> next(ValType want);
  /// How many values have been read.
  size_t consumed() const { return pos_; }

 private:
  std::span<const Value> values_;
  size_t pos_ = 0;
};

/// Reads a value of `type` from `in` (the spec's lift_flat).
Result<ComponentValue> lift_flat(CallContext& cx, const ValueType& type, FlatReader& in);

/// Appends the core values of `value` (of `type`) to `out` (the spec's
/// lower_flat).
Status lower_flat(CallContext& cx, const ComponentValue& value, const ValueType& type,
                  std::vector<Value>& out);

}  // namespace flint::canon

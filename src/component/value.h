// Component values: what crosses a component function boundary once lifted
// (component-model Explainer.md, "Value Types"), independent of any linear
// memory. The canonical ABI lifts core values into these and lowers them
// back; the host, the WAST runner and `flint run --invoke` build and read
// them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "component/value_type.h"

namespace flint::component {

/// A resource handle as a value: the resource type and the representation
/// its implementer gave it. Own and borrow values look alike once lifted;
/// the handle tables of the instances on either side hold the bookkeeping.
struct HandleValue {
  ResourceTypePtr resource;
  uint32_t rep = 0;
};

/// A stream, future or error-context passed between instances: the state
/// behind the end or context (component_runtime/streams.h, task.h), opaque
/// here. Passing one moves it from the sender's table to the receiver's.
struct SharedValue {
  std::shared_ptr<void> object;
};

/// A component value. `kind` says which alternative of `payload` holds it:
/// - Bool: bool; S8..S64: int64_t; U8..U64: uint64_t;
/// - F32: float, F64: double (NaNs canonical once lifted);
/// - Char: char32_t (a Unicode scalar value); String: std::string (UTF-8);
/// - List, Record, Tuple, Map (as tuples of two): `std::vector<ComponentValue>`
///   (record fields in declaration order);
/// - Variant, Enum, Option, Result: `Case` (Option: 0 none, 1 some;
///   Result: 0 ok, 1 error; Enum: no payload);
/// - Flags: `std::vector<bool>`, one per label in declaration order;
/// - Own, Borrow: HandleValue;
/// - Stream, Future, ErrorContext: SharedValue;
/// - List of u8, also `std::vector<uint8_t>` (byte_list): what lifting a
///   `list<u8>` makes, so a large byte list is one allocation rather than a
///   value per byte. Both forms of the same bytes are equal values.
struct ComponentValue {
  /// A case of a variant, enum, option or result, and its payload if any.
  struct Case {
    uint32_t index = 0;
    std::shared_ptr<const ComponentValue> payload;  ///< null: none
  };

  TypeKind kind = TypeKind::Bool;
  std::variant<bool, int64_t, uint64_t, float, double, char32_t, std::string,
               std::vector<ComponentValue>, Case, std::vector<bool>, HandleValue,
               std::vector<uint8_t>, SharedValue>
      payload;

  static ComponentValue boolean(bool b) { return {TypeKind::Bool, b}; }
  static ComponentValue signed_int(TypeKind k, int64_t v) { return {k, v}; }
  static ComponentValue unsigned_int(TypeKind k, uint64_t v) { return {k, v}; }
  static ComponentValue f32(float v) { return {TypeKind::F32, v}; }
  static ComponentValue f64(double v) { return {TypeKind::F64, v}; }
  static ComponentValue character(char32_t c) { return {TypeKind::Char, c}; }
  static ComponentValue string(std::string s) { return {TypeKind::String, std::move(s)}; }
  /// List, Record, Tuple, Map.
  static ComponentValue sequence(TypeKind k, std::vector<ComponentValue> items) {
    return {k, std::move(items)};
  }
  /// A list<u8> in byte form.
  static ComponentValue byte_list(std::vector<uint8_t> bytes) {
    return {TypeKind::List, std::move(bytes)};
  }
  /// Variant, Enum, Option, Result.
  static ComponentValue case_of(TypeKind k, uint32_t index, std::optional<ComponentValue> payload);
  static ComponentValue flags(std::vector<bool> set) { return {TypeKind::Flags, std::move(set)}; }
  static ComponentValue handle(TypeKind k, ResourceTypePtr r, uint32_t rep) {
    return {k, HandleValue{std::move(r), rep}};
  }

  bool as_bool() const { return std::get<bool>(payload); }
  int64_t as_signed() const { return std::get<int64_t>(payload); }
  uint64_t as_unsigned() const { return std::get<uint64_t>(payload); }
  float as_f32() const { return std::get<float>(payload); }
  double as_f64() const { return std::get<double>(payload); }
  char32_t as_char() const { return std::get<char32_t>(payload); }
  const std::string& as_string() const { return std::get<std::string>(payload); }
  /// The elements of a list (not in byte form), record, tuple or map.
  const std::vector<ComponentValue>& items() const {
    return std::get<std::vector<ComponentValue>>(payload);
  }
  /// A list<u8>'s bytes when it is in byte form; null otherwise.
  const std::vector<uint8_t>* byte_items() const {
    return std::get_if<std::vector<uint8_t>>(&payload);
  }
  const Case& as_case() const { return std::get<Case>(payload); }
  const std::vector<bool>& as_flags() const { return std::get<std::vector<bool>>(payload); }
  const HandleValue& as_handle() const { return std::get<HandleValue>(payload); }
};

/// The elements of a list in either form (byte form expanded to u8
/// values): for the few consumers that want values, not bytes.
std::vector<ComponentValue> list_items(const ComponentValue& list);

/// Whether two values are equal: floats by value, except that NaN equals
/// NaN (lifted NaNs are canonical); handles by resource identity and rep.
bool equal(const ComponentValue& a, const ComponentValue& b);

/// Whether `value` is a value of `type` (kinds match all the way down,
/// case indices and flag counts in range, handles of the right resource).
bool has_type(const ComponentValue& value, const ValueType& type);

}  // namespace flint::component

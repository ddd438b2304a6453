// Runtime values crossing the embedding API (spec 4.2.1 "Values").
#pragma once

#include <cstdint>
#include <cstring>

#include "flint/types.h"

namespace flint {

/// A 128-bit vector as 16 little-endian bytes.
struct V128 {
  uint8_t bytes[16] = {};
  bool operator==(const V128& o) const { return std::memcmp(bytes, o.bytes, 16) == 0; }
};

/// A typed value. Floats are kept as bit patterns so NaN payloads survive.
/// References are opaque pointers, nullptr being the null reference: a
/// funcref points at a runtime function, an externref at whatever the host
/// chose to pass in.
struct Value {
  ValType type = ValType::I32;  ///< which member of the union holds the value
  union {
    uint32_t i32;
    uint64_t i64;
    uint32_t f32_bits;
    uint64_t f64_bits;
    V128 v128;
    void* ref;
  };

  Value() : v128{} {}  ///< i32 0
  // Constructors by type; floats from their bits or their value.
  static Value i32_(uint32_t v) {
    Value x;
    x.type = ValType::I32;
    x.i32 = v;
    return x;
  }
  static Value i64_(uint64_t v) {
    Value x;
    x.type = ValType::I64;
    x.i64 = v;
    return x;
  }
  static Value f32_bits_(uint32_t v) {
    Value x;
    x.type = ValType::F32;
    x.f32_bits = v;
    return x;
  }
  static Value f64_bits_(uint64_t v) {
    Value x;
    x.type = ValType::F64;
    x.f64_bits = v;
    return x;
  }
  static Value f32_(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return f32_bits_(b);
  }
  static Value f64_(double f) {
    uint64_t b;
    std::memcpy(&b, &f, 8);
    return f64_bits_(b);
  }
  static Value v128_(V128 v) {
    Value x;
    x.type = ValType::V128;
    x.v128 = v;
    return x;
  }
  static Value ref_(ValType t, void* r) {
    Value x;
    x.type = t;
    x.ref = r;
    return x;
  }
  static Value null_(ValType t) { return ref_(t, nullptr); }
  /// The zero value of a type (spec: default values of locals and tables).
  static Value zero(ValType t) {
    Value x;
    x.type = t;
    return x;
  }

  /// The float an f32 or f64 value holds.
  float as_f32() const {
    float f;
    std::memcpy(&f, &f32_bits, 4);
    return f;
  }
  double as_f64() const {
    double f;
    std::memcpy(&f, &f64_bits, 8);
    return f;
  }
};

}  // namespace flint

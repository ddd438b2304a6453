// Test doubles for the canonical ABI's unit tests: a linear memory backed by
// a byte vector with a bump-allocating realloc that records its calls, and a
// harness bundling it with a handle table and a call scope.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "canon/context.h"
#include "canon/layout.h"
#include "component/value.h"

namespace flint::canon::testing {

using component::ComponentValue;
using component::TypeKind;
using component::ValueType;
using component::ValueTypePtr;

/// One realloc call as the ABI made it.
struct ReallocCall {
  uint32_t old_ptr, old_size, align, new_size;
  bool operator==(const ReallocCall&) const = default;
};

/// Linear memory over a std::vector; realloc bumps a pointer (copying the
/// old block, as a real allocator would) unless told to answer `forced`.
class VectorMemory : public GuestMemory {
 public:
  explicit VectorMemory(size_t size = 65536) : bytes_(size) {}
  std::span<uint8_t> bytes() override { return bytes_; }
  Result<uint32_t> realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                           uint32_t new_size) override {
    calls.push_back({old_ptr, old_size, align, new_size});
    if (forced) return *forced;
    uint64_t p = align_to(next, align);
    if (p + new_size > bytes_.size()) return make_error(ErrorCode::OutOfMemory);
    for (uint32_t i = 0; i < old_size && i < new_size; ++i) bytes_[p + i] = bytes_[old_ptr + i];
    next = uint32_t(p + new_size);
    return uint32_t(p);
  }
  bool has_realloc() const override { return realloc_enabled; }

  std::vector<ReallocCall> calls;
  std::optional<uint32_t> forced;  ///< answer every realloc with this
  bool realloc_enabled = true;
  uint32_t next = 1024;  ///< the bump pointer; below it is the test's own scratch

 private:
  std::vector<uint8_t> bytes_;
};

/// One side of a call: memory, handle table, scope and the context over them.
struct Side {
  explicit Side(StringEncoding e = StringEncoding::Utf8, size_t memory_size = 65536)
      : memory(memory_size) {
    cx.encoding = e;
    cx.memory = &memory;
    cx.handles = &handles;
    cx.scope = &scope;
    cx.instance = this;
  }
  Side(const Side&) = delete;

  void put_u32(uint32_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) memory.bytes()[at + i] = uint8_t(v >> (8 * i));
  }
  void put_bytes(uint32_t at, std::initializer_list<uint8_t> b) {
    for (uint8_t x : b) memory.bytes()[at++] = x;
  }
  void put_bytes(uint32_t at, const std::vector<uint8_t>& b) {
    for (uint8_t x : b) memory.bytes()[at++] = x;
  }
  uint32_t get_u32(uint32_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(memory.bytes()[at + i]) << (8 * i);
    return v;
  }

  VectorMemory memory;
  HandleTable handles;
  CallScope scope;
  CallContext cx;
};

inline ValueTypePtr P(TypeKind k) { return ValueType::primitive(k); }

}  // namespace flint::canon::testing

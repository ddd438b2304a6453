// Checked access to a guest's linear memory from WASI host functions.
//
// Every pointer and length a guest passes is untrusted. The witx docs
// ("Pointers", legacy/tools/witx-docs.md) say an out-of-bounds or misaligned
// pointer makes the function trap, and Wasmtime does exactly that, so these
// accessors return a Trap error rather than an errno. Memory may grow (and
// move) between calls, so a GuestMemory is made afresh inside every call and
// must not be kept across a call back into wasm.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::wasi {

class GuestMemory {
 public:
  explicit GuestMemory(std::span<uint8_t> bytes) : bytes_(bytes) {}

  uint64_t size() const { return bytes_.size(); }

  /// The `len` bytes at `ptr`, or a trap when they are not all inside memory.
  Result<std::span<uint8_t>> slice(uint32_t ptr, uint64_t len) const;
  /// The same, for a typed value: also traps when `ptr` is not a multiple of `align`.
  Result<std::span<uint8_t>> slice_aligned(uint32_t ptr, uint64_t len, uint32_t align) const;

  /// Reads a little-endian integer (wasm memory is little-endian; so are the
  /// hosts Flint supports, which the static_assert in guest_memory.cc checks).
  template <class T>
  Result<T> load(uint32_t ptr) const {
    FLINT_ASSIGN(auto s, slice_aligned(ptr, sizeof(T), alignof(T)));
    T v;
    std::memcpy(&v, s.data(), sizeof(T));
    return v;
  }
  template <class T>
  Status store(uint32_t ptr, T v) const {
    FLINT_ASSIGN(auto s, slice_aligned(ptr, sizeof(T), alignof(T)));
    std::memcpy(s.data(), &v, sizeof(T));
    return {};
  }

  /// A field of a record already bounds-checked as a whole: `record` must
  /// come from slice_aligned, `offset + sizeof(T)` lie inside it.
  template <class T>
  static void put(std::span<uint8_t> record, uint32_t offset, T v) {
    std::memcpy(record.data() + offset, &v, sizeof(T));
  }
  template <class T>
  static T get(std::span<const uint8_t> record, uint32_t offset) {
    T v;
    std::memcpy(&v, record.data() + offset, sizeof(T));
    return v;
  }

  /// A path or other string argument: bytes at ptr..ptr+len. WASI strings
  /// are UTF-8; an invalid one is EILSEQ, which the caller decides (so this
  /// only checks bounds).
  Result<std::string_view> string(uint32_t ptr, uint32_t len) const;

 private:
  std::span<uint8_t> bytes_;
};

/// One buffer of an iovec array, already bounds-checked.
using IoSlice = std::span<uint8_t>;

/// Reads an array of `count` iovecs at `iovs` (each {buf, buf_len}) and
/// checks every buffer against memory; traps on any bad pointer.
Result<std::vector<IoSlice>> load_iovecs(const GuestMemory& memory, uint32_t iovs, uint32_t count);

/// True when `s` is valid UTF-8 (witx strings must be).
bool is_valid_utf8(std::string_view s);

}  // namespace flint::wasi

// Appends binary-format values (spec 5.2 "Values") to a byte vector: the
// text path's encoder writes every section with it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "binary/leb128_writer.h"

namespace flint::text {

class ByteWriter {
 public:
  void u8(uint8_t b) { bytes_.push_back(b); }

  /// Unsigned LEB128 (spec 5.2.2), shortest form.
  void u32(uint64_t v) { binary::append_unsigned_leb(bytes_, v); }

  /// Signed LEB128, shortest form (s32, s33 block types and s64 alike).
  void s64(int64_t v) { binary::append_signed_leb(bytes_, v); }

  /// Little-endian fixed-width bits (floats, v128 lanes).
  void fixed(uint64_t bits, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }

  void raw(const std::vector<uint8_t>& b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }
  void raw(std::string_view b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }

  /// A name or byte vector: length then bytes (spec 5.2.4).
  void name(std::string_view s) {
    u32(s.size());
    raw(s);
  }

  /// A nested vector whose byte size comes first (sections, code bodies).
  void sized(const ByteWriter& inner) {
    u32(inner.bytes_.size());
    raw(inner.bytes_);
  }

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace flint::text

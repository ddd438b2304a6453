// Reading the primitive values of the binary format (spec 5.1 "Conventions",
// 5.2 "Values"): bytes, LEB128 integers, IEEE floats, vectors and names.
//
// One reader walks the whole module, like the reference interpreter's stream:
// section and function sizes are checked after their contents are decoded
// ("section size mismatch"), so a body that overruns its declared size is
// reported the way the spec test suite expects. Every read is bounded by the
// end of the module's bytes, so no read can leave the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "flint/result.h"
#include "flint/types.h"

namespace flint::binary {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes, Features features = {})
      : bytes_(bytes), features_(features) {}

  /// A reader of the bytes from here up to `end` (an offset of this reader,
  /// at most size()); its offsets stay those of the whole module.
  Reader bounded(size_t end) const {
    return Reader(bytes_.first(end), pos_, end_error_, features_);
  }

  /// The proposals the bytes are read under: they decide what a memarg's
  /// bit 6, a reserved byte after memory.size or a limits flag 0x03 mean,
  /// so the grammar itself depends on them.
  const Features& features() const { return features_; }

  size_t offset() const { return pos_; }
  size_t size() const { return bytes_.size(); }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  /// The error reported when a read runs past the end of the bytes. The
  /// module header, section headers and custom sections (opaque bytes read
  /// within their size) report "unexpected end"; the contents of the other
  /// sections and function bodies "unexpected end of section or function",
  /// the reference interpreter's words for any read past the end.
  void set_end_error(ErrorCode code) { end_error_ = code; }
  ErrorCode end_error() const { return end_error_; }

  /// The next byte without consuming it; only valid when !at_end().
  uint8_t peek() const { return bytes_[pos_]; }

  Result<uint8_t> u8();
  /// Consumes `n` raw bytes.
  Result<std::span<const uint8_t>> take(size_t n);
  /// Fixed-width little-endian words (the bit patterns of f32 and f64).
  Result<uint32_t> fixed_u32();
  Result<uint64_t> fixed_u64();

  // LEB128 (spec 5.2.2). A value may use at most ceil(N/7) bytes ("integer
  // representation too long"); the unused bits of the last byte must be zero
  // (unsigned) or copies of the sign bit (signed) ("integer too large").
  Result<uint32_t> u32();
  Result<uint64_t> u64();
  Result<int32_t> s32();
  Result<int64_t> s33();
  Result<int64_t> s64();
  /// An unsigned LEB128 of at most `bits` significant bits (1..64).
  Result<uint64_t> unsigned_leb(unsigned bits);
  /// A signed LEB128 of at most `bits` significant bits (1..64).
  Result<int64_t> signed_leb(unsigned bits);

  /// A u32 byte length that must not exceed the bytes left ("length out of
  /// bounds"): the size of a section or function body, or of a name. (Like
  /// the reference interpreter, the byte length of a data segment and the
  /// element count of a vector are plain u32s: reading past the end reports
  /// "unexpected end" instead.)
  Result<uint32_t> length();
  /// The element count of a vector. Not bounded here, so callers must not
  /// reserve memory from it; every element takes at least one byte, so a
  /// loop over a hostile count stops at the end of the input.
  Result<uint32_t> count() { return u32(); }
  /// A name (spec 5.2.4): a length-prefixed UTF-8 string ("malformed UTF-8 encoding").
  Result<std::string> name();
  /// A reserved byte that must be 0x00 ("zero byte expected").
  Status zero_byte();

  Error error(ErrorCode code, std::string detail = {}) const {
    return error_at(code, pos_, std::move(detail));
  }
  Error end_of_input() const { return error_at(end_error_, pos_); }

 private:
  Reader(std::span<const uint8_t> bytes, size_t pos, ErrorCode end_error, Features features)
      : bytes_(bytes), pos_(pos), end_error_(end_error), features_(features) {}

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  ErrorCode end_error_ = ErrorCode::UnexpectedEnd;
  Features features_;
};

/// vec(B) (5.1.3): an element count, then `each(i)` for every element.
template <class Each>
Status read_vector(Reader& r, Each&& each) {
  FLINT_ASSIGN(uint32_t n, r.count());
  for (uint32_t i = 0; i < n; ++i) FLINT_TRY(each(i));
  return {};
}

}  // namespace flint::binary

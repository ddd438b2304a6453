#include "binary/reader.h"

#include "binary/utf8.h"

namespace flint::binary {

Result<uint8_t> Reader::u8() {
  if (pos_ >= bytes_.size()) return end_of_input();
  return bytes_[pos_++];
}

Result<std::span<const uint8_t>> Reader::take(size_t n) {
  if (n > remaining()) return end_of_input();
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<uint32_t> Reader::fixed_u32() {
  FLINT_ASSIGN(auto b, take(4));
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

Result<uint64_t> Reader::fixed_u64() {
  FLINT_ASSIGN(uint64_t lo, fixed_u32());
  FLINT_ASSIGN(uint64_t hi, fixed_u32());
  return lo | hi << 32;
}

// The checks follow the reference interpreter's vuN/vsN so that the error
// (and its offset) is the one the test suite expects: a byte is allowed only
// while significant bits remain ("too long" at the byte that would exceed
// them), and the byte holding the last significant bits may not set any bit
// above them ("too large" at that byte).
Result<uint64_t> Reader::unsigned_leb(unsigned bits) {
  uint64_t result = 0;
  unsigned shift = 0;
  int left = int(bits);
  while (true) {
    if (left <= 0) return error(ErrorCode::IntegerRepresentationTooLong);
    FLINT_ASSIGN(uint8_t b, u8());
    const uint64_t payload = b & 0x7F;
    if (left < 7 && payload >= (uint64_t{1} << left))
      return error_at(ErrorCode::IntegerTooLarge, pos_ - 1);
    result |= payload << shift;
    if ((b & 0x80) == 0) return result;
    shift += 7;
    left -= 7;
  }
}

Result<int64_t> Reader::signed_leb(unsigned bits) {
  uint64_t result = 0;
  unsigned shift = 0;
  int left = int(bits);
  while (true) {
    if (left <= 0) return error(ErrorCode::IntegerRepresentationTooLong);
    FLINT_ASSIGN(uint8_t b, u8());
    if (left < 7) {
      // The unused bits and the sign bit of the last byte must all agree.
      const uint8_t mask = uint8_t(0xFF << (left - 1)) & 0x7F;
      if ((b & mask) != 0 && (b & mask) != mask)
        return error_at(ErrorCode::IntegerTooLarge, pos_ - 1);
    }
    result |= uint64_t(b & 0x7F) << shift;
    shift += 7;
    if ((b & 0x80) == 0) {
      if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
      return static_cast<int64_t>(result);
    }
    left -= 7;
  }
}

Result<uint32_t> Reader::u32() {
  FLINT_ASSIGN(uint64_t v, unsigned_leb(32));
  return static_cast<uint32_t>(v);
}
Result<uint64_t> Reader::u64() { return unsigned_leb(64); }
Result<int32_t> Reader::s32() {
  FLINT_ASSIGN(int64_t v, signed_leb(32));
  return static_cast<int32_t>(v);
}
Result<int64_t> Reader::s33() { return signed_leb(33); }
Result<int64_t> Reader::s64() { return signed_leb(64); }

Result<uint32_t> Reader::length() {
  const size_t at = pos_;
  FLINT_ASSIGN(uint32_t n, u32());
  if (n > remaining()) return error_at(ErrorCode::LengthOutOfBounds, at);
  return n;
}

Result<std::string> Reader::name() {
  const size_t at = pos_;
  FLINT_ASSIGN(uint32_t n, length());
  FLINT_ASSIGN(auto b, take(n));
  if (!is_valid_utf8(b)) return error_at(ErrorCode::MalformedUtf8, at);
  return std::string(b.begin(), b.end());
}

Status Reader::zero_byte() {
  FLINT_ASSIGN(uint8_t b, u8());
  if (b != 0) return error_at(ErrorCode::ZeroByteExpected, pos_ - 1);
  return {};
}

}  // namespace flint::binary

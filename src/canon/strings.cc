// Strings: validation, decoding and transcoding by hand (no locale or
// codecvt: their error handling is not the spec's).
#include "canon/strings.h"

#include <vector>

#include "canon/access.h"
#include "canon/layout.h"

namespace flint::canon {

namespace {

Error utf8_error(ErrorCode code, size_t at) {
  return abi_trap(code, "at byte " + std::to_string(at));
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

// The scalar values of valid UTF-8 (validate first).
std::vector<char32_t> decode_valid_utf8(std::span<const uint8_t> s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    uint8_t b = s[i];
    size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
    for (size_t k = 1; k < n; ++k) c = (c << 6) | (s[i + k] & 0x3F);
    out.push_back(c);
    i += n;
  }
  return out;
}

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void encode_utf16(const std::vector<char32_t>& chars, uint8_t* out) {
  size_t j = 0;
  for (char32_t c : chars) {
    if (c >= 0x10000) {
      c -= 0x10000;
      write_le(out + j, 0xD800 | (c >> 10), 2);
      write_le(out + j + 2, 0xDC00 | (c & 0x3FF), 2);
      j += 4;
    } else {
      write_le(out + j, c, 2);
      j += 2;
    }
  }
}

size_t utf16_bytes(const std::vector<char32_t>& chars) {
  size_t n = 0;
  for (char32_t c : chars) n += c >= 0x10000 ? 4 : 2;
  return n;
}

Result<std::string> decode_utf16(std::span<const uint8_t> bytes) {
  std::string out;
  size_t units = bytes.size() / 2;
  for (size_t i = 0; i < units; ++i) {
    char32_t u = char32_t(read_le(&bytes[2 * i], 2));
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      char32_t lo = char32_t(read_le(&bytes[2 * i + 2], 2));
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF)
      return abi_trap(ErrorCode::InvalidUtf16, "lone surrogate at code unit " + std::to_string(i));
    append_utf8(out, u);
  }
  return out;
}

}  // namespace

Status validate_utf8(std::span<const uint8_t> s) {
  for (size_t i = 0; i < s.size();) {
    uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF;  // the second byte's range (RFC 3629's table)
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0) lo = 0xA0;  // no overlong forms
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;  // nothing beyond U+10FFFF
    } else {
      return utf8_error(ErrorCode::InvalidUtf8, i);
    }
    for (size_t k = 1; k < n; ++k) {
      if (i + k >= s.size()) return utf8_error(ErrorCode::IncompleteUtf8, i);
      uint8_t c = s[i + k];
      uint8_t l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (c < l || c > h) return utf8_error(ErrorCode::InvalidUtf8, i);
    }
    i += n;
  }
  return {};
}

Result<std::string> load_string_from_range(CallContext& cx, uint32_t ptr, uint32_t tagged) {
  enum { Utf8, Utf16, Latin1 } form = Utf8;
  uint32_t alignment = 1;
  uint64_t byte_length = tagged;
  switch (cx.encoding) {
    case StringEncoding::Utf8: break;
    case StringEncoding::Utf16:
      alignment = 2;
      byte_length = 2 * uint64_t(tagged);
      form = Utf16;
      break;
    case StringEncoding::Latin1Utf16:
      alignment = 2;
      if (tagged & kUtf16Tag) {
        byte_length = 2 * uint64_t(tagged ^ kUtf16Tag);
        form = Utf16;
      } else {
        form = Latin1;
      }
      break;
  }
  FLINT_TRY(check_aligned(ptr, alignment));
  auto oob = cx.fused ? ErrorCode::StringContentOutOfBounds : ErrorCode::StringOutOfBounds;
  FLINT_ASSIGN(std::span<uint8_t> bytes, memory_range(cx, ptr, byte_length, oob));
  switch (form) {
    case Utf8: FLINT_TRY(validate_utf8(bytes)); return std::string(bytes.begin(), bytes.end());
    case Utf16: return decode_utf16(bytes);
    case Latin1: {
      std::string out;
      out.reserve(bytes.size());
      for (uint8_t b : bytes) append_utf8(out, b);
      return out;
    }
  }
  return std::string();
}

Result<std::pair<uint32_t, uint32_t>> store_string_into_range(CallContext& cx,
                                                              const std::string& v) {
  FLINT_TRY(validate_utf8(as_bytes(v)));
  const auto oob = ErrorCode::StringContentOutOfBounds;
  if (v.size() > kMaxStringByteLength) return abi_trap(ErrorCode::StringTooLong);
  const uint32_t src_units = uint32_t(v.size());
  switch (cx.encoding) {
    case StringEncoding::Utf8: {
      FLINT_ASSIGN(uint32_t ptr, checked_realloc(cx, 0, 0, 1, src_units, oob));
      std::copy(v.begin(), v.end(), cx.memory->bytes().begin() + ptr);
      return std::pair{ptr, src_units};
    }
    case StringEncoding::Utf16: {
      // Worst case: every UTF-8 byte becomes one UTF-16 unit.
      uint64_t worst = 2 * uint64_t(src_units);
      if (worst > kMaxStringByteLength) return abi_trap(ErrorCode::StringTooLong);
      FLINT_ASSIGN(uint32_t ptr, checked_realloc(cx, 0, 0, 2, uint32_t(worst), oob));
      auto chars = decode_valid_utf8(as_bytes(v));
      uint32_t used = uint32_t(utf16_bytes(chars));
      encode_utf16(chars, cx.memory->bytes().data() + ptr);
      if (used < worst) {
        FLINT_ASSIGN(ptr, checked_realloc(cx, ptr, uint32_t(worst), 2, used, oob));
      }
      return std::pair{ptr, used / 2};
    }
    case StringEncoding::Latin1Utf16: {
      // Latin-1 first, in a buffer the size of the UTF-8; on the first
      // character beyond U+00FF, grow to the UTF-16 worst case and widen
      // what was written (the spec's store_string_to_latin1_or_utf16).
      FLINT_ASSIGN(uint32_t ptr, checked_realloc(cx, 0, 0, 2, src_units, oob));
      auto chars = decode_valid_utf8(as_bytes(v));
      uint32_t written = 0;
      for (char32_t c : chars) {
        if (c < 0x100) {
          cx.memory->bytes()[ptr + written++] = uint8_t(c);
          continue;
        }
        uint64_t worst = 2 * uint64_t(src_units);
        if (worst > kMaxStringByteLength) return abi_trap(ErrorCode::StringTooLong);
        FLINT_ASSIGN(ptr, checked_realloc(cx, ptr, src_units, 2, uint32_t(worst), oob));
        uint32_t used = uint32_t(utf16_bytes(chars));
        encode_utf16(chars, cx.memory->bytes().data() + ptr);  // all of it, as UTF-16
        if (worst > used) {
          FLINT_ASSIGN(ptr, checked_realloc(cx, ptr, uint32_t(worst), 2, used, oob));
        }
        return std::pair{ptr, (used / 2) | kUtf16Tag};
      }
      if (written < src_units) {
        FLINT_ASSIGN(ptr, checked_realloc(cx, ptr, src_units, 2, written, oob));
      }
      return std::pair{ptr, written};
    }
  }
  return abi_trap(ErrorCode::CanonTypeMismatch);
}

}  // namespace flint::canon

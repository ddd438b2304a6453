#include "wasi/guest_memory.h"

#include <bit>
#include <vector>

#include <fmt/format.h>

#include "wasi/abi.h"

namespace flint::wasi {

static_assert(std::endian::native == std::endian::little,
              "GuestMemory copies integers as they are: the host must be little-endian like wasm");

Result<std::span<uint8_t>> GuestMemory::slice(uint32_t ptr, uint64_t len) const {
  // 64-bit arithmetic: ptr + len cannot wrap.
  if (uint64_t(ptr) + len > bytes_.size())
    return make_error(ErrorCode::OutOfBoundsMemoryAccess,
                      fmt::format("WASI argument {:#x}+{} beyond memory of {} bytes", ptr, len,
                                  bytes_.size()));
  return bytes_.subspan(ptr, len);
}

Result<std::span<uint8_t>> GuestMemory::slice_aligned(uint32_t ptr, uint64_t len, uint32_t align) const {
  if (ptr % align != 0)
    return make_error(ErrorCode::HostTrap, fmt::format("WASI pointer {:#x} not aligned to {}", ptr, align));
  return slice(ptr, len);
}

Result<std::string_view> GuestMemory::string(uint32_t ptr, uint32_t len) const {
  FLINT_ASSIGN(auto s, slice(ptr, len));
  return std::string_view(reinterpret_cast<const char*>(s.data()), s.size());
}

Result<std::vector<IoSlice>> load_iovecs(const GuestMemory& memory, uint32_t iovs, uint32_t count) {
  // Bounds-check the whole array before allocating for it: `count` is untrusted.
  FLINT_ASSIGN(auto array, memory.slice_aligned(iovs, uint64_t(count) * layout::kIovecSize, 4));
  std::vector<IoSlice> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto record = array.subspan(i * layout::kIovecSize, layout::kIovecSize);
    uint32_t buf = GuestMemory::get<uint32_t>(record, layout::kIovecBuf);
    uint32_t len = GuestMemory::get<uint32_t>(record, layout::kIovecLen);
    FLINT_ASSIGN(auto bytes, memory.slice(buf, len));
    out.push_back(bytes);
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // the continuation bytes are missing
    for (size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace flint::wasi

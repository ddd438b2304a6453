// The fuzzer's input bytes read as a stream of choices (in the manner of
// LLVM's FuzzedDataProvider, which is not used so that the generator also
// builds without libFuzzer). Every read past the end returns zero, and the
// generator reads zero as "the smallest choice" (stop, leaf, first option),
// so an exhausted input still yields a finished, valid module, and shorter
// inputs give smaller modules: libFuzzer's minimisation shrinks modules.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace flint::fuzz {

class ByteSource {
 public:
  explicit ByteSource(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool empty() const { return pos_ >= bytes_.size(); }

  uint8_t byte() { return pos_ < bytes_.size() ? bytes_[pos_++] : 0; }

  /// A choice in [0, n) for n >= 1, from as few bytes as n needs.
  uint32_t below(uint32_t n) {
    if (n <= 1) return 0;
    uint64_t v = byte();
    if (n > 0x100) v = v << 8 | byte();
    if (n > 0x10000) v = v << 16 | uint64_t(byte()) << 8 | byte();
    return uint32_t(v % n);
  }

  /// True with probability about num/256; false once the input is exhausted.
  bool chance(uint32_t num) { return byte() < num; }

  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | byte();
    return v;
  }
  uint64_t u64() { return uint64_t(u32()) << 32 | u32(); }

  std::vector<uint8_t> bytes(size_t n) {
    std::vector<uint8_t> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(byte());
    return out;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

}  // namespace flint::fuzz

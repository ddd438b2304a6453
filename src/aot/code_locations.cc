#include "aot/code_locations.h"

#include <algorithm>

namespace flint::aot {

namespace {

void put_leb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(byte | (v ? 0x80 : 0));
  } while (v);
}

/// A chain index as the encoding counts it: 0 for none, else index + 1.
uint64_t chain_number(uint32_t chain, uint32_t none) {
  return chain == none ? 0 : uint64_t(chain) + 1;
}

/// Reads unsigned LEB128 numbers; `ok` turns false for good at the first
/// one that is cut off or above `most`.
struct LebReader {
  std::span<const uint8_t> bytes;
  size_t pos = 0;
  bool ok = true;

  uint64_t next(uint64_t most) {
    uint64_t value = 0;
    for (unsigned shift = 0; ok && pos < bytes.size() && shift < 64; shift += 7) {
      uint8_t byte = bytes[pos++];
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        if (value > most) break;
        return value;
      }
    }
    ok = false;
    return 0;
  }
  size_t left() const { return bytes.size() - pos; }
};

Error reject(const char* why) {
  return make_error(ErrorCode::BadArtifact, std::string("code locations: ") + why);
}

}  // namespace

void CodeLocations::add_range(uint32_t address, std::span<const FrameLocation> chain) {
  std::vector<uint32_t> words{uint32_t(chain.size())};
  for (const FrameLocation& f : chain) {
    words.push_back(f.function);
    words.push_back(f.offset ? *f.offset + 1 : 0);
  }
  uint32_t index = kNoChain;
  if (!chain.empty()) {
    // Chains repeat (every instruction of a loop body has one of a few):
    // the pool holds each once.
    auto [it, added] = interned_.try_emplace(words, uint32_t(pool_.size()));
    if (added) pool_.insert(pool_.end(), words.begin(), words.end());
    index = it->second;
  }
  if (!ranges_.empty() && ranges_.back().chain == index) return;
  if (!ranges_.empty() && ranges_.back().address == address) {
    ranges_.back().chain = index;
    return;
  }
  ranges_.push_back(Range{address, index});
}

std::vector<FrameLocation> CodeLocations::at(uint64_t address) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                             [](uint64_t a, const Range& r) { return a < r.address; });
  if (it == ranges_.begin() || std::prev(it)->chain == kNoChain) return {};
  const uint32_t* words = pool_.data() + std::prev(it)->chain;
  std::vector<FrameLocation> chain(words[0]);
  for (uint32_t i = 0; i < words[0]; ++i) {
    chain[i].function = words[1 + 2 * i];
    if (uint32_t offset = words[2 + 2 * i]) chain[i].offset = offset - 1;
  }
  return chain;
}

std::vector<uint8_t> CodeLocations::encode() const {
  std::vector<uint8_t> out;
  out.reserve(8 + 3 * ranges_.size() + 2 * pool_.size());
  put_leb(out, ranges_.size());
  uint32_t address = 0;
  uint64_t chain = 0;
  for (const Range& r : ranges_) {
    put_leb(out, r.address - address);
    address = r.address;
    // Zigzag: a chain seen before lies behind the last one.
    int64_t step = int64_t(chain_number(r.chain, kNoChain)) - int64_t(chain);
    put_leb(out, (uint64_t(step) << 1) ^ uint64_t(step >> 63));
    chain = chain_number(r.chain, kNoChain);
  }
  put_leb(out, pool_.size());
  for (uint32_t w : pool_) put_leb(out, w);
  return out;
}

Result<CodeLocations> CodeLocations::decode(std::span<const uint8_t> bytes) {
  LebReader in{.bytes = bytes};
  CodeLocations table;
  uint64_t ranges = in.next(UINT32_MAX);
  if (!in.ok || ranges > in.left() / 2) return reject("truncated");  // two bytes a range at least
  table.ranges_.resize(ranges);
  uint64_t address = 0, chain = 0;
  for (size_t i = 0; i < table.ranges_.size(); ++i) {
    uint64_t step = in.next(UINT32_MAX);
    if (in.ok && i > 0 && step == 0) return reject("out of order");
    address += step;
    uint64_t zigzag = in.next(UINT64_MAX);
    chain += (zigzag >> 1) ^ (0 - (zigzag & 1));
    if (!in.ok) return reject("truncated");
    if (address > UINT32_MAX || chain > uint64_t(UINT32_MAX))
      return reject("a range outside the table");
    table.ranges_[i] = Range{uint32_t(address), chain == 0 ? kNoChain : uint32_t(chain - 1)};
  }
  uint64_t words = in.next(UINT32_MAX);
  if (!in.ok || words > in.left()) return reject("truncated");  // a byte a word at least
  table.pool_.resize(words);
  for (uint32_t& w : table.pool_) w = uint32_t(in.next(UINT32_MAX));
  if (!in.ok) return reject("truncated");
  if (in.left() != 0) return reject("trailing bytes");
  // Every chain a range names must lie inside the pool.
  for (const Range& r : table.ranges_) {
    if (r.chain == kNoChain) continue;
    if (r.chain >= words || table.pool_[r.chain] > (words - r.chain - 1) / 2)
      return reject("a chain outside the table");
  }
  return table;
}

const CodeLocations& LazyCodeLocations::table() const {
  std::call_once(decoded_, [this] {
    if (Result<CodeLocations> decoded = CodeLocations::decode(bytes_)) table_ = std::move(*decoded);
    bytes_.clear();
    bytes_.shrink_to_fit();
  });
  return table_;
}

}  // namespace flint::aot

#include "aot/code_locations.h"

#include <algorithm>

namespace flint::aot {

namespace {

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

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
  out.reserve(8 + 8 * ranges_.size() + 4 * pool_.size());
  put_u32(out, uint32_t(ranges_.size()));
  for (const Range& r : ranges_) {
    put_u32(out, r.address);
    put_u32(out, r.chain);
  }
  put_u32(out, uint32_t(pool_.size()));
  for (uint32_t w : pool_) put_u32(out, w);
  return out;
}

Result<CodeLocations> CodeLocations::decode(std::span<const uint8_t> bytes) {
  size_t pos = 0;
  bool ok = true;
  auto u32 = [&]() -> uint32_t {
    if (bytes.size() - pos < 4) return ok = false, 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(bytes[pos + i]) << (8 * i);
    pos += 4;
    return v;
  };
  CodeLocations table;
  uint32_t ranges = u32();
  if (!ok || ranges > (bytes.size() - pos) / 8) return reject("truncated");
  table.ranges_.resize(ranges);
  for (Range& r : table.ranges_) r = Range{u32(), u32()};
  uint32_t words = u32();
  if (!ok || words != (bytes.size() - pos) / 4 || (bytes.size() - pos) % 4 != 0)
    return reject("truncated");
  table.pool_.resize(words);
  for (uint32_t& w : table.pool_) w = u32();
  // Every chain a range names must lie inside the pool, and addresses ascend.
  for (size_t i = 0; i < table.ranges_.size(); ++i) {
    const Range& r = table.ranges_[i];
    if (i > 0 && r.address <= table.ranges_[i - 1].address) return reject("out of order");
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

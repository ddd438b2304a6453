#include "aot/code_locations.h"

#include <algorithm>

#include "binary/leb128_writer.h"
#include "binary/reader.h"

namespace flint::aot {

namespace {

/// A chain index as the encoding counts it: 0 for none, else index + 1.
int64_t chain_number(uint32_t chain, uint32_t none) {
  return chain == none ? 0 : int64_t(chain) + 1;
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
  push(address, index);
}

void CodeLocations::push(uint32_t address, uint32_t chain) {
  if (!ranges_.empty() && ranges_.back().chain == chain) return;
  if (!ranges_.empty() && ranges_.back().address == address) {
    ranges_.back().chain = chain;
    return;
  }
  ranges_.push_back(Range{address, chain});
}

Status CodeLocations::append(const CodeLocations& other, uint32_t shift) {
  if (other.ranges_.empty()) return {};
  if (uint64_t(other.ranges_.back().address) + shift > UINT32_MAX)
    return make_error(ErrorCode::Usage, "internal error: code beyond 4 GiB");
  // A table's last range is its code's end (no chain), which the next
  // table's first range may start at; anything before that overlaps.
  if (!ranges_.empty() && other.ranges_.front().address + shift < ranges_.back().address)
    return make_error(ErrorCode::Usage, "internal error: the partitions' code overlaps");
  uint32_t base = uint32_t(pool_.size());
  pool_.insert(pool_.end(), other.pool_.begin(), other.pool_.end());
  for (const Range& r : other.ranges_)
    push(r.address + shift, r.chain == kNoChain ? kNoChain : r.chain + base);
  return {};
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
  binary::append_unsigned_leb(out, ranges_.size());
  uint32_t address = 0;
  int64_t chain = 0;
  for (const Range& r : ranges_) {
    binary::append_unsigned_leb(out, r.address - address);
    address = r.address;
    // A step back: a chain seen before lies behind the last one.
    binary::append_signed_leb(out, chain_number(r.chain, kNoChain) - chain);
    chain = chain_number(r.chain, kNoChain);
  }
  binary::append_unsigned_leb(out, pool_.size());
  for (uint32_t w : pool_) binary::append_unsigned_leb(out, w);
  return out;
}

Result<CodeLocations> CodeLocations::decode(std::span<const uint8_t> bytes) {
  binary::Reader in(bytes);
  CodeLocations table;
  Result<uint32_t> ranges = in.u32();
  if (!ranges || *ranges > in.remaining() / 2) return reject("truncated");  // 2+ bytes a range
  table.ranges_.resize(*ranges);
  int64_t address = 0, chain = 0;
  for (size_t i = 0; i < table.ranges_.size(); ++i) {
    Result<uint32_t> step = in.u32();
    Result<int64_t> chain_step = in.s64();
    if (!step || !chain_step) return reject("truncated");
    if (i > 0 && *step == 0) return reject("out of order");
    address += *step;
    chain += *chain_step;
    if (address > int64_t(UINT32_MAX) || chain < 0 || chain > int64_t(UINT32_MAX))
      return reject("a range outside the table");
    table.ranges_[i] = Range{uint32_t(address), chain == 0 ? kNoChain : uint32_t(chain - 1)};
  }
  Result<uint32_t> words = in.u32();
  if (!words || *words > in.remaining()) return reject("truncated");  // 1+ byte a word
  table.pool_.resize(*words);
  for (uint32_t& w : table.pool_) {
    Result<uint32_t> word = in.u32();
    if (!word) return reject("truncated");
    w = *word;
  }
  if (!in.at_end()) return reject("trailing bytes");
  // Every chain a range names must lie inside the pool.
  for (const Range& r : table.ranges_) {
    if (r.chain == kNoChain) continue;
    if (r.chain >= *words || table.pool_[r.chain] > (*words - r.chain - 1) / 2)
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

#include "wasi/fd_table.h"

namespace flint::wasi {

FdEntry* FdTable::get(uint32_t fd) {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : it->second.get();
}

std::optional<uint32_t> FdTable::insert(std::unique_ptr<FdEntry> entry) {
  if (entries_.size() >= kMaxEntries) return std::nullopt;
  uint32_t fd = 0;
  for (const auto& [used, _] : entries_) {  // ordered: the first gap is the lowest free number
    if (used != fd) break;
    ++fd;
  }
  entries_[fd] = std::move(entry);
  return fd;
}

void FdTable::insert_at(uint32_t fd, std::unique_ptr<FdEntry> entry) { entries_[fd] = std::move(entry); }

Errno FdTable::close(uint32_t fd) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return Errno::Badf;
  entries_.erase(it);
  return Errno::Success;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  auto src = entries_.find(from);
  if (src == entries_.end() || !entries_.count(to)) return Errno::Badf;
  if (from == to) return Errno::Success;
  std::unique_ptr<FdEntry> moved = std::move(src->second);
  entries_.erase(src);
  entries_[to] = std::move(moved);
  return Errno::Success;
}

}  // namespace flint::wasi

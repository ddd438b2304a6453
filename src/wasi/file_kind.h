// Host file metadata in WASI's terms (typenames.witx $filetype, $filestat).
#pragma once

#include <sys/stat.h>

#include <span>

#include "wasi/abi.h"

namespace flint::wasi {

/// The WASI file type of a host st_mode.
Filetype filetype_of_mode(mode_t mode);

/// Writes a $filestat record (layout::kFilestatSize bytes) for `st`.
void write_filestat(std::span<uint8_t> record, const struct stat& st);

/// Nanoseconds since the epoch of a timespec, saturating at 0 for times before it.
uint64_t timespec_to_ns(const struct timespec& ts);

/// The two timespecs utimensat/futimens take, from WASI's atim, mtim and
/// $fstflags; EINVAL when a time is both given and "now", or for unknown bits.
Errno utimens_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec times[2]);

}  // namespace flint::wasi

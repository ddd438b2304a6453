// The rights each kind of descriptor reports in fd_fdstat_get. WASI preview 1
// rights are advisory in practice: Wasmtime neither narrows them on
// path_open nor enforces them beyond a file's read/write mode, and reports
// the fixed sets below. Flint reports the same, so guests that inspect
// their rights (wasi-libc, Go's runtime) behave alike under both.
#pragma once

#include <cstdint>

#include "wasi/abi.h"

namespace flint::wasi::fd_rights {

constexpr uint64_t kStdin = rights::kFdRead;
constexpr uint64_t kStdout = rights::kFdWrite;  // and stderr
constexpr uint64_t kPreopenBase = 0x7b7fe00;
constexpr uint64_t kPreopenInheriting = 0xff7ffff;
constexpr uint64_t kDirectory = 0x3fb7ffbb;  // base and inheriting of a path_open'ed directory

/// A regular file's rights: everything, less reading or writing when the
/// file was not opened for it.
constexpr uint64_t file(bool readable, bool writable) {
  return rights::kAll & ~(readable ? 0 : rights::kFdRead) & ~(writable ? 0 : rights::kFdWrite);
}

}  // namespace flint::wasi::fd_rights

// Where in the wasm module each instruction of compiled code came from, for
// trap backtraces (backtrace.h): the compiled counterpart of the
// interpreter's per-frame offsets.
//
// The compiler gives every LLVM instruction a debug location whose line is
// the byte offset of the wasm instruction it came from (function_codegen.cc).
// LLVM keeps those through optimisation, including into the functions it
// inlines, whose locations record where they were inlined, and writes them
// as DWARF; flint-compile reads that DWARF back from the linked code
// (llvm/location_table.cc) into this table, stored in the artifact, and
// drops the DWARF itself. So a return address or a faulting instruction
// names a chain of frames: the innermost wasm function and offset first,
// then each caller LLVM inlined it into, then the function whose machine
// code it is. The runtime reads the table without LLVM.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "flint/result.h"

namespace flint::aot {

/// One wasm frame at a compiled code address.
struct FrameLocation {
  uint32_t function = 0;           ///< module function index
  std::optional<uint32_t> offset;  ///< byte offset in the module; none where LLVM lost it
  bool operator==(const FrameLocation&) const = default;
};

/// Code addresses (offsets from the shared object's load address) to
/// chains of frames.
class CodeLocations {
 public:
  /// From `address` on, up to the next range's start, the code is that of
  /// `chain` (innermost first; empty: unknown, as in code LLVM made up).
  void add_range(uint32_t address, std::span<const FrameLocation> chain);

  /// Adds `other`'s ranges, each `shift` bytes further on (a partition's
  /// table placed where the linker put its code): they must all lie after
  /// this table's. Its chains join the pool as they are.
  Status append(const CodeLocations& other, uint32_t shift);

  /// The frames at `address`, innermost first; empty when unknown.
  std::vector<FrameLocation> at(uint64_t address) const;
  bool empty() const { return ranges_.empty(); }

  /// The table's bytes for the artifact, every number LEB128, unsigned
  /// unless said:
  ///   ranges, then each: its address less the previous range's (the first
  ///   its own; never 0 after it: addresses ascend), and its chain less the
  ///   previous range's, signed (a chain counted as its index into the pool
  ///   + 1, 0 for none); then pool words, then the pool: at each chain a
  ///   count, then count × (function, offset + 1, 0 for none).
  /// On Go's `os` test binary, where every call and memory access has a
  /// chain of its own, 5.6 MB less than fixed 32-bit fields (an artifact
  /// of 22.7 MB instead of 28.3).
  std::vector<uint8_t> encode() const;
  /// Reads encode()'s bytes, checking every index and the order.
  static Result<CodeLocations> decode(std::span<const uint8_t> bytes);

 private:
  static constexpr uint32_t kNoChain = UINT32_MAX;
  /// Ends the last range at `address` with one of `chain` (a pool index or
  /// kNoChain), unless it has that chain already.
  void push(uint32_t address, uint32_t chain);
  struct Range {
    uint32_t address;
    uint32_t chain;
  };
  std::vector<Range> ranges_;
  std::vector<uint32_t> pool_;
  /// Each chain's words to its place in pool_, while add_range builds.
  std::map<std::vector<uint32_t>, uint32_t> interned_;
};

/// A loaded module's table, kept as the artifact's bytes and decoded at its
/// first use -- the first trap's backtrace -- rather than at load: decoding
/// a Go Spin app's 1.08 MB table took 0.77 ms of its start-up, copying the
/// bytes a tenth of that.
class LazyCodeLocations {
 public:
  explicit LazyCodeLocations(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  /// The decoded table; empty when its bytes do not decode (the artifact's
  /// checksum makes that a bug of the compiler's, not damage): frames then
  /// carry their function only.
  const CodeLocations& table() const;

 private:
  mutable std::vector<uint8_t> bytes_;  ///< until decoded
  mutable std::once_flag decoded_;
  mutable CodeLocations table_;
};

}  // namespace flint::aot

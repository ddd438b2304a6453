// The machine code of an artifact, mapped without the dynamic loader.
//
// flint-compile links each module with ld.lld into a shared object whose
// code reaches the runtime only through the VmCtx helper table (abi.h), so
// the object imports no symbol and needs no relocation but
// R_X86_64_RELATIVE / R_AARCH64_RELATIVE ("add the load address"). Loading
// it is therefore small enough to do here: map its PT_LOAD segments, apply
// the relative relocations, protect each segment as its flags say, register
// its unwind tables (so backtraces unwind through compiled frames) and look
// up the one exported symbol, kTableSymbol. Compared with dlopen of a memfd
// copy this saves a file, a path lookup, the loader's bookkeeping and its
// locks: a third of the start-up of `flint run MODULE.fwasm` (issue 4).
//
// Anything else -- another machine, dependencies, symbolic relocations,
// initialisers, segments sharing a page with different permissions -- is
// rejected with a message naming what was found; such an object was not
// produced by flint-compile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "flint/result.h"

namespace flint::aot {

class CodeImage {
 public:
  /// Maps the shared object `elf` (the bytes are copied; the span may go away).
  static Result<CodeImage> load(std::span<const uint8_t> elf);

  CodeImage() = default;
  CodeImage(CodeImage&& other) noexcept { *this = std::move(other); }
  CodeImage& operator=(CodeImage&& other) noexcept;
  CodeImage(const CodeImage&) = delete;
  CodeImage& operator=(const CodeImage&) = delete;
  ~CodeImage();

  /// The address of an exported symbol, or nullptr.
  const void* symbol(const char* name) const;
  /// The executable segment, for naming the frames of a backtrace.
  uintptr_t code_begin() const { return code_begin_; }
  /// Where the object's address 0 is mapped (its addresses are offsets from it).
  uintptr_t load_address() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t code_end() const { return code_end_; }

 private:
  void release();

  uint8_t* base_ = nullptr;  ///< load address (vaddr 0 of the object)
  size_t size_ = 0;          ///< bytes mapped at base_
  uintptr_t code_begin_ = 0, code_end_ = 0;
  const uint8_t* dynsym_ = nullptr;  ///< symbol table inside the mapping
  size_t dynsym_count_ = 0;
  const char* dynstr_ = nullptr;
  size_t dynstr_size_ = 0;
  const uint8_t* eh_frame_ = nullptr;  ///< registered with the unwinder, or null
};

}  // namespace flint::aot

// The interpreter's internal code: what a validated function is translated
// into once, and what the dispatch loop runs.
//
// Shape. A function's code is an array of 8-byte Words. Each instruction
// starts with the address of its handler, followed by operand words: slot
// indices packed two per word as uint32, 64-bit immediates, and branch
// targets as int32 Word offsets relative to the instruction's first word.
// Handlers are tail-calling functions (`[[clang::musttail]]`, preserve_none
// convention so ip/fp/ctx/mem stay in registers), each ending by jumping to
// the next instruction's handler: threaded code without a central loop.
//
// Frame. Every value lives in an 8-byte slot of the frame `fp`: parameters,
// then declared locals, then the operand stack, each at the slot the
// translator computed from the validator's stack height (v128 takes two
// slots). Instructions name their operand and result slots directly, so
// `local.get`/`i32.const` usually cost nothing: the consumer reads the local
// slot or carries the constant as an immediate.
//
// Calls. A call places the callee's frame at the caller's first argument slot
// (the arguments are already there) and recurses natively into the callee's
// code; results come back in the callee's first slots, which are exactly the
// caller's result slots. The native recursion is bounded (Config::max_stack_bytes),
// the value stack by its size.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace flint::interp {

struct ExecContext;
union Word;

// preserve_none keeps ip/fp/ctx/mem in registers across the whole chain of
// handlers. LLVM 19 cannot combine it with AddressSanitizer's stack
// instrumentation, so sanitizer builds use the default convention (musttail
// still guarantees constant native stack use).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLINT_NO_PRESERVE_NONE 1
#endif
#endif
#if defined(FLINT_NO_PRESERVE_NONE) || !(defined(__x86_64__) || defined(__aarch64__))
#define FLINT_PRESERVE_NONE
#else
#define FLINT_PRESERVE_NONE __attribute__((preserve_none))
#endif

/// Runs from `ip` until the function returns (0) or traps (1, the trap being
/// recorded in ctx). `mem` is the base of the running instance's memory 0.
using Handler = FLINT_PRESERVE_NONE uint32_t (*)(const Word* ip, uint64_t* fp, ExecContext* ctx,
                                                 uint8_t* mem);

union Word {
  Handler handler;
  uint64_t u64;
  uint32_t u32[2];
  int32_t i32[2];
  const void* ptr;
};
static_assert(sizeof(Word) == 8);

class InterpModule;

/// Which SIMD handler table a module runs: the portable one, or one compiled
/// for a wider x86-64 instruction set (handlers_simd*.cc).
enum class SimdLevel : uint8_t { Portable, Avx2 };
/// The widest table the host CPU can run (checked once, at run time).
SimdLevel host_simd_level();

/// One translated function.
struct CompiledFunction {
  const InterpModule* module = nullptr;
  uint32_t index = 0;        ///< in the module's function index space
  uint32_t param_slots = 0;  ///< slots holding the parameters
  uint32_t local_slots = 0;  ///< parameters + declared locals
  uint32_t result_slots = 0;
  uint32_t frame_slots = 0;  ///< locals + the deepest operand stack
  std::vector<Word> code;
  /// (index of an instruction's first word, byte offset of the wasm
  /// instruction it came from), ascending: for trap locations.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;

  /// The wasm byte offset of the instruction at `ip`, which must point into `code`.
  std::optional<uint32_t> wasm_offset(const Word* ip) const;
};

}  // namespace flint::interp

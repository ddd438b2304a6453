// The contract between machine code compiled ahead of time (src/aot/llvm) and
// the runtime that loads and runs it (src/aot). Both sides include this file,
// so field offsets are computed by the C++ compiler, never written by hand.
//
// Calling convention of compiled functions. Every defined function i becomes
//   R fn_i(VmCtx* ctx, P0 p0, P1 p1, ...)       (typed; R a struct when there
//                                               are several results)
// which compiled callers use directly, and for each type t of a defined
// function
//   void entry_t(VmCtx* ctx, uint64_t* slots, const void* fn)
//                                    (calls fn, a fn_i of type t: arguments
//                                    in, results out, one slot per value as
//                                    in GlobalInst / store_value)
// which the host uses. In the code a tiered run compiles while it starts
// interpreted (TargetOptions::loop_entries, modules small enough), a
// function with loops may also have
//   uint32_t loop_i(VmCtx* ctx, uint64_t* slots, uint32_t loop)
// which enters the function's loop whose `loop` instruction is at byte
// offset `loop` of the module, with every local (parameters first) read
// from slots as the interpreter's frame holds them, runs the function to
// its end and writes its results over slots[0...]: 1. A loop it cannot
// enter (one nested in another loop, with operands or parameters on the
// stack, or inside a try_table) returns 0 at once, having done nothing.
// Tiering's on-stack replacement (src/tiered/README.md). `loop` ==
// kFunctionStart runs the function from its start instead (its parameters
// from slots, its declared locals zero); fn_i may then be only a wrapper
// that calls loop_i so (LoopEntry::Only: the body compiled once). The
// shared object exports one symbol, kTableSymbol: an array of 4 * N
// pointers {fn_0, entry_t0, loop_0, wraps_0, fn_1, ...} (entry_t0 the entry
// of fn_0's type), loop_i null where
// there is none, wraps_i 1 where fn_i is such a wrapper and else 0.
//
// Everything the code cannot do inline (growing memories, bulk memory, table
// instructions, calls into host or interpreted functions, traps) goes through
// the Helpers table reached from the context, so the shared object imports no
// symbol and loading it resolves nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace flint {
struct FuncInst;
struct GlobalInst;
class InstanceImpl;
}  // namespace flint

namespace flint::aot {

/// A loop entry, loop_i above.
using LoopEntryCode = uint32_t (*)(void* ctx, uint64_t* slots, uint32_t loop);

/// How compiled code calls a function: its typed machine code and the
/// instance context it takes, or a null `code` for a function without
/// machine code (a host function, or one another engine runs), which is
/// called through the runtime (Helpers::call_slow) with `func`. `entry` is
/// the slot wrapper of the function's type the runtime enters compiled code
/// by, passing it `code`.
struct NativeFunc {
  const void* code = nullptr;
  void (*entry)(void* ctx, uint64_t* slots, const void* code) = nullptr;
  /// The loop entry (loop_i above), or null.
  LoopEntryCode loop_entry = nullptr;
  void* ctx = nullptr;
  FuncInst* func = nullptr;
};

inline constexpr const char* kTableSymbol = "flint_aot_functions";
/// Pointers per defined function in kTableSymbol's array.
inline constexpr uint32_t kTableStride = 4;
/// loop_i's `loop` argument that runs the function from its start (no
/// `loop` instruction has this offset: modules are smaller than 4 GiB).
inline constexpr uint32_t kFunctionStart = UINT32_MAX;

/// Why compiled code traps (the argument of Helpers::trap). Mapped to the
/// error table's codes by the runtime (native_call.cc).
enum class TrapCode : uint32_t {
  Unreachable,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversionToInteger,
  OutOfBoundsMemoryAccess,
  OutOfBoundsTableAccess,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  CallStackExhausted,
  OutOfFuel,
  Interrupt,
};

struct VmCtx;

/// Runtime services for compiled code. Each traps (never returns) on the
/// conditions the spec gives for its instruction.
struct Helpers {
  void (*trap)(VmCtx* ctx, uint32_t code);  ///< never returns
  uint32_t (*memory_size)(VmCtx* ctx);
  uint32_t (*memory_grow)(VmCtx* ctx, uint32_t delta);
  void (*memory_fill)(VmCtx* ctx, uint32_t dst, uint32_t value, uint32_t n);
  void (*memory_copy)(VmCtx* ctx, uint32_t dst, uint32_t src, uint32_t n);
  void (*memory_init)(VmCtx* ctx, uint32_t segment, uint32_t dst, uint32_t src, uint32_t n);
  void (*data_drop)(VmCtx* ctx, uint32_t segment);
  void* (*table_get)(VmCtx* ctx, uint32_t table, uint32_t index);
  void (*table_set)(VmCtx* ctx, uint32_t table, uint32_t index, void* ref);
  uint32_t (*table_size)(VmCtx* ctx, uint32_t table);
  uint32_t (*table_grow)(VmCtx* ctx, uint32_t table, void* init, uint32_t delta);
  void (*table_fill)(VmCtx* ctx, uint32_t table, uint32_t dst, void* ref, uint32_t n);
  void (*table_copy)(VmCtx* ctx, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src,
                     uint32_t n);
  void (*table_init)(VmCtx* ctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                     uint32_t n);
  void (*elem_drop)(VmCtx* ctx, uint32_t segment);
  /// call_indirect's checks (spec 4.4.8): the callee, or a trap.
  const NativeFunc* (*indirect_callee)(VmCtx* ctx, uint32_t table, uint32_t index,
                                       uint32_t type_id);
  /// Calls a function without machine code (host or interpreted), arguments
  /// and results in slots.
  void (*call_slow)(VmCtx* ctx, FuncInst* callee, uint64_t* slots);
  // Multi-memory: the bulk instructions on a memory other than 0, which
  // name it. Memory 0 keeps the helpers above, so its code is unchanged.
  uint32_t (*memory_size_at)(VmCtx* ctx, uint32_t memory);
  uint32_t (*memory_grow_at)(VmCtx* ctx, uint32_t memory, uint32_t delta);
  void (*memory_fill_at)(VmCtx* ctx, uint32_t memory, uint32_t dst, uint32_t value, uint32_t n);
  void (*memory_copy_at)(VmCtx* ctx, uint32_t dst_memory, uint32_t src_memory, uint32_t dst,
                         uint32_t src, uint32_t n);
  void (*memory_init_at)(VmCtx* ctx, uint32_t memory, uint32_t segment, uint32_t dst, uint32_t src,
                         uint32_t n);

  // Exception handling (design in runtime/execution.h). Compiled code
  // unwinds an exception like a trap, to the innermost entry; only calls
  // inside a try_table go through call_catching, which stops it there so
  // the function's catch clauses can look at it.
  /// Makes an exception of tag `tag` (of this instance) with the payload in
  /// slots the one in flight.
  void (*new_exception)(VmCtx* ctx, uint32_t tag, const uint64_t* payload);
  /// throw_ref: makes `exn` the exception in flight; traps on null.
  void (*set_exception)(VmCtx* ctx, void* exn);
  /// Unwinds with the exception in flight ("uncaught exception"); never returns.
  void (*rethrow)(VmCtx* ctx);
  /// Calls any function through its FuncEntry, arguments and results in
  /// slots: 0, or 1 when it ended with an exception (then in flight); any
  /// other error traps on.
  uint32_t (*call_catching)(VmCtx* ctx, FuncInst* callee, uint64_t* slots);
  /// Whether the exception in flight has this instance's tag `tag`.
  uint32_t (*exception_is)(VmCtx* ctx, uint32_t tag);
  /// Catches the exception in flight: copies its payload to `payload` and
  /// returns it as an exnref.
  void* (*catch_exception)(VmCtx* ctx, uint64_t* payload);
};

/// One instance's context: what compiled code of that instance reads.
struct VmCtx {
  uint8_t* mem_base = nullptr;                 ///< memory 0 (reservation with guard), or nullptr
  GlobalInst* const* globals = nullptr;        ///< the instance's global index space
  FuncInst* const* funcs = nullptr;            ///< the function index space (ref.func)
  const NativeFunc* const* natives = nullptr;  ///< &funcs[i]->native, for imported calls
  const uint32_t* type_ids = nullptr;          ///< canonical id of each of the module's types
  /// The lowest native stack address a prologue accepts; copied into a
  /// callee's context on cross-instance calls.
  uintptr_t stack_limit = 0;
  const Helpers* helpers = nullptr;
  InstanceImpl* instance = nullptr;
  /// The store's fuel counter (ExecutionState::fuel), charged by code
  /// compiled with fuel metering (fuel_codegen.cc); unused otherwise.
  int64_t* fuel = nullptr;
  /// The store's interruption flag (ExecutionState::interrupted), checked by
  /// code compiled as interruptible (fuel_codegen.cc); unused otherwise.
  const uint32_t* interrupted = nullptr;
  /// The base of every memory in the instance's memory index space
  /// (multi-memory); code for memory 0 reads mem_base instead. Every one is
  /// a full reservation with its guard region, as memory 0 is.
  uint8_t* const* mem_bases = nullptr;
};

inline constexpr size_t kCtxMemBase = offsetof(VmCtx, mem_base);
inline constexpr size_t kCtxGlobals = offsetof(VmCtx, globals);
inline constexpr size_t kCtxFuncs = offsetof(VmCtx, funcs);
inline constexpr size_t kCtxNatives = offsetof(VmCtx, natives);
inline constexpr size_t kCtxTypeIds = offsetof(VmCtx, type_ids);
inline constexpr size_t kCtxStackLimit = offsetof(VmCtx, stack_limit);
inline constexpr size_t kCtxHelpers = offsetof(VmCtx, helpers);
inline constexpr size_t kCtxFuel = offsetof(VmCtx, fuel);
inline constexpr size_t kCtxInterrupted = offsetof(VmCtx, interrupted);
inline constexpr size_t kCtxMemBases = offsetof(VmCtx, mem_bases);

}  // namespace flint::aot

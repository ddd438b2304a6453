// Canonical definitions (component-model Binary.md, "Canonical
// Definitions"): `canon lift` makes a component function of a core one,
// `canon lower` a core function of a component one, and the built-ins
// (resources, async tasks, streams, futures, error contexts, threads) make
// core functions the runtime implements. The rows are in canon.def.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "component/sort.h"
#include "component/types.h"

namespace flint::component {

enum class CanonKind : uint8_t {
#define FLINT_CANON(id, byte, text, imm) id,
#include "component/canon.def"
#undef FLINT_CANON
};

/// How a row's immediates are encoded (canon.def explains each).
enum class CanonImm : uint8_t {
  Lift,
  Lower,
  None,
  Type,
  TypeOpts,
  TypeAsync,
  Opts,
  Async,
  Cancel,
  CancelMemory,
  Context,
  Results,
  TypeTable,
  SharedType,
  SharedTypeTable,
  Shared,
};

/// One row of canon.def.
struct CanonInfo {
  CanonKind kind;
  uint8_t byte;
  const char* text;
  CanonImm imm;
};

/// The row whose leading byte is `byte`, or nullptr when unallocated.
const CanonInfo* canon_info(uint8_t byte);
const CanonInfo& canon_info(CanonKind kind);

/// canonopt.
struct CanonOption {
  enum class Kind : uint8_t {
    Utf8 = 0x00,
    Utf16 = 0x01,
    Latin1Utf16 = 0x02,  ///< latin1+utf16
    Memory = 0x03,       ///< (memory m): a core memory index
    Realloc = 0x04,      ///< (realloc f): a core function index
    PostReturn = 0x05,   ///< (post-return f): a core function index
    Async = 0x06,        ///< 🔀 async
    Callback = 0x07,     ///< 🔀 (callback f): a core function index
    CoreType = 0x08,     ///< 🛸 (core-type t): a core type index
    Gc = 0x09,           ///< 🛸 gc
  };
  Kind kind = Kind::Utf8;
  uint32_t index = 0;  ///< Memory, Realloc, PostReturn, Callback, CoreType
  size_t offset = 0;
};

/// The index space an option's immediate refers to (memory: core memories;
/// realloc, post-return, callback: core functions; core-type: core types),
/// or nothing when the option has no immediate.
std::optional<Space> option_space(CanonOption::Kind kind);

/// The text name of an option: "utf8", "memory", ...
const char* option_name(CanonOption::Kind kind);

/// One canonical definition. Which fields hold meaning depends on the
/// kind's immediates (canon.def); the others stay zero.
struct Canon {
  CanonKind kind = CanonKind::Lift;
  size_t offset = 0;
  uint32_t func = 0;    ///< Lift: the core function; Lower: the component function
  uint32_t type = 0;    ///< Lift: its function type; resource.*: the resource type;
                        ///< stream.* / future.*: the stream or future type;
                        ///< thread.new-indirect / spawn: the core function type
  uint32_t table = 0;   ///< TypeTable, SharedTypeTable: a core table
  uint32_t memory = 0;  ///< CancelMemory: a core memory
  uint32_t slot = 0;    ///< context.get / context.set: the context slot
  bool flag = false;    ///< async (Async, TypeAsync), cancellable (Cancel*), shared (Shared*)
  std::optional<ValType> result;     ///< task.return: its result type, if any
  std::vector<CanonOption> options;  ///< Lift, Lower, TypeOpts, Opts, Results
  Slot lands;                        ///< Lift: a component func; all others: a core func
};

}  // namespace flint::component

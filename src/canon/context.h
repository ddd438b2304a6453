// What the canonical ABI needs from the instance on one side of a call: its
// canon options (memory, realloc, string encoding) and its handle table,
// plus the call's borrow scope.
#pragma once

#include <cstdint>
#include <span>

#include "canon/handle_table.h"
#include "component/value.h"
#include "flint/result.h"

namespace flint::canon {

/// The `string-encoding` canon option.
enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

/// A component instance's linear memory and `realloc`, as the ABI sees them:
/// the runtime implements it over a core memory and function, tests over a
/// byte vector.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  /// The memory's current bytes. Re-read after every realloc: it may grow.
  virtual std::span<uint8_t> bytes() = 0;
  /// Calls the `realloc` option (a trap in it comes back as an Error); the
  /// ABI checks the returned pointer's alignment and bounds itself.
  virtual Result<uint32_t> realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                                   uint32_t new_size) = 0;
  /// Whether a realloc option was given (lowering a list or string needs it).
  virtual bool has_realloc() const = 0;
};

/// Lifts and lowers the async ABI's values (stream, future, error-context),
/// which live in the component runtime's tables as objects of its own.
class AsyncValues {
 public:
  virtual ~AsyncValues() = default;
  /// The value of `type` at table index `index` (a stream or future end
  /// leaves the table).
  virtual Result<component::ComponentValue> lift(const component::ValueType& type,
                                                 uint32_t index) = 0;
  /// Puts `value` of `type` in the table, returning its index.
  virtual Result<uint32_t> lower(const component::ComponentValue& value,
                                 const component::ValueType& type) = 0;
};

/// One side of a call: the options of the lift or lower and the state of
/// the instance they belong to.
struct CallContext {
  StringEncoding encoding = StringEncoding::Utf8;
  /// Null when the `memory` option is absent (validation guarantees it is
  /// present whenever a type needs it).
  GuestMemory* memory = nullptr;
  /// The instance's handle table (own and borrow handles).
  HandleTable* handles = nullptr;
  /// The instance's identity, compared with ResourceType::implementer.
  const void* instance = nullptr;
  /// The call whose borrows and lenders this lift or lower records.
  CallScope* scope = nullptr;
  /// The instance's streams, futures and error contexts; null: those types trap.
  AsyncValues* async = nullptr;
  /// Whether the other side of the call is a component instance too (a
  /// component-to-component call) rather than the host. Only trap words
  /// depend on it: Wasmtime's fused adapters say "string content
  /// out-of-bounds" and "unaligned pointer" where its host path says "string
  /// pointer/length out of bounds of memory" and "realloc return: ...", and
  /// the suite's scripts test both.
  bool fused = false;
};

}  // namespace flint::canon

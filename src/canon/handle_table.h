// Resource handles (component-model CanonicalABI.md, "Handle State" and
// the resource built-ins): each component instance's table of own and
// borrow handles, and the borrow bookkeeping of a synchronous call.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "component/value_type.h"
#include "flint/result.h"

namespace flint::canon {

using component::ResourceTypePtr;

class CallScope;

/// A table element that is not a resource handle: the async ABI's
/// waitables, waitable sets and error contexts share the handles' index
/// space (CanonicalABI.md, "Table State"). The component runtime defines them.
class TableObject {
 public:
  virtual ~TableObject() = default;
};

/// One element of a table: a resource handle, or (with `object` set and no
/// `resource`) one of the async ABI's objects.
struct Handle {
  /// Null for an async object, so resource built-ins given its index trap.
  std::shared_ptr<TableObject> object;
  ResourceTypePtr resource;
  uint32_t rep = 0;
  bool own = true;
  /// A borrow handle: the call it was lent for (its borrow count drops when
  /// the handle is dropped).
  CallScope* scope = nullptr;
  /// An own handle: how many borrows of it are outstanding; it cannot be
  /// dropped or moved out while any are.
  uint32_t lends = 0;
};

/// A component instance's handle table. Index 0 is never a valid handle.
class HandleTable {
 public:
  /// Adds a handle, returning its index (a trap when the table is full).
  Result<uint32_t> add(Handle handle);
  /// The handle at `index` ("unknown handle index N" when there is none).
  Result<Handle*> get(uint32_t index);
  /// Removes and returns the handle at `index`. It does not check `lends`:
  /// callers must (lift_own and resource_drop do), since a CallScope points
  /// at each lent handle until the call finishes.
  Result<Handle> remove(uint32_t index);

 private:
  // A deque, not a vector: a CallScope keeps pointers to lent handles while
  // the table may grow (results lowered into it), and deque growth at the
  // end never moves elements. Made at the first add: a deque allocates
  // even when empty, and most instances never hold a handle.
  std::optional<std::deque<std::optional<Handle>>> slots_;  // slot 0 unused
  std::vector<uint32_t> free_;
};

/// The borrow bookkeeping of one synchronous call: the own handles the
/// caller lent (released when the call ends) and the number of borrow
/// handles the callee still holds (must be zero when it returns).
class CallScope {
 public:
  CallScope() = default;
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  /// Records a caller's own handle lent for the call.
  void add_lender(Handle& handle);
  /// A borrow handle was created in (or dropped from) the callee's table.
  void add_borrow() { ++borrows_; }
  void drop_borrow() { --borrows_; }
  /// Ends the call: a trap when borrow handles remain; releases the lenders.
  Status finish();

 private:
  std::vector<Handle*> lenders_;
  uint32_t borrows_ = 0;
};

/// `canon resource.new`: an own handle for `rep` in `table`.
Result<uint32_t> resource_new(HandleTable& table, const ResourceTypePtr& type, uint32_t rep);
/// `canon resource.drop`: removes the handle; an own handle's resource is
/// destroyed (its destructor called) unless lent.
Status resource_drop(HandleTable& table, const ResourceTypePtr& type, uint32_t index);
/// `canon resource.rep`: the representation behind an own or borrow handle.
Result<uint32_t> resource_rep(HandleTable& table, const ResourceTypePtr& type, uint32_t index);

}  // namespace flint::canon

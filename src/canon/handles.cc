// Handles across a call, as CanonicalABI.md's lift_own, lift_borrow,
// lower_own and lower_borrow.
#include "canon/handles.h"

#include <string>

namespace flint::canon {

namespace {

Result<HandleTable*> table_of(CallContext& cx) {
  if (!cx.handles) return make_error(ErrorCode::UnknownHandle, "(no handle table)");
  return cx.handles;
}

}  // namespace

Result<uint32_t> lift_own(CallContext& cx, const ResourceTypePtr& type, uint32_t index) {
  FLINT_ASSIGN(HandleTable * table, table_of(cx));
  // Check before removing, so a trap leaves the table as it was.
  FLINT_ASSIGN(Handle * h, get_typed(*table, type, index));
  if (h->lends != 0) return make_error(ErrorCode::HandleBorrowed);
  if (!h->own)
    return make_error(ErrorCode::HandleNotOwned,
                      std::to_string(index) + " is a borrow, not an owned resource");
  FLINT_ASSIGN(Handle moved, table->remove(index));
  return moved.rep;
}

Result<uint32_t> lift_borrow(CallContext& cx, const ResourceTypePtr& type, uint32_t index) {
  FLINT_ASSIGN(HandleTable * table, table_of(cx));
  FLINT_ASSIGN(Handle * h, get_typed(*table, type, index));
  // Only an own handle needs pinning; a borrow handle is already pinned by
  // the call it was lent for, which outlives this one.
  if (h->own && cx.scope) cx.scope->add_lender(*h);
  return h->rep;
}

Result<uint32_t> lower_own(CallContext& cx, const ResourceTypePtr& type, uint32_t rep) {
  FLINT_ASSIGN(HandleTable * table, table_of(cx));
  return resource_new(*table, type, rep);
}

Result<uint32_t> lower_borrow(CallContext& cx, const ResourceTypePtr& type, uint32_t rep) {
  // The implementer gets its own representation back, not a handle.
  if (type && cx.instance && type->implementer == cx.instance) return rep;
  FLINT_ASSIGN(HandleTable * table, table_of(cx));
  Handle h;
  h.resource = type;
  h.rep = rep;
  h.own = false;
  h.scope = cx.scope;
  FLINT_ASSIGN(uint32_t index, table->add(std::move(h)));
  if (cx.scope) cx.scope->add_borrow();
  return index;
}

}  // namespace flint::canon

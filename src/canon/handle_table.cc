// Handle tables, call scopes and the resource built-ins (CanonicalABI.md,
// "Handle State", lift_own/lift_borrow's bookkeeping, canon resource.new,
// resource.drop and resource.rep).
#include "canon/handle_table.h"

#include <string>

#include "canon/handles.h"

namespace flint::canon {

namespace {

// The spec's limit on a table's length, so an index fits in 28 bits.
constexpr size_t kMaxTableLength = (size_t(1) << 28) - 1;

}  // namespace

Result<uint32_t> HandleTable::add(Handle handle) {
  // Reuse freed indices first, most recently freed first, as the spec's
  // Table.add does.
  if (!free_.empty()) {
    uint32_t i = free_.back();
    free_.pop_back();
    (*slots_)[i] = std::move(handle);
    return i;
  }
  if (!slots_) slots_.emplace(1);  // index 0 is never a handle
  if (slots_->size() >= kMaxTableLength) return make_error(ErrorCode::HandleTableFull);
  slots_->push_back(std::move(handle));
  return uint32_t(slots_->size() - 1);
}

Result<Handle*> HandleTable::get(uint32_t index) {
  if (!slots_ || index >= slots_->size() || !(*slots_)[index])
    return make_error(ErrorCode::UnknownHandle, std::to_string(index));
  return &*(*slots_)[index];
}

Result<Handle> HandleTable::remove(uint32_t index) {
  FLINT_ASSIGN(Handle * h, get(index));
  Handle out = std::move(*h);
  (*slots_)[index].reset();
  free_.push_back(index);
  return out;
}

void CallScope::add_lender(Handle& handle) {
  ++handle.lends;
  lenders_.push_back(&handle);
}

Status CallScope::finish() {
  if (borrows_ != 0) return make_error(ErrorCode::BorrowsRemain);
  for (Handle* h : lenders_) --h->lends;
  lenders_.clear();
  return {};
}

Error wrong_handle_type(uint32_t index, const ResourceTypePtr& expected,
                        const ResourceTypePtr& found) {
  // Wasmtime's sentence, which says "a different" whoever defined each.
  auto who = [](const ResourceTypePtr& r) {
    return r && r->implementer ? "guest-defined" : "host-defined";
  };
  return make_error(ErrorCode::HandleWrongType,
                    std::to_string(index) + " used with the wrong type, expected " + who(expected) +
                        " resource but found a different " + who(found) + " resource");
}

Result<Handle*> get_typed(HandleTable& table, const ResourceTypePtr& type, uint32_t index) {
  FLINT_ASSIGN(Handle * h, table.get(index));
  if (h->resource != type) return wrong_handle_type(index, type, h->resource);
  return h;
}

Result<uint32_t> resource_new(HandleTable& table, const ResourceTypePtr& type, uint32_t rep) {
  Handle h;
  h.resource = type;
  h.rep = rep;
  h.own = true;
  return table.add(std::move(h));
}

Status resource_drop(HandleTable& table, const ResourceTypePtr& type, uint32_t index) {
  FLINT_ASSIGN(Handle * h, get_typed(table, type, index));
  // An own handle lent to a call in progress stays until the call ends.
  if (h->own && h->lends != 0) return make_error(ErrorCode::HandleBorrowed);
  FLINT_ASSIGN(Handle dropped, table.remove(index));
  if (!dropped.own) {
    if (dropped.scope) dropped.scope->drop_borrow();
    return {};
  }
  if (type && type->destructor) return type->destructor(dropped.rep);
  return {};
}

Result<uint32_t> resource_rep(HandleTable& table, const ResourceTypePtr& type, uint32_t index) {
  FLINT_ASSIGN(Handle * h, get_typed(table, type, index));
  return h->rep;
}

}  // namespace flint::canon

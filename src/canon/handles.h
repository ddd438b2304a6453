// Own and borrow handles crossing a call (CanonicalABI.md, lift_own,
// lift_borrow, lower_own, lower_borrow): moving a resource between handle
// tables and recording borrows in the call's scope.
#pragma once

#include <cstdint>

#include "canon/context.h"
#include "component/value_type.h"
#include "flint/result.h"

namespace flint::canon {

/// The "handle index N used with the wrong type, expected ... but found ..."
/// trap, in Wasmtime's words.
Error wrong_handle_type(uint32_t index, const ResourceTypePtr& expected,
                        const ResourceTypePtr& found);

/// The handle at `index`, which must be of resource type `type`.
Result<Handle*> get_typed(HandleTable& table, const ResourceTypePtr& type, uint32_t index);

/// lift_own: takes the own handle at `index` out of the context's table
/// (traps when it is lent, a borrow, or of another type); its rep.
Result<uint32_t> lift_own(CallContext& cx, const ResourceTypePtr& type, uint32_t index);
/// lift_borrow: the rep behind the handle at `index`; an own handle is
/// recorded as lent for the call (cx.scope) so it cannot be dropped meanwhile.
Result<uint32_t> lift_borrow(CallContext& cx, const ResourceTypePtr& type, uint32_t index);
/// lower_own: a new own handle for `rep` in the context's table.
Result<uint32_t> lower_own(CallContext& cx, const ResourceTypePtr& type, uint32_t rep);
/// lower_borrow: the rep itself when the context's instance implements the
/// resource; otherwise a borrow handle counted in cx.scope.
Result<uint32_t> lower_borrow(CallContext& cx, const ResourceTypePtr& type, uint32_t rep);

}  // namespace flint::canon

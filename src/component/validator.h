// Component validation (component-model Binary.md's validation notes,
// Explainer.md): the checks decoding leaves out. Implemented so far: every
// index in range for its sort, as the index spaces stand at each definition
// (outer aliases against the enclosing components'); type indices of the
// right kind where the component's own type definitions tell; defined
// value types well formed (non-empty records, variants, tuples, flags and
// enums; at most 32 flags; labels kebab-case and unique; own and borrow of
// resources); import and export names well formed and unique; canon options
// neither repeated nor conflicting, and `memory` / `realloc` present when a
// lifted or lowered signature passes strings or lists through memory.
// Not yet: component and instance type scopes, type equality and
// subtyping, instantiation arguments, resource and borrow rules,
// transitive visibility of exported types.
#pragma once

#include "component/component.h"
#include "flint/result.h"

namespace flint::component {

/// Validates a decoded component and, recursively, the components nested in
/// it. Errors carry the byte offset of the offending definition and the
/// reference scripts' sentence in their detail.
Status validate_component(const Component& component);

}  // namespace flint::component

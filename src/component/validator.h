// Component validation (component-model Binary.md's validation notes,
// Explainer.md's type checking, CanonicalABI.md's canonopt validation),
// with wasmparser's words where the reference scripts check them.
//
// Every index space is resolved (type_resolver.h) as the definitions are
// walked in order, in the component and in every component and instance
// type's own scope: index bounds and kinds; defined value types (non-empty,
// kebab-case unique labels, at most 32 flags, handles of resources, no
// `borrow` in results, `stream<char>` reserved); names (extern-name
// grammar, uniqueness, `implements` on plain-named instances, the
// `[constructor]` / `[method]` / `[static]` shapes and resource names);
// instantiation arguments against the component's imports and core
// instantiation arguments against the module's imports (subtyping.h);
// export aliases against instance types; outer aliases (count, sorts in
// type scopes, no resources across a component boundary); resources
// (`resource.new` / `rep` of local resources only, destructor signature,
// definitions only in concrete components, generative on instantiation);
// external visibility of the types in imports' and exports' signatures;
// ascribed export types; canon options (memory / realloc required,
// realloc and post-return signatures) and the core signature of `canon
// lift` against the flattened function type (flatten.h). Nested core
// modules are core-validated. Not covered: the async built-ins' core
// signatures and the async rules, value sizes (max-value-size.wast is
// upstream's nyi).
#pragma once

#include "component/component.h"
#include "flint/result.h"

namespace flint::component {

/// Validates a decoded component and, recursively, the components nested in
/// it. Errors carry the byte offset of the offending definition and the
/// reference scripts' sentence in their detail.
Status validate_component(const Component& component);

// resolve_component (type_resolver.h) validates the same way and also
// returns the resolved types of the component's index spaces.

}  // namespace flint::component

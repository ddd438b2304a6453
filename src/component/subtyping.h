// Type equality and subtyping of component-level types (component-model
// Explainer.md, "Type Checking" and "Subtyping"), as wasmparser applies
// them to instantiation arguments, imports and ascribed exports: value
// types must be equal (structurally; resources by identity); a function's
// parameters and result must match by name and type; an instance (or a
// component's exports) may have more exports than expected; a component's
// imports may be fewer than expected.
//
// Errors carry wasmparser's words ("expected 1 fields, found 2", "type
// mismatch in record field `x`", "resource types are not the same"),
// outer context first ("type mismatch in instance export `a`: ...").
#pragma once

#include <set>

#include "component/type_resolver.h"
#include "flint/result.h"

namespace flint::component {

/// The state of one subtype check: the expected type's abstract resources
/// that the actual type's resources may stand for (the imports of a
/// component being instantiated, the `(sub resource)` exports of an
/// expected instance type), and what each stood for so far. Declarations
/// are matched in order, so a resource is bound before functions use it.
struct SubtypeContext {
  std::set<const ResourceType*> bindable;
  ResourceMap bound;
};

/// Whether `actual` may be used where `expected` is wanted.
Status entity_subtype(const EntityType& actual, const EntityType& expected, SubtypeContext& cx,
                      size_t offset);
/// Type entities (what `(type (eq i))` or a type argument is).
Status type_subtype(const TypeEntity& actual, const TypeEntity& expected, SubtypeContext& cx,
                    size_t offset);
/// Function types: parameters by count, name and type; the result.
Status func_subtype(const FunctionType& actual, const FunctionType& expected, SubtypeContext& cx,
                    size_t offset);
/// Value types: equal up to the context's resource bindings.
Status value_subtype(const ValueType& actual, const ValueType& expected, SubtypeContext& cx,
                     size_t offset);
/// Core module types: the actual's imports among the expected's, the
/// expected's exports among the actual's.
Status module_subtype(const CoreModuleSig& actual, const CoreModuleSig& expected, size_t offset);

/// Whether two value types are equal (no resource binding).
bool same_value_type(const ValueType& a, const ValueType& b);

}  // namespace flint::component

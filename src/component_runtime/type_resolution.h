// Resolving the types a component defines into the standalone types of
// component/value_type.h, against the type space of the frame being
// instantiated (so resource types are this instantiation's own).
#pragma once

#include "component/types.h"
#include "component_runtime/frame.h"
#include "flint/result.h"

namespace flint::component {

/// The resolved type `t` denotes in `frame`.
Result<ValueTypePtr> resolve_value_type(const Frame& frame, const ValType& t);
/// The resolved form of a value type definition.
Result<ValueTypePtr> resolve_def_val_type(const Frame& frame, const DefValType& def);
/// The resolved form of a function type.
Result<FunctionTypePtr> resolve_function_type(const Frame& frame, const FuncType& type);
/// The resolved form of a type definition that is not a resource: a value
/// or function type resolved; a component or instance type as written.
Result<TypeItem> resolve_type_definition(const Frame& frame, const TypeDef& def);

}  // namespace flint::component

// The index spaces of one component while it is being instantiated
// (component-model Explainer.md, "Index Spaces"): each definition appends
// to its sort's space; aliases, canon definitions and exports read them.
#pragma once

#include <memory>
#include <vector>

#include "component_runtime/compiled_component.h"
#include "component_runtime/instance_state.h"
#include "component_runtime/items.h"

namespace flint::component {

struct Frame {
  /// The frame of the component this one's definition is nested in, as it
  /// was at the definition: outer aliases read it. Null at the top.
  std::shared_ptr<const Frame> outer;
  /// The component instance being made.
  std::shared_ptr<InstanceState> state;
  /// The CompiledComponent whose definitions this frame runs (its identity
  /// only): a frame may cache resolved types in it only when it is the
  /// instantiation's own, not a component definition given as an import.
  const void* compiled = nullptr;

  std::vector<Extern> core_funcs, core_tables, core_memories, core_globals, core_tags;
  /// Core types matter to validation only; kept so indices line up.
  size_t core_type_count = 0;
  std::vector<CoreModuleItem> core_modules;
  std::vector<CoreInstancePtr> core_instances;
  std::vector<FunctionPtr> funcs;
  std::vector<TypeItem> types;
  std::vector<DefinitionItem> components;
  std::vector<InstancePtr> instances;
};

}  // namespace flint::component

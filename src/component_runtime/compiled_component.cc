// Compiling a component: decode, validate, then compile its core modules.
#include "component_runtime/compiled_component.h"

#include "component/decoder.h"
#include "component/validator.h"
#include "component_runtime/lowered_function.h"

namespace flint::component {

Result<std::shared_ptr<const CompiledComponent>> CompiledComponent::compile(
    std::vector<uint8_t> bytes, const Config& config) {
  std::shared_ptr<CompiledComponent> compiled(new CompiledComponent);
  compiled->bytes_ = std::move(bytes);
  FLINT_ASSIGN(compiled->component_, decode_component(compiled->bytes_));
  FLINT_TRY(validate_component(compiled->component_));
  FLINT_TRY(compiled->compile_modules(compiled->component_, config));
  return std::shared_ptr<const CompiledComponent>(std::move(compiled));
}

Status CompiledComponent::compile_modules(const Component& component, const Config& config) {
  const std::span<const uint8_t> all(bytes_);
  for (const CoreModule& m : component.core_modules) {
    // Offsets are within the outermost component, nested ones' too.
    auto module = flint::compile(all.subspan(m.offset, m.size), config);
    if (!module) {
      Error e = std::move(module).error();
      if (e.offset) *e.offset += m.offset;
      return e;
    }
    modules_.emplace(&m, std::move(module).value());
  }
  for (const NestedComponent& nested : component.components)
    FLINT_TRY(compile_modules(*nested.component, config));
  return {};
}

std::optional<TypeItem> CompiledComponent::resolved_type(const TypeDef& def) const {
  std::shared_lock lock(types_mutex_);
  auto it = resolved_types_.find(&def);
  if (it == resolved_types_.end()) return std::nullopt;
  return it->second;
}

void CompiledComponent::cache_resolved_type(const TypeDef& def, const TypeItem& item) const {
  bool mentions = true;
  if (const ValueTypePtr* v = item.value()) mentions = mentions_resource(**v);
  if (const FunctionTypePtr* fn = item.function()) {
    const FunctionType& t = **fn;
    mentions = t.result && mentions_resource(*t.result);
    for (const Param& p : t.params) mentions = mentions || mentions_resource(*p.type);
  }
  if (mentions) return;
  std::unique_lock lock(types_mutex_);
  resolved_types_.emplace(&def, item);
}

flint::FuncType CompiledComponent::lowered_core_type(const Canon& lower,
                                                     const FunctionTypePtr& callee,
                                                     bool async) const {
  {
    std::shared_lock lock(lowers_mutex_);
    auto it = lowered_types_.find(&lower);
    if (it != lowered_types_.end() && it->second.first == callee) return it->second.second;
  }
  flint::FuncType core = component::lowered_core_type(*callee, async);
  std::unique_lock lock(lowers_mutex_);
  lowered_types_.insert_or_assign(&lower, std::pair{callee, core});
  return core;
}

}  // namespace flint::component

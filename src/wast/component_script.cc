// Components in WAST scripts.
#include "wast/component_script.h"

#include <cmath>

#include "component/wave.h"
#include "text/parse.h"
#include "wast/component_literal_value.h"

namespace flint::wast {

using component::CompiledComponent;
using component::ComponentValue;
using component::InstancePtr;

Result<std::shared_ptr<const CompiledComponent>> ComponentScript::compile(const ScriptModule& m) {
  std::vector<uint8_t> bytes = m.binary;
  if (m.form == ScriptModule::Form::Quote) {
    FLINT_ASSIGN(bytes, text::parse_wat("(component " + m.quote + ")"));
  }
  return CompiledComponent::compile(std::move(bytes), config_);
}

Result<InstancePtr> ComponentScript::instantiate(
    std::shared_ptr<const CompiledComponent> compiled) {
  static const component::ComponentLinker kNoImports;
  return component::instantiate(store_, std::move(compiled), kNoImports);
}

void ComponentScript::add_instance(InstancePtr instance, const std::optional<std::string>& id) {
  current_ = instance;
  if (id) named_[*id] = std::move(instance);
}

void ComponentScript::define(std::shared_ptr<const CompiledComponent> compiled,
                             const std::optional<std::string>& id) {
  latest_definition_ = compiled;
  if (id) definitions_[*id] = std::move(compiled);
}

std::shared_ptr<const CompiledComponent> ComponentScript::definition(
    const std::optional<std::string>& id) const {
  if (!id) return latest_definition_;
  auto it = definitions_.find(*id);
  return it == definitions_.end() ? nullptr : it->second;
}

Result<ComponentScript::ActionResult> ComponentScript::perform(const Action& action) {
  InstancePtr instance = current_;
  if (action.module) {
    auto it = named_.find(*action.module);
    instance = it == named_.end() ? nullptr : it->second;
  }
  if (!instance)
    return make_error(ErrorCode::Usage,
                      "no component instance " + action.module.value_or("(current)"));
  FLINT_ASSIGN(component::FunctionPtr f, component::find_function(*instance, action.field));
  const component::FunctionType& type = f->type();
  if (action.component_args.size() != type.params.size())
    return make_error(ErrorCode::Usage, "\"" + action.field + "\" takes " +
                                            std::to_string(type.params.size()) + " arguments");
  std::vector<ComponentValue> args;
  for (size_t i = 0; i < type.params.size(); ++i) {
    FLINT_ASSIGN(ComponentValue v,
                 literal_to_value(action.component_args[i], *type.params[i].type));
    args.push_back(std::move(v));
  }
  FLINT_ASSIGN(std::optional<ComponentValue> result, f->call(store_, args));
  return ActionResult{std::move(result), type.result};
}

namespace {

/// Whether an expected literal with a NaN class matches: any NaN does, as
/// lifted NaNs are canonical.
bool nan_matches(const ComponentLiteral& expected, const ComponentValue& got) {
  if (got.kind == component::TypeKind::F32) return std::isnan(got.as_f32());
  if (got.kind == component::TypeKind::F64) return std::isnan(got.as_f64());
  return false;
}

}  // namespace

std::optional<std::string> ComponentScript::mismatch(
    const ActionResult& got, const std::vector<ComponentLiteral>& expected) {
  if (expected.empty()) {
    if (got.value) return "a result where none was expected";
    return std::nullopt;
  }
  if (!got.value || !got.type) return "no result where one was expected";
  if (expected.size() != 1) return "more than one expected result";
  const ComponentLiteral& want = expected[0];
  if (want.nan != ComponentLiteral::Nan::None) {
    if (nan_matches(want, *got.value)) return std::nullopt;
    return "expected NaN, got " + component::to_wave(*got.value, *got.type);
  }
  auto value = literal_to_value(want, *got.type);
  if (!value) return value.error().describe();
  if (component::equal(*value, *got.value)) return std::nullopt;
  return "got " + component::to_wave(*got.value, *got.type) + ", expected " +
         component::to_wave(*value, *got.type);
}

}  // namespace flint::wast

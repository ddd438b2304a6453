// The component half of a WAST script run: components compiled and
// instantiated in the script's store, named instances and definitions, and
// actions on component exports with the script's literals turned into
// typed component values.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "wast/script.h"

namespace flint::wast {

class ComponentScript {
 public:
  ComponentScript(Store& store, const Config& config) : store_(store), config_(config) {}

  /// Parses (a quote form now), decodes, validates and compiles a script
  /// component.
  Result<std::shared_ptr<const component::CompiledComponent>> compile(const ScriptModule& m);
  /// Instantiates with no imports (the scripts link components inside a
  /// parent component).
  Result<component::InstancePtr> instantiate(
      std::shared_ptr<const component::CompiledComponent> compiled);

  /// Makes `instance` the current one, and names it when `id` is given.
  void add_instance(component::InstancePtr instance, const std::optional<std::string>& id);
  /// Keeps a `component definition` under `id` (and as the latest).
  void define(std::shared_ptr<const component::CompiledComponent> compiled,
              const std::optional<std::string>& id);
  /// The definition named `id`, or the latest one.
  std::shared_ptr<const component::CompiledComponent> definition(
      const std::optional<std::string>& id) const;

  /// What an action returned, with the type its function declares.
  struct ActionResult {
    std::optional<component::ComponentValue> value;
    component::ValueTypePtr type;
  };
  /// Calls the export an action names with its literals as arguments.
  Result<ActionResult> perform(const Action& action);
  /// Why `got` does not satisfy `expected` (nothing when it does).
  static std::optional<std::string> mismatch(const ActionResult& got,
                                             const std::vector<ComponentLiteral>& expected);

 private:
  Store& store_;
  const Config& config_;
  component::InstancePtr current_;
  std::map<std::string, component::InstancePtr> named_;
  std::map<std::string, std::shared_ptr<const component::CompiledComponent>> definitions_;
  std::shared_ptr<const component::CompiledComponent> latest_definition_;
};

}  // namespace flint::wast

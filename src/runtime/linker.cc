// Linker: resolves a module's imports by (module, name) (spec 4.5.4 step 3;
// the WAST `register` command).
#include <fmt/format.h>

#include "flint/runtime.h"
#include "module/module.h"

namespace flint {

void Linker::define(std::string module, std::string name, Extern item) {
  items_[{std::move(module), std::move(name)}] = item;
}

void Linker::define_instance(const std::string& module, const Instance& instance) {
  for (const Export& e : instance.module().exports)
    if (std::optional<Extern> item = instance.find_export(e.name)) define(module, e.name, *item);
}

Result<Instance*> Linker::instantiate(Store& store, const CompiledModule& module) const {
  std::vector<Extern> externs;
  for (const Import& imp : module.module().imports) {
    auto it = items_.find(std::pair<std::string, std::string>(imp.module, imp.name));
    if (it == items_.end())
      return make_error(ErrorCode::UnknownImport, fmt::format("\"{}\" \"{}\" ({})", imp.module,
                                                              imp.name, to_string(imp.kind)));
    externs.push_back(it->second);
  }
  return store.instantiate(module, externs);
}

}  // namespace flint

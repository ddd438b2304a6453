#include "interp/interp_module.h"

#include <algorithm>

#include "interp/executor.h"
#include "interp/translator.h"

namespace flint::interp {

std::optional<uint32_t> CompiledFunction::wasm_offset(const Word* ip) const {
  if (ip < code.data() || ip >= code.data() + code.size()) return std::nullopt;
  uint32_t at = uint32_t(ip - code.data());
  auto it = std::upper_bound(offsets.begin(), offsets.end(), at,
                             [](uint32_t v, const auto& e) { return v < e.first; });
  if (it == offsets.begin()) return std::nullopt;
  return std::prev(it)->second;
}

Result<std::shared_ptr<InterpModule>> InterpModule::create(
    std::shared_ptr<const ValidatedModule> module, const TranslateOptions& options) {
  std::shared_ptr<InterpModule> m(new InterpModule());
  m->validated_ = std::move(module);
  const Module& mod = m->validated_->module();
  // All functions exist before any is translated: direct calls point at them.
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    auto f = std::make_unique<CompiledFunction>();
    f->module = m.get();
    f->index = mod.imported_functions + i;
    m->functions_.push_back(std::move(f));
  }
  for (uint32_t i = 0; i < mod.functions.size(); ++i)
    FLINT_TRY(translate_function(*m, i, options, *m->functions_[i]));
  return m;
}

Status InterpModule::prepare_instance(InstanceImpl& instance, ExecutionState&) const {
  const Module& m = module();
  for (uint32_t d = 0; d < m.functions.size(); ++d) {
    FuncInst* f = instance.funcs[m.imported_functions + d];
    f->entry = call_interpreted;
    f->code = EngineCode{&interp::engine(), functions_[d].get()};
  }
  return {};
}

namespace {

class InterpEngine final : public Engine {
 public:
  EngineKind kind() const override { return EngineKind::Interpreter; }
  Result<std::shared_ptr<const EngineModule>> compile(std::span<const uint8_t>,
                                                      std::shared_ptr<const ValidatedModule> module,
                                                      const Config& config) const override {
    TranslateOptions options;
    options.loop_fuel = config.fuel.has_value();
    options.interruptible = config.interruptible;
    FLINT_ASSIGN(std::shared_ptr<InterpModule> compiled,
                 InterpModule::create(std::move(module), options));
    return std::shared_ptr<const EngineModule>(std::move(compiled));
  }
};

}  // namespace

const Engine& engine() {
  static const InterpEngine instance;
  return instance;
}

}  // namespace flint::interp

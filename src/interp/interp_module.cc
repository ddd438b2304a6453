#include "interp/interp_module.h"

#include <algorithm>

#include "interp/translator.h"
#include "runtime/type_registry.h"

namespace flint::interp {

std::optional<uint32_t> CompiledFunction::wasm_offset(const Word* ip) const {
  if (ip < code.data() || ip >= code.data() + code.size()) return std::nullopt;
  uint32_t at = uint32_t(ip - code.data());
  auto it = std::upper_bound(offsets.begin(), offsets.end(), at,
                             [](uint32_t v, const auto& e) { return v < e.first; });
  if (it == offsets.begin()) return std::nullopt;
  return std::prev(it)->second;
}

Result<std::shared_ptr<InterpModule>> InterpModule::create(Module module,
                                                           const TranslateOptions& options) {
  std::shared_ptr<InterpModule> m(new InterpModule());
  m->module_ = std::move(module);
  const Module& mod = m->module_;
  for (const FuncType& t : mod.types) m->type_ids_.push_back(canonical_type_id(t));
  // All functions exist before any is translated: direct calls point at them.
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    auto f = std::make_unique<CompiledFunction>();
    f->module = m.get();
    f->index = mod.imported_functions + i;
    m->functions_.push_back(std::move(f));
  }
  m->options_ = options;
  if (!options.lazy) FLINT_TRY(m->ensure_translated());
  return m;
}

Status InterpModule::ensure_translated() const {
  if (translated()) return {};
  std::lock_guard lock(translate_mutex_);
  if (translated()) return {};
  if (translate_error_) return *translate_error_;
  if (options_.load_bodies) {
    if (Status s = options_.load_bodies(module_); !s) {
      translate_error_ = s.error();
      return s;
    }
  }
  for (uint32_t i = 0; i < module_.functions.size(); ++i) {
    // The functions are this module's own: only their code is filled in here.
    Status s = translate_function(*this, i, options_, *functions_[i]);
    if (!s) {
      translate_error_ = s.error();
      return s;
    }
  }
  translated_.store(true, std::memory_order_release);
  return {};
}

}  // namespace flint::interp

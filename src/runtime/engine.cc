#include "runtime/engine.h"

#include "aot/aot_module.h"
#include "interp/executor.h"

namespace flint {

const interp::InterpModule& interp_module_of(const CompiledModule& compiled) {
  if (auto* aot = dynamic_cast<const aot::AotModule*>(&compiled)) return aot->interp();
  return static_cast<const interp::InterpModule&>(compiled);
}

Status attach_engine(const CompiledModule& compiled, InstanceImpl& instance,
                     interp::Executor& executor) {
  if (auto* aot = dynamic_cast<const aot::AotModule*>(&compiled)) return aot->attach(instance, executor);
  return {};
}

Result<std::vector<Value>> invoke(interp::Executor& executor, const Config& config, FuncInst* func,
                                  std::span<const Value> args) {
  if (func->native.code) return aot::call_native(func, args, config);
  return executor.call(func, args);
}

}  // namespace flint

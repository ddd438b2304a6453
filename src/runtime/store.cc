// Store: creation of host objects, invocation, and inspection (spec 4.5
// "Modules" / the embedding interface of the spec's appendix A).
#include <fmt/format.h>

#include <cstring>

#include "module/module.h"
#include "runtime/deadline_timer.h"
#include "runtime/host_call.h"
#include "runtime/store_state.h"
#include "runtime/type_registry.h"

namespace flint {

Store::Store(Config config) : config_(config), state_(std::make_unique<State>(*this, config_)) {}
Store::~Store() = default;

Store::State::~State() { cancel_deadline(exec.interrupted); }

Extern Store::host_function(FuncType type, HostCallback callback, std::string name) {
  auto f = std::make_unique<FuncInst>();
  f->type_id = canonical_type_id(type);
  f->type = std::move(type);
  f->entry = call_host_function;
  f->host = std::move(callback);
  f->name = std::move(name);
  Extern e;
  e.kind = ExternKind::Func;
  e.func = f.get();
  state_->funcs.push_back(std::move(f));
  return e;
}

Extern Store::create_table(TableType type, Value init) {
  auto t = std::make_unique<TableInst>();
  t->element = type.element;
  t->max = type.limits.max;
  t->elements.assign(std::min(type.limits.min, kMaxTableElements), init.ref);
  Extern e;
  e.kind = ExternKind::Table;
  e.table = t.get();
  state_->tables.push_back(std::move(t));
  return e;
}

Result<Extern> Store::create_memory(MemoryType type) {
  FLINT_ASSIGN(std::unique_ptr<MemoryInst> m, MemoryInst::create(type, config_.max_memory_pages));
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = m.get();
  state_->memories.push_back(std::move(m));
  return e;
}

Extern Store::create_global(GlobalType type, Value value) {
  auto g = std::make_unique<GlobalInst>();
  g->type = type;
  value.type = type.type;
  store_value(value, g->value);
  Extern e;
  e.kind = ExternKind::Global;
  e.global = g.get();
  state_->globals.push_back(std::move(g));
  return e;
}

namespace {

// The arguments' count and types against the function's (the only place
// they are checked: engines trust their callers).
Status check_arguments(const FuncType& type, std::span<const Value> args) {
  if (args.size() != type.params.size())
    return make_error(ErrorCode::Usage,
                      fmt::format("function {} takes {} arguments, {} given", to_string(type),
                                  type.params.size(), args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != type.params[i])
      return make_error(ErrorCode::Usage,
                        fmt::format("argument {} is {}, the function takes {}", i,
                                    to_string(args[i].type), to_string(type.params[i])));
  return {};
}

}  // namespace

Result<std::vector<Value>> Store::call(Extern func, std::span<const Value> args) {
  if (func.kind != ExternKind::Func || !func.func)
    return make_error(ErrorCode::Usage, "call of something that is not a function");
  FuncInst& f = *func.func;
  FLINT_TRY(check_arguments(f.type, args));
  return call_with_values(f, state_->exec, nullptr, args);
}

const std::vector<BacktraceFrame>& Store::last_backtrace() const { return state_->exec.backtrace; }

std::optional<uint64_t> Store::remaining_fuel() const {
  if (!config_.fuel) return std::nullopt;
  return state_->exec.fuel < 0 ? 0 : uint64_t(state_->exec.fuel);
}

std::shared_ptr<void>& Store::attachment(const void* key) { return state_->attachments[key]; }

void Store::interrupt() { state_->exec.interrupted.store(1, std::memory_order_relaxed); }

void Store::set_deadline(std::chrono::steady_clock::time_point deadline) {
  schedule_deadline(state_->exec.interrupted, deadline);
}

void Store::clear_interrupt() {
  cancel_deadline(state_->exec.interrupted);
  state_->exec.interrupted.store(0, std::memory_order_relaxed);
}

FuncType Store::func_type(Extern func) const { return func.func->type; }
GlobalType Store::global_type(Extern global) const { return global.global->type; }
TableType Store::table_type(Extern table) const { return table.table->type(); }
MemoryType Store::memory_type(Extern memory) const { return memory.memory->type(); }

Value Store::global_value(Extern global) const {
  return load_value(global.global->type.type, global.global->value);
}

std::span<uint8_t> Store::memory_data(Extern memory) const {
  return {memory.memory->base, size_t(memory.memory->size)};
}

void ExecutionState::start_fuel_budget() {
  fuel = config.fuel ? int64_t(std::min<uint64_t>(*config.fuel, INT64_MAX)) : INT64_MAX;
}

std::optional<Extern> Caller::memory() const {
  const auto* inst = static_cast<const InstanceImpl*>(instance_);
  if (!inst || inst->memories.empty()) return std::nullopt;
  // With several memories (multi-memory), host APIs use the one exported as
  // "memory", as WASI's convention and wasmtime's get_export("memory") have
  // it; only then is the lookup worth its cost.
  if (inst->memories.size() > 1) {
    auto it = inst->exports.find("memory");
    if (it != inst->exports.end() && it->second.kind == ExternKind::Memory) return it->second;
  }
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = inst->memories[0];
  return e;
}

std::optional<Extern> Caller::find_export(std::string_view name) const {
  if (!instance_) return std::nullopt;
  return instance_->find_export(name);
}

}  // namespace flint

// Store: creation of host objects, invocation, and inspection (spec 4.5
// "Modules" / the embedding interface of the spec's appendix A).
#include <cstring>

#include "runtime/engine.h"
#include "runtime/store_state.h"
#include "runtime/type_registry.h"

namespace flint {

Store::Store(Config config) : config_(config), state_(std::make_unique<State>(config_)) {}
Store::~Store() = default;

Extern Store::host_function(FuncType type, HostCallback callback, std::string name) {
  auto f = std::make_unique<FuncInst>();
  f->type_id = canonical_type_id(type);
  f->type = std::move(type);
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

Result<std::vector<Value>> Store::call(Extern func, std::span<const Value> args) {
  if (func.kind != ExternKind::Func || !func.func)
    return make_error(ErrorCode::Usage, "call of something that is not a function");
  return invoke(state_->executor, config_, func.func, args);
}

const std::vector<BacktraceFrame>& Store::last_backtrace() const {
  return state_->executor.backtrace();
}

std::optional<uint64_t> Store::remaining_fuel() const { return state_->executor.remaining_fuel(); }

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

}  // namespace flint

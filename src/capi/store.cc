// Stores, functions (host and wasm), callers, memories, globals and tables
// of the C API (include/flint.h).
#include <cstring>

#include "capi/capi.h"

using namespace flint;

namespace flint::capi {

bool from_c(const flint_val_t& in, Value& out) {
  switch (in.kind) {
    case FLINT_I32: out = Value::i32_(uint32_t(in.of.i32)); return true;
    case FLINT_I64: out = Value::i64_(uint64_t(in.of.i64)); return true;
    case FLINT_F32: out = Value::f32_(in.of.f32); return true;
    case FLINT_F64: out = Value::f64_(in.of.f64); return true;
    case FLINT_V128: {
      V128 v;
      std::memcpy(v.bytes, in.of.v128, 16);
      out = Value::v128_(v);
      return true;
    }
    case FLINT_FUNCREF: out = Value::ref_(ValType::FuncRef, in.of.funcref); return true;
    case FLINT_EXTERNREF: out = Value::ref_(ValType::ExternRef, in.of.externref); return true;
  }
  return false;
}

flint_val_t to_c(const Value& v) {
  flint_val_t out;
  std::memset(&out, 0, sizeof out);
  out.kind = flint_valkind_t(v.type);
  switch (v.type) {
    case ValType::I32: out.of.i32 = int32_t(v.i32); break;
    case ValType::I64: out.of.i64 = int64_t(v.i64); break;
    case ValType::F32: out.of.f32 = v.as_f32(); break;
    case ValType::F64: out.of.f64 = v.as_f64(); break;
    case ValType::V128: std::memcpy(out.of.v128, v.v128.bytes, 16); break;
    case ValType::FuncRef: out.of.funcref = static_cast<flint_func_t*>(v.ref); break;
    case ValType::ExternRef: out.of.externref = v.ref; break;
    case ValType::ExnRef: out.of.externref = v.ref; break;  // opaque to C, like an externref
  }
  return out;
}

Extern unwrap(const flint_extern_t& e) {
  Extern out;
  out.kind = ExternKind(e.kind);
  switch (e.kind) {
    case FLINT_EXTERN_FUNC: out.func = unwrap(e.of.func); break;
    case FLINT_EXTERN_TABLE: out.table = unwrap(e.of.table); break;
    case FLINT_EXTERN_MEMORY: out.memory = unwrap(e.of.memory); break;
    case FLINT_EXTERN_GLOBAL: out.global = unwrap(e.of.global); break;
    default: out.kind = ExternKind::Func, out.func = nullptr;  // refused by the caller
  }
  return out;
}

flint_extern_t to_c(const Extern& e) {
  flint_extern_t out;
  out.kind = flint_extern_kind_t(e.kind);
  switch (e.kind) {
    case ExternKind::Func: out.of.func = reinterpret_cast<flint_func_t*>(e.func); break;
    case ExternKind::Table: out.of.table = reinterpret_cast<flint_table_t*>(e.table); break;
    case ExternKind::Memory: out.of.memory = reinterpret_cast<flint_memory_t*>(e.memory); break;
    case ExternKind::Global: out.of.global = reinterpret_cast<flint_global_t*>(e.global); break;
    case ExternKind::Tag: out.of.func = nullptr; break;  // the C API has no tag objects yet
  }
  return out;
}

}  // namespace flint::capi

using namespace flint::capi;

namespace {

/// A host function's env, finalised with the function (so with its store).
struct HostEnv {
  void* env;
  flint_finalizer_t finalizer;
  HostEnv(void* e, flint_finalizer_t f) : env(e), finalizer(f) {}
  HostEnv(const HostEnv&) = delete;
  HostEnv& operator=(const HostEnv&) = delete;
  ~HostEnv() {
    if (finalizer) finalizer(env);
  }
};

Result<FuncType> functype_from_c(const flint_functype_t& type) {
  if ((!type.params && type.param_count) || (!type.results && type.result_count))
    return make_error(ErrorCode::Usage, "a function type with a NULL array");
  FuncType out;
  Value check;
  for (size_t i = 0; i < type.param_count + type.result_count; ++i) {
    bool param = i < type.param_count;
    flint_val_t v{};
    v.kind = param ? type.params[i] : type.results[i - type.param_count];
    if (!from_c(v, check)) return make_error(ErrorCode::Usage, "an unknown value kind");
    (param ? out.params : out.results).push_back(check.type);
  }
  return out;
}

// Calls the C callback with C values; what it returns must have the
// declared kinds, or the call traps.
Status call_host(flint_func_callback_t callback, HostEnv& env, flint_store_t* store,
                 const FuncType& type, Caller& caller, std::span<const Value> args,
                 std::span<Value> results) {
  std::vector<flint_val_t> values(args.size() + results.size());
  for (size_t i = 0; i < args.size(); ++i) values[i] = to_c(args[i]);
  for (size_t i = 0; i < results.size(); ++i) values[args.size() + i] = to_c(results[i]);
  flint_caller c{&caller, store};
  flint_error_t* error = callback(env.env, &c, values.data(), args.size(),
                                  values.data() + args.size(), results.size());
  if (error) {
    Error e = std::move(error->error);
    delete error;
    return e;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    const flint_val_t& r = values[args.size() + i];
    if (!from_c(r, results[i]) || results[i].type != type.results[i])
      return make_error(ErrorCode::HostTrap, "result " + std::to_string(i) + " is not of kind " +
                                                 std::string(to_string(type.results[i])));
  }
  return {};
}

}  // namespace

extern "C" {

flint_store_t* flint_store_new(const flint_engine_t* engine) {
  return new flint_store(engine ? engine->config : Config{});
}
void flint_store_delete(flint_store_t* store) { delete store; }

bool flint_store_fuel_remaining(const flint_store_t* store, uint64_t* out) {
  if (!store) return false;
  std::optional<uint64_t> fuel = store->store.remaining_fuel();
  if (fuel && out) *out = *fuel;
  return fuel.has_value();
}

void flint_store_interrupt(flint_store_t* store) {
  if (store) store->store.interrupt();
}
void flint_store_set_deadline_ms(flint_store_t* store, uint64_t ms) {
  if (store)
    store->store.set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(ms));
}
void flint_store_clear_interrupt(flint_store_t* store) {
  if (store) store->store.clear_interrupt();
}

flint_error_t* flint_func_new(flint_store_t* store, const flint_functype_t* type,
                              flint_func_callback_t callback, void* env,
                              flint_finalizer_t finalizer, flint_func_t** out) {
  auto host_env = std::make_shared<HostEnv>(env, finalizer);  // finalises env on failure too
  if (!store || !type || !callback || !out) return usage("flint_func_new: a NULL argument");
  Result<FuncType> ft = functype_from_c(*type);
  if (!ft) return to_c(std::move(ft).error());
  HostCallback body = [callback, host_env, store, type = *ft](
                          Caller& caller, std::span<const Value> args, std::span<Value> results) {
    return call_host(callback, *host_env, store, type, caller, args, results);
  };
  *out = to_c(store->store.host_function(*ft, std::move(body))).of.func;
  return nullptr;
}

flint_error_t* flint_func_type(const flint_store_t* store, const flint_func_t* func,
                               flint_functype_t* out) {
  if (!store || !func || !out) return usage("flint_func_type: a NULL argument");
  FuncInst* f = unwrap(func);
  auto& cache = const_cast<flint_store_t*>(store)->func_types;
  auto [it, inserted] = cache.try_emplace(f);
  if (inserted) describe_func(f->type, it->second);
  *out = it->second.type.func;
  return nullptr;
}

flint_error_t* flint_func_call(flint_store_t* store, const flint_func_t* func,
                               const flint_val_t* args, size_t arg_count, flint_val_t* results,
                               size_t result_count) {
  if (!store || !func || (!args && arg_count) || (!results && result_count))
    return usage("flint_func_call: a NULL argument");
  FuncInst* f = unwrap(func);
  if (result_count != f->type.results.size())
    return usage("function " + to_string(f->type) + " returns " +
                 std::to_string(f->type.results.size()) + " results, room for " +
                 std::to_string(result_count) + " given");
  std::vector<Value> values(arg_count);
  for (size_t i = 0; i < arg_count; ++i)
    if (!from_c(args[i], values[i]))
      return usage("argument " + std::to_string(i) + " has an unknown value kind");
  Extern e;
  e.func = f;
  Result<std::vector<Value>> r = store->store.call(e, values);
  if (!r) {
    flint_error_t* error = to_c(std::move(r).error());
    if (flint_error_is_trap(error)) error->frames = store->store.last_backtrace();
    if (error->error.code == ErrorCode::ProcExit && store->wasi && store->wasi->exit_code)
      error->exit_status = int(*store->wasi->exit_code);
    return error;
  }
  for (size_t i = 0; i < result_count; ++i) results[i] = to_c((*r)[i]);
  return nullptr;
}

flint_store_t* flint_caller_store(const flint_caller_t* caller) {
  return caller ? caller->store : nullptr;
}

bool flint_caller_memory(const flint_caller_t* caller, flint_memory_t** out) {
  if (!caller || !out) return false;
  std::optional<Extern> m = caller->caller->memory();
  if (!m) return false;
  *out = to_c(*m).of.memory;
  return true;
}

bool flint_caller_export(const flint_caller_t* caller, const char* name, size_t size,
                         flint_extern_t* out) {
  if (!caller || !out || (!name && size)) return false;
  std::optional<Extern> e = caller->caller->find_export(std::string_view(name ? name : "", size));
  if (!e) return false;
  *out = to_c(*e);
  return true;
}

uint8_t* flint_memory_data(const flint_store_t* store, const flint_memory_t* memory) {
  return store && memory ? unwrap(memory)->base : nullptr;
}

size_t flint_memory_size(const flint_store_t* store, const flint_memory_t* memory) {
  return store && memory ? size_t(unwrap(memory)->size) : 0;
}

flint_error_t* flint_memory_grow(flint_store_t* store, flint_memory_t* memory, uint64_t delta,
                                 uint64_t* old_pages) {
  if (!store || !memory) return usage("flint_memory_grow: a NULL argument");
  int64_t old = unwrap(memory)->grow(delta);
  if (old < 0)
    return usage("memory cannot grow by " + std::to_string(delta) +
                 " pages (its maximum or the engine's cap)");
  if (old_pages) *old_pages = uint64_t(old);
  return nullptr;
}

flint_error_t* flint_global_get(const flint_store_t* store, const flint_global_t* global,
                                flint_val_t* out) {
  if (!store || !global || !out) return usage("flint_global_get: a NULL argument");
  Extern e;
  e.kind = ExternKind::Global;
  e.global = unwrap(global);
  *out = to_c(store->store.global_value(e));
  return nullptr;
}

flint_error_t* flint_global_set(flint_store_t* store, flint_global_t* global,
                                const flint_val_t* value) {
  if (!store || !global || !value) return usage("flint_global_set: a NULL argument");
  GlobalInst* g = unwrap(global);
  Value v;
  if (!from_c(*value, v) || v.type != g->type.type)
    return usage("the global holds " + std::string(to_string(g->type.type)));
  if (!g->type.is_mutable) return usage("the global is immutable");
  store_value(v, g->value);
  return nullptr;
}

uint64_t flint_table_size(const flint_store_t* store, const flint_table_t* table) {
  return store && table ? unwrap(table)->elements.size() : 0;
}

flint_error_t* flint_table_get(const flint_store_t* store, const flint_table_t* table,
                               uint64_t index, flint_val_t* out) {
  if (!store || !table || !out) return usage("flint_table_get: a NULL argument");
  TableInst* t = unwrap(table);
  if (index >= t->elements.size())
    return usage("table index " + std::to_string(index) + " out of bounds");
  *out = to_c(Value::ref_(t->element, t->elements[index]));
  return nullptr;
}

}  // extern "C"

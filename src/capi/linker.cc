// Linkers, instances and WASI of the C API (include/flint.h).
#include "capi/capi.h"
#include "wasi/wasi.h"

using namespace flint;
using namespace flint::capi;

extern "C" {

flint_linker_t* flint_linker_new(void) { return new flint_linker{}; }
void flint_linker_delete(flint_linker_t* linker) { delete linker; }

flint_error_t* flint_linker_define(flint_linker_t* linker, const char* module, const char* name,
                                   const flint_extern_t* item) {
  if (!linker || !module || !name || !item) return usage("flint_linker_define: a NULL argument");
  Extern e = unwrap(*item);
  if (!e.func) return usage("flint_linker_define: not a function, table, memory or global");
  linker->linker.define(module, name, e);
  return nullptr;
}

flint_error_t* flint_linker_define_func(flint_linker_t* linker, flint_store_t* store,
                                        const char* module, const char* name,
                                        const flint_functype_t* type,
                                        flint_func_callback_t callback, void* env,
                                        flint_finalizer_t finalizer) {
  flint_func_t* func = nullptr;
  if (flint_error_t* error = flint_func_new(store, type, callback, env, finalizer, &func))
    return error;
  flint_extern_t item;
  item.kind = FLINT_EXTERN_FUNC;
  item.of.func = func;
  return flint_linker_define(linker, module, name, &item);
}

flint_error_t* flint_linker_define_instance(flint_linker_t* linker, const char* module,
                                            const flint_instance_t* instance) {
  if (!linker || !module || !instance)
    return usage("flint_linker_define_instance: a NULL argument");
  linker->linker.define_instance(module, *unwrap(instance));
  return nullptr;
}

flint_error_t* flint_linker_instantiate(const flint_linker_t* linker, flint_store_t* store,
                                        const flint_module_t* module, flint_instance_t** out) {
  if (!linker || !store || !module || !out)
    return usage("flint_linker_instantiate: a NULL argument");
  Result<Instance*> instance = linker->linker.instantiate(store->store, *module->compiled);
  if (!instance) {
    flint_error_t* error = to_c(std::move(instance).error());
    if (flint_error_is_trap(error)) error->frames = store->store.last_backtrace();
    return error;
  }
  *out = reinterpret_cast<flint_instance_t*>(*instance);
  return nullptr;
}

bool flint_instance_export(const flint_instance_t* instance, const char* name, size_t size,
                           flint_extern_t* out) {
  if (!instance || !out || (!name && size)) return false;
  std::optional<Extern> e = unwrap(instance)->find_export(std::string_view(name ? name : "", size));
  if (!e) return false;
  *out = to_c(*e);
  return true;
}

flint_wasi_config_t* flint_wasi_config_new(void) { return new flint_wasi_config{}; }
void flint_wasi_config_delete(flint_wasi_config_t* config) { delete config; }

void flint_wasi_config_arg(flint_wasi_config_t* config, const char* arg) {
  if (config && arg) config->options.args.emplace_back(arg);
}
void flint_wasi_config_env(flint_wasi_config_t* config, const char* name, const char* value) {
  if (config && name && value) config->options.env.emplace_back(name, value);
}
void flint_wasi_config_preopen_dir(flint_wasi_config_t* config, const char* host_path,
                                   const char* guest_path, bool read_only) {
  if (config && host_path && guest_path)
    config->options.dirs.push_back({host_path, guest_path, read_only});
}

flint_error_t* flint_linker_define_wasi(flint_linker_t* linker, flint_store_t* store,
                                        const flint_wasi_config_t* config) {
  if (!linker || !store || !config) return usage("flint_linker_define_wasi: a NULL argument");
  Result<std::shared_ptr<wasi::WasiContext>> ctx = wasi::WasiContext::create(config->options);
  if (!ctx) return to_c(std::move(ctx).error());
  store->wasi = *ctx;
  wasi::define_wasi(linker->linker, store->store, std::move(ctx).value());
  return nullptr;
}

}  // extern "C"

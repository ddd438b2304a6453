// Configs, engines and modules of the C API (include/flint.h).
#include <span>

#include "aot/aot_module.h"
#include "capi/capi.h"
#include "flint/module_info.h"
#include "flint/wat.h"

using namespace flint;

namespace flint::capi {

namespace {

static_assert(int(FLINT_I32) == int(ValType::I32) && int(FLINT_V128) == int(ValType::V128) &&
                  int(FLINT_EXTERNREF) == int(ValType::ExternRef),
              "flint_valkind_t numbers kinds by their binary encoding, as ValType does");

flint_limits_t limits_to_c(const Limits& l) {
  return {l.min, l.max.has_value(), l.max.value_or(0)};
}

void describe(const ExternType& t, flint_capi_item& out) {
  out.type.kind = flint_extern_kind_t(t.kind);
  switch (t.kind) {
    case ExternKind::Func: describe_func(t.func, out); break;
    case ExternKind::Table:
      out.type.table_elem = flint_valkind_t(t.table.element);
      out.type.limits = limits_to_c(t.table.limits);
      break;
    case ExternKind::Memory: out.type.limits = limits_to_c(t.memory.limits); break;
    case ExternKind::Global:
      out.type.global_type = flint_valkind_t(t.global.type);
      out.type.global_mutable = t.global.is_mutable;
      break;
    case ExternKind::Tag: break;  // the C API describes no tag types yet (kind 4 only)
  }
}

flint_error_t* finish(Result<std::shared_ptr<const CompiledModule>> compiled,
                      flint_module_t** out) {
  if (!compiled) return to_c(std::move(compiled).error());
  auto* m = new flint_module{};
  m->compiled = std::move(compiled).value();
  for (ImportInfo& i : imports(*m->compiled)) {
    flint_capi_item& item = m->imports.emplace_back();
    item.module = std::move(i.module);
    item.name = std::move(i.name);
    describe(i.type, item);
  }
  for (ExportInfo& e : exports(*m->compiled)) {
    flint_capi_item& item = m->exports.emplace_back();
    item.name = std::move(e.name);
    describe(e.type, item);
  }
  *out = m;
  return nullptr;
}

bool item_at(const std::vector<flint_capi_item>& items, size_t index, bool with_module,
             flint_importexport_t* out) {
  if (!out || index >= items.size()) return false;
  const flint_capi_item& item = items[index];
  out->module = with_module ? item.module.c_str() : nullptr;
  out->name = item.name.c_str();
  out->type = item.type;
  return true;
}

}  // namespace

void describe_func(const FuncType& type, flint_capi_item& out) {
  out.params.clear();
  out.results.clear();
  for (ValType t : type.params) out.params.push_back(flint_valkind_t(t));
  for (ValType t : type.results) out.results.push_back(flint_valkind_t(t));
  out.type.kind = FLINT_EXTERN_FUNC;
  out.type.func = {out.params.data(), out.params.size(), out.results.data(), out.results.size()};
}

}  // namespace flint::capi

using namespace flint::capi;

extern "C" {

flint_config_t* flint_config_new(void) { return new flint_config{}; }
void flint_config_delete(flint_config_t* config) { delete config; }

void flint_config_engine(flint_config_t* config, flint_engine_kind_t kind) {
  if (config)
    config->config.engine = kind == FLINT_ENGINE_AOT ? EngineKind::Aot : EngineKind::Interpreter;
}
void flint_config_fuel(flint_config_t* config, uint64_t fuel) {
  if (config) config->config.fuel = fuel;
}
void flint_config_max_memory_pages(flint_config_t* config, uint64_t pages) {
  if (config) config->config.max_memory_pages = pages;
}
void flint_config_max_stack_bytes(flint_config_t* config, uint64_t bytes) {
  if (config) config->config.max_stack_bytes = bytes;
}
void flint_config_interruptible(flint_config_t* config, bool interruptible) {
  if (config) config->config.interruptible = interruptible;
}

flint_engine_t* flint_engine_new(const flint_config_t* config) {
  return new flint_engine{config ? config->config : Config{}};
}
void flint_engine_delete(flint_engine_t* engine) { delete engine; }

const char* flint_aot_compiler_path(void) {
  thread_local std::string path;
  path = aot::compiler_path();
  return path.c_str();
}

flint_error_t* flint_module_compile(const flint_engine_t* engine, const uint8_t* bytes, size_t size,
                                    flint_module_t** out) {
  if (!engine || !out || (!bytes && size)) return usage("flint_module_compile: a NULL argument");
  return finish(compile(std::span(bytes, size), engine->config), out);
}

flint_error_t* flint_module_compile_wat(const flint_engine_t* engine, const char* text, size_t size,
                                        flint_module_t** out) {
  if (!engine || !out || (!text && size)) return usage("flint_module_compile_wat: a NULL argument");
  Result<std::vector<uint8_t>> wasm = text::parse_wat(std::string_view(text ? text : "", size));
  if (!wasm) return to_c(std::move(wasm).error());
  return finish(compile(*wasm, engine->config), out);
}

flint_error_t* flint_module_load_precompiled(const flint_engine_t* engine, const uint8_t* bytes,
                                             size_t size, flint_module_t** out) {
  if (!engine || !out || (!bytes && size))
    return usage("flint_module_load_precompiled: a NULL argument");
  return finish(load_precompiled(std::span(bytes, size), engine->config), out);
}

bool flint_module_is_precompiled(const uint8_t* bytes, size_t size) {
  return bytes && is_precompiled(std::span(bytes, size));
}

void flint_module_delete(flint_module_t* module) { delete module; }

size_t flint_module_import_count(const flint_module_t* module) {
  return module ? module->imports.size() : 0;
}
bool flint_module_import(const flint_module_t* module, size_t index, flint_importexport_t* out) {
  return module && item_at(module->imports, index, true, out);
}
size_t flint_module_export_count(const flint_module_t* module) {
  return module ? module->exports.size() : 0;
}
bool flint_module_export(const flint_module_t* module, size_t index, flint_importexport_t* out) {
  return module && item_at(module->exports, index, false, out);
}

}  // extern "C"

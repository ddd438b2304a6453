#include "wasi/wasi.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "module/module.h"
#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

// The calling instance's memory, which WASI modules export as "memory":
// reached through the caller, so calls work from a start function too. A
// module without memory gets an empty one, and a call that needs it traps
// on its first pointer.
GuestMemory guest_memory(const Caller& caller) {
  std::optional<Extern> memory = caller.memory();
  if (!memory) return GuestMemory({});
  return GuestMemory(caller.store().memory_data(*memory));
}

FuncType signature_of(const HostFunctionSpec& spec) {
  FuncType type;
  for (char c : spec.params) type.params.push_back(c == 'I' ? ValType::I64 : ValType::I32);
  if (spec.returns_errno) type.results.push_back(ValType::I32);
  return type;
}

void define_all(Linker& linker, Store& store, const std::shared_ptr<WasiContext>& ctx,
                std::span<const HostFunctionSpec> specs, const Module* only_imports_of = nullptr) {
  for (const HostFunctionSpec& spec : specs) {
    if (only_imports_of && !std::any_of(only_imports_of->imports.begin(),
                                        only_imports_of->imports.end(), [&](const Import& i) {
                                          return i.module == kModuleName && i.name == spec.name;
                                        }))
      continue;
    HostHandler handler = spec.handler;
    bool returns_errno = spec.returns_errno;
    // The callback holds the context weakly: the store must not keep it alive.
    std::weak_ptr<WasiContext> weak = ctx;
    HostCallback callback = [weak, handler, returns_errno](Caller& caller,
                                                           std::span<const Value> args,
                                                           std::span<Value> results) -> Status {
      std::shared_ptr<WasiContext> c = weak.lock();
      if (!c) return make_error(ErrorCode::HostTrap, "the WASI context is gone");
      HostCall call{*c, guest_memory(caller), args};
      FLINT_ASSIGN(Errno errno_value, handler(call));
      if (returns_errno) results[0] = Value::i32_(uint32_t(errno_value));
      return {};
    };
    std::string name(spec.name);
    linker.define(std::string(kModuleName), name,
                  store.host_function(signature_of(spec), std::move(callback),
                                      std::string(kModuleName) + "::" + name));
  }
}

// Every area's table, in the order of wasi_snapshot_preview1.witx's sections.
const std::array<std::span<const HostFunctionSpec>, 9>& all_tables() {
  static const std::array<std::span<const HostFunctionSpec>, 9> tables = {
      args_environ_functions(), clock_random_functions(), fd_io_functions(),
      fd_meta_functions(),      fd_dir_functions(),       path_functions(),
      poll_functions(),         proc_functions(),         socket_functions()};
  return tables;
}

}  // namespace

void define_wasi(Linker& linker, Store& store, std::shared_ptr<WasiContext> ctx) {
  for (auto table : all_tables()) define_all(linker, store, ctx, table);
}

void define_wasi_imports(Linker& linker, Store& store, std::shared_ptr<WasiContext> ctx,
                         const Module& module) {
  for (auto table : all_tables()) define_all(linker, store, ctx, table, &module);
}

std::optional<FuncType> function_type(std::string_view name) {
  for (auto table : all_tables())
    for (const HostFunctionSpec& spec : table)
      if (spec.name == name) return signature_of(spec);
  return std::nullopt;
}

std::vector<std::string_view> function_names() {
  std::vector<std::string_view> names;
  for (auto table : all_tables())
    for (const HostFunctionSpec& spec : table) names.push_back(spec.name);
  return names;
}

Error invalid_enum(std::string_view type_name, uint32_t value) {
  return make_error(ErrorCode::HostTrap,
                    fmt::format("invalid enum value {} for ${}", value, type_name));
}

bool imports_wasi(const Module& module) {
  for (const Import& import : module.imports)
    if (import.module == kModuleName) return true;
  return false;
}

}  // namespace flint::wasi

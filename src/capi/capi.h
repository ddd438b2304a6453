// What the C API's handles are (include/flint.h), and the conversions
// between C and C++ values and errors that its files share. Functions,
// memories, globals, tables and instances are the runtime's own objects
// behind opaque pointer types; the rest wrap a C++ object.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "flint.h"
#include "flint/runtime.h"
#include "runtime/objects.h"
#include "wasi/context.h"

struct flint_config {
  flint::Config config;
};

struct flint_engine {
  flint::Config config;
};

/// An import or export as flint_importexport_t shows it, with the storage
/// its pointers point into.
struct flint_capi_item {
  std::string module, name;
  std::vector<flint_valkind_t> params, results;
  flint_externtype_t type{};
};

struct flint_module {
  std::shared_ptr<const flint::CompiledModule> compiled;
  std::vector<flint_capi_item> imports, exports;
};

struct flint_store {
  explicit flint_store(const flint::Config& config) : store(config) {}
  flint::Store store;
  /// flint_func_type's arrays, per function, made on first request.
  std::unordered_map<const flint::FuncInst*, flint_capi_item> func_types;
  /// The WASI context defined last, whose proc_exit code a call reports.
  std::shared_ptr<flint::wasi::WasiContext> wasi;
};

struct flint_linker {
  flint::Linker linker;
};

struct flint_caller {
  flint::Caller* caller;
  flint_store_t* store;
};

struct flint_error {
  flint::Error error;
  std::string message;
  std::vector<flint::BacktraceFrame> frames;
  std::optional<int> exit_status;
};

struct flint_wasi_config {
  flint::wasi::WasiOptions options;
};

namespace flint::capi {

/// A new flint_error_t for `error` (message as flint_error_message says).
flint_error_t* to_c(Error error);
/// An error of the API's own use: a NULL handle, a wrong count or kind.
flint_error_t* usage(std::string detail);
/// Converts a C value to C++; false for an unknown kind.
bool from_c(const flint_val_t& in, Value& out);
flint_val_t to_c(const Value& v);
/// Fills `out` with `type` (its arrays kept in `out`'s storage).
void describe_func(const FuncType& type, flint_capi_item& out);

inline FuncInst* unwrap(const flint_func_t* f) {
  return reinterpret_cast<FuncInst*>(const_cast<flint_func_t*>(f));
}
inline MemoryInst* unwrap(const flint_memory_t* m) {
  return reinterpret_cast<MemoryInst*>(const_cast<flint_memory_t*>(m));
}
inline GlobalInst* unwrap(const flint_global_t* g) {
  return reinterpret_cast<GlobalInst*>(const_cast<flint_global_t*>(g));
}
inline TableInst* unwrap(const flint_table_t* t) {
  return reinterpret_cast<TableInst*>(const_cast<flint_table_t*>(t));
}
inline const Instance* unwrap(const flint_instance_t* i) {
  return reinterpret_cast<const Instance*>(i);
}
Extern unwrap(const flint_extern_t& e);
flint_extern_t to_c(const Extern& e);

}  // namespace flint::capi

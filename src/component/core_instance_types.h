// The types of core definitions inside a component: what a core module
// imports and exports, what a core instance exports, and the matching of a
// core instantiation's arguments (component-model Binary.md, "Core
// Definitions"; core spec 4.5.4's import matching, which the component
// model's `core instantiate` uses).
//
// The component validator needs these to check `core instantiate`
// arguments against a module's imports, `core export` aliases against an
// instance's exports, and the core functions named by `canon lift`,
// `realloc`, `post-return` and resource destructors against the
// signatures the canonical ABI expects.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"
#include "flint/types.h"
#include "module/module.h"

namespace flint::component {

/// The type of one core import or export: a function signature, or a
/// table, memory or global type. `known` is false for core functions whose
/// signature the validator does not work out (the async built-ins): checks
/// against them are skipped, not guessed.
struct CoreExternType {
  ExternKind kind = ExternKind::Func;
  bool known = true;
  flint::FuncType func;  ///< Func, and Tag: the tag's function type
  TableType table;
  MemoryType memory;
  GlobalType global;

  /// A core function of signature `f`.
  static CoreExternType of_func(flint::FuncType f) {
    CoreExternType t;
    t.func = std::move(f);
    return t;
  }
};

/// A core import: module name, item name and type.
struct CoreImportSig {
  std::string module, name;
  CoreExternType type;
};
/// A core export: name and type.
struct CoreExportSig {
  std::string name;
  CoreExternType type;
};

/// A core module's type: its imports (in order) and exports.
struct CoreModuleSig {
  std::vector<CoreImportSig> imports;
  std::vector<CoreExportSig> exports;
};
using CoreModuleSigPtr = std::shared_ptr<const CoreModuleSig>;

/// A core instance's type: its exports.
struct CoreInstanceSig {
  std::vector<CoreExportSig> exports;
  /// The export named `name`, or nullptr.
  const CoreExternType* find(std::string_view name) const;
};
using CoreInstanceSigPtr = std::shared_ptr<const CoreInstanceSig>;

/// The type of a decoded core module.
CoreModuleSig module_sig(const Module& m);

/// The type of one of `m`'s imports (types resolved through m.types).
CoreExternType import_type(const Module& m, const Import& i);

/// Whether `actual` may be supplied where `expected` is wanted (core spec
/// "Import Subtyping": same kind, equal function and global types, limits
/// within limits, equal shared flags). A validation error ("component type
/// mismatch") whose detail has wasmparser's words: "expected global, found
/// func", "mismatch in table limits", "mismatch in the shared flag for
/// memories", ...
Status core_extern_matches(const CoreExternType& actual, const CoreExternType& expected,
                           size_t offset);

/// A core value type list as wasmparser prints it in messages: "[I32, I64]".
std::string debug_list(const std::vector<flint::ValType>& types);

}  // namespace flint::component

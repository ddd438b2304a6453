// What a compiled module imports and exports, with their types (spec 2.5.10
// "Imports", 2.5.11 "Exports"): what an embedder needs to supply imports by
// name or to bind exports without knowing the module in advance.
#pragma once

#include <string>
#include <vector>

#include "flint/runtime.h"
#include "flint/types.h"

namespace flint {

/// The type of an import or export: `kind` says which of the other members
/// is meaningful.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;      ///< kind == Func
  TableType table;    ///< kind == Table
  MemoryType memory;  ///< kind == Memory
  GlobalType global;  ///< kind == Global
  FuncType tag;       ///< kind == Tag: the payload as params, no results
};

/// One import of a module: its two-level name and the type it must have.
struct ImportInfo {
  std::string module;
  std::string name;
  ExternType type;
};

/// One export of a module: its name and type.
struct ExportInfo {
  std::string name;
  ExternType type;
};

/// The module's imports, in the order Store::instantiate takes them.
std::vector<ImportInfo> imports(const CompiledModule& module);
/// The module's exports, in the module's order.
std::vector<ExportInfo> exports(const CompiledModule& module);

}  // namespace flint

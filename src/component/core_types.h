// Core types inside a component (component-model Binary.md, "Type
// Definitions": `core:type`, `core:moduletype`): core function types, the
// GC proposal's struct, array and recursive types, and core module types
// that describe a core module's imports and exports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flint/types.h"
#include "module/module.h"

namespace flint::component {

/// A core:deftype other than a module type: `rectype` of the GC proposal.
/// Plain function types (the common case) are decoded into `func`; struct,
/// array, `sub` and `rec` types are checked for shape and kept as bytes,
/// since Flint's core engines do not run GC code.
struct CoreDefType {
  enum class Kind : uint8_t { Func, Struct, Array, Sub, Rec };
  Kind kind = Kind::Func;
  std::optional<flint::FuncType> func;  ///< a func of numeric, vector, funcref and externref types
  size_t offset = 0, size = 0;          ///< the encoding's byte range in the component
};

/// One declaration of a core module type.
struct CoreModuleDecl {
  enum class Kind : uint8_t { Import = 0x00, Type = 0x01, Alias = 0x02, Export = 0x03 };
  Kind kind = Kind::Import;
  /// Import: module, name and description; Export: the name in `name`
  /// and the description as an import's (`module` empty).
  Import item;
  CoreDefType type;                           ///< Type
  uint32_t outer_count = 0, outer_index = 0;  ///< Alias: `outer ct idx` of sort core type
  size_t offset = 0;
};

/// core:moduletype (0x50): the imports and exports a core module must have.
struct CoreModuleType {
  std::vector<CoreModuleDecl> decls;
};

/// core:type: one entry of a core type section or a core type declaration.
struct CoreTypeDef {
  bool is_module = false;
  CoreDefType type;       ///< when !is_module
  CoreModuleType module;  ///< when is_module
  size_t offset = 0;
};

}  // namespace flint::component

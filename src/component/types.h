// Component-level types (component-model Binary.md, "Type Definitions"):
// value types, function types, resource types and the component and
// instance types whose declarations describe imports and exports.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "component/core_types.h"
#include "component/sort.h"

namespace flint::component {

/// primvaltype: the byte values are the binary encoding.
enum class PrimType : uint8_t {
  Bool = 0x7f,
  S8 = 0x7e,
  U8 = 0x7d,
  S16 = 0x7c,
  U16 = 0x7b,
  S32 = 0x7a,
  U32 = 0x79,
  S64 = 0x78,
  U64 = 0x77,
  F32 = 0x76,
  F64 = 0x75,
  Char = 0x74,
  String = 0x73,
  ErrorContext = 0x64,  ///< 📝 error-context
};

/// Whether `byte` is a primvaltype's encoding.
bool is_prim_type(uint8_t byte);
/// The text format's name of a primitive type ("u32", "error-context").
const char* prim_name(PrimType t);

/// valtype: a primitive type, or the index of a defined value type in the
/// type index space.
struct ValType {
  bool is_index = false;
  PrimType prim = PrimType::Bool;  ///< when !is_index
  uint32_t index = 0;              ///< when is_index

  static ValType of(PrimType p) { return {false, p, 0}; }
  static ValType at(uint32_t i) { return {true, PrimType::Bool, i}; }
};

/// labelvaltype: a record field or a function parameter.
struct LabeledType {
  std::string label;
  ValType type;
};

/// A variant case: a label and an optional payload. (The trailing byte that
/// once held `refines` must be 0x00.)
struct Case {
  std::string label;
  std::optional<ValType> type;
};

struct RecordType {
  std::vector<LabeledType> fields;
};
struct VariantType {
  std::vector<Case> cases;
};
/// `list t`, or with a length the fixed-size `list t n` (0x67).
struct ListType {
  ValType element;
  std::optional<uint32_t> length;
};
struct TupleType {
  std::vector<ValType> types;
};
struct FlagsType {
  std::vector<std::string> labels;
};
struct EnumType {
  std::vector<std::string> labels;
};
struct OptionType {
  ValType type;
};
struct ResultType {
  std::optional<ValType> ok, error;
};
/// `own i` and `borrow i`: handles to the resource type i.
struct OwnType {
  uint32_t resource = 0;
};
struct BorrowType {
  uint32_t resource = 0;
};
/// 🔀 `stream t?` and `future t?`.
struct StreamType {
  std::optional<ValType> element;
};
struct FutureType {
  std::optional<ValType> element;
};
/// `map k v` (0x63).
struct MapType {
  ValType key, value;
};

/// defvaltype: a value type definition.
using DefValType =
    std::variant<PrimType, RecordType, VariantType, ListType, TupleType, FlagsType, EnumType,
                 OptionType, ResultType, OwnType, BorrowType, StreamType, FutureType, MapType>;

/// functype: 0x40, or 0x43 for an `async` function; at most one result.
struct FuncType {
  bool async = false;
  std::vector<LabeledType> params;
  std::optional<ValType> result;
};

/// resourcetype: `(resource (rep i32) (dtor f)?)`; the representation is
/// always i32 (its core byte 0x7f) in the MVP.
struct ResourceDef {
  uint8_t rep = 0x7f;
  std::optional<uint32_t> dtor;  ///< a core function index
};

/// typebound in an extern description: `(eq i)` or `(sub resource)`.
struct TypeBound {
  bool sub_resource = false;
  uint32_t eq = 0;  ///< when !sub_resource
};

/// valuebound 🪙: `(eq i)` on a value index, or a value type.
struct ValueBound {
  bool eq = false;
  uint32_t value = 0;  ///< when eq
  ValType type;        ///< when !eq
};

/// externdesc: what an import or export is, by sort and type.
struct ExternDesc {
  enum class Kind : uint8_t {
    CoreModule = 0x00,  ///< 0x00 0x11 core:typeidx
    Func = 0x01,
    Value = 0x02,
    Type = 0x03,
    Component = 0x04,
    Instance = 0x05,
  };
  Kind kind = Kind::Func;
  uint32_t type = 0;  ///< CoreModule: core type index; Func, Component, Instance: type index
  TypeBound bound;    ///< Type
  ValueBound value;   ///< Value
};

/// The space an import or export of this description lands in.
Space space_of(ExternDesc::Kind kind);

/// A name attribute (0x02-prefixed extern names): `implements`, ...
struct NameAttribute {
  uint8_t kind = 0;  ///< 0x00 implements, 0x01 version suffix, 0x02 external id
  std::string value;
};

/// An extern name as the binary writes it; parse_extern_name gives its
/// structure.
struct RawName {
  uint8_t prefix = 0;  ///< 0x00 or 0x01 (the same meaning), 0x02 with attributes
  std::string name;
  std::vector<NameAttribute> attributes;
  size_t offset = 0;
};

struct Alias;
struct TypeDef;

/// One declaration of a component or instance type.
struct Decl {
  enum class Kind : uint8_t {
    CoreType = 0x00,
    Type = 0x01,
    Alias = 0x02,
    Import = 0x03,
    Export = 0x04
  };
  Kind kind = Kind::Type;
  size_t offset = 0;
  std::shared_ptr<const CoreTypeDef> core_type;  ///< CoreType
  std::shared_ptr<const TypeDef> type;           ///< Type
  std::shared_ptr<const Alias> alias;            ///< Alias
  RawName name;                                  ///< Import, Export
  ExternDesc desc;                               ///< Import, Export
};

/// componenttype (0x41) and instancetype (0x42): declarations, each scope
/// with its own (initially empty) index spaces.
struct ComponentType {
  std::vector<Decl> decls;
};
struct InstanceType {
  std::vector<Decl> decls;
};

/// deftype: one entry of a type section or a `type` declaration.
struct TypeDef {
  std::variant<DefValType, FuncType, ComponentType, InstanceType, ResourceDef> def;
  size_t offset = 0;

  bool is_value() const { return def.index() == 0; }
  bool is_func() const { return def.index() == 1; }
  bool is_component() const { return def.index() == 2; }
  bool is_instance() const { return def.index() == 3; }
  bool is_resource() const { return def.index() == 4; }
};

}  // namespace flint::component

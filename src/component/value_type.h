// Resolved component value types: a value type with every type index
// followed, so that it stands alone (component-model Explainer.md, "Value
// Types"; CanonicalABI.md works on these).
//
// The binary's `ValType` (types.h) is an index into one scope's type space;
// this is what it denotes. The canonical ABI (layout, flattening, lifting
// and lowering), type equality and subtyping, and values crossing the host
// boundary all work on resolved types, so none of them needs a scope.
//
// Resolved types are immutable and shared (`ValueTypePtr`); resource types
// are compared by identity (the `ResourceType` object), everything else
// structurally.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flint/result.h"

namespace flint::component {

/// What a resolved value type is. Primitive kinds first, then the
/// specialised and compound ones of defvaltype.
enum class TypeKind : uint8_t {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  ErrorContext,  ///< 📝
  List,          ///< `list t`, or `list t n` when `length` is set
  Record,
  Tuple,
  Variant,
  Enum,
  Option,
  Result,
  Flags,
  Own,
  Borrow,
  Stream,  ///< 🔀
  Future,  ///< 🔀
  Map,     ///< `map k v`: lifted and lowered as `list<tuple<k, v>>`
};

/// The text format's name of a kind ("u32", "list", "own").
const char* kind_name(TypeKind kind);
/// Whether `kind` is one of the primitive kinds (Bool..ErrorContext).
inline bool is_primitive(TypeKind kind) { return kind <= TypeKind::ErrorContext; }

/// A resource type. Identity is the object: two handles have the same
/// resource type exactly when they point at the same ResourceType. A
/// component instance that defines a resource makes one per instantiation
/// (resource types are generative); the host makes one per host resource.
struct ResourceType {
  /// For messages ("expected wasi:io/streams.input-stream"); not identity.
  std::string name;
  /// The component instance that implements it (nullptr: the host, or an
  /// abstract type during validation). `borrow` handles lowered into their
  /// implementer become the bare representation (CanonicalABI.md,
  /// lower_borrow).
  const void* implementer = nullptr;
  /// Called with the representation when the last owning handle is
  /// dropped; empty when the resource has no destructor.
  std::function<Status(uint32_t rep)> destructor;
};
using ResourceTypePtr = std::shared_ptr<const ResourceType>;

struct ValueType;
/// A shared, immutable resolved value type.
using ValueTypePtr = std::shared_ptr<const ValueType>;

/// A record field, a variant case or a tuple element (unlabelled). A case
/// without a payload has a null `type`.
struct Field {
  std::string label;
  ValueTypePtr type;
};

/// A resolved value type. Which members are meaningful depends on `kind`:
/// - Record: `fields` (labelled); Tuple: `fields` (labels empty);
/// - Variant: `fields` as cases, `type` null for a case without payload;
/// - Enum, Flags: `labels`;
/// - List, Option, Stream, Future: `element` (Stream/Future: may be null);
///   List with `length`: the fixed-size `list t n`;
/// - Result: `ok` and `error`, each may be null;
/// - Map: `key` in `ok`, value in `element`;
/// - Own, Borrow: `resource`.
struct ValueType {
  TypeKind kind = TypeKind::Bool;
  std::vector<Field> fields;
  std::vector<std::string> labels;
  ValueTypePtr element;
  std::optional<uint32_t> length;
  ValueTypePtr ok, error;
  ResourceTypePtr resource;

  /// The shared instance of a primitive type.
  static ValueTypePtr primitive(TypeKind kind);
  static ValueTypePtr list(ValueTypePtr element);
  static ValueTypePtr fixed_list(ValueTypePtr element, uint32_t length);
  static ValueTypePtr record(std::vector<Field> fields);
  static ValueTypePtr tuple(std::vector<ValueTypePtr> types);
  static ValueTypePtr variant(std::vector<Field> cases);
  static ValueTypePtr enumeration(std::vector<std::string> labels);
  static ValueTypePtr option(ValueTypePtr element);
  static ValueTypePtr result(ValueTypePtr ok, ValueTypePtr error);
  static ValueTypePtr flags(std::vector<std::string> labels);
  static ValueTypePtr own(ResourceTypePtr resource);
  static ValueTypePtr borrow(ResourceTypePtr resource);
  static ValueTypePtr map(ValueTypePtr key, ValueTypePtr value);
};

/// Structural equality; resources by identity.
bool equal(const ValueType& a, const ValueType& b);

/// Whether `t` holds an own or borrow handle anywhere inside it. Only such
/// types differ between instantiations (resource types are generative).
bool mentions_resource(const ValueType& t, int depth = 0);

/// The type in the text format's syntax, for messages:
/// "(list (tuple u8 string))", "(own $r)".
std::string to_string(const ValueType& type);

/// A parameter or result of a resolved function type.
struct Param {
  std::string name;
  ValueTypePtr type;
};

/// A resolved component function type.
struct FunctionType {
  bool async = false;
  std::vector<Param> params;
  ValueTypePtr result;  ///< null: no result
};
using FunctionTypePtr = std::shared_ptr<const FunctionType>;

/// Whether two function types take and give the same types (parameter
/// names aside): what an import of a function requires of its argument.
bool equal(const FunctionType& a, const FunctionType& b);

}  // namespace flint::component

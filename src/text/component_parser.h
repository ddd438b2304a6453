// Text components (component-model Explainer.md, with the text grammar of
// wasm-tools' `wast` crate where the Explainer leaves it open) parsed and
// encoded in the component binary format (Binary.md) in one pass.
//
// Unlike core modules, a component's definitions precede their uses (each
// index space grows in definition order), so one pass in text order suffices.
// What the text writes inline becomes separate definitions, placed as
// wasm-tools places them, since the reference scripts' binaries come from it:
//   - inline types (an anonymous `(list u8)` in a param, an inline function
//     type of an import, an inline instance type) become `type` definitions
//     emitted before the definition that uses them;
//   - export sugar (`(core func $i "f")`, `(func $i "a" "b")`) and names of
//     an enclosing component (a type `$t` defined outside a nested
//     component or component type) become `alias` definitions emitted just
//     before the item that refers to them;
//   - inline exports (`(func (export "f") ...)`) become exports after it.
// Consecutive items of one section kind share one section, as wasm-tools
// writes them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "flint/result.h"
#include "text/byte_writer.h"
#include "text/cursor.h"
#include "text/module_parser.h"

namespace flint::text {

/// Parses `(component $id? field*)` with the cursor at its `(` and returns the
/// component binary. `*end` receives the position after the closing `)`.
Result<std::vector<uint8_t>> encode_component(const std::vector<Token>& tokens, size_t begin,
                                              size_t* end);

/// Parses component fields from `begin` up to the `)` closing the component
/// (left unconsumed, its position in `*end`) and returns the binary.
/// `name` is the component's `$id`, which `(alias outer $id ...)` may name.
Result<std::vector<uint8_t>> encode_component_fields(const std::vector<Token>& tokens, size_t begin,
                                                     size_t* end,
                                                     const std::optional<std::string>& name = {});

/// The index spaces of a component (Explainer.md, "Index Spaces").
enum class CSpace : uint8_t {
  CoreFunc,
  CoreTable,
  CoreMemory,
  CoreGlobal,
  CoreTag,
  CoreType,
  CoreModule,
  CoreInstance,
  Func,
  Value,
  Type,
  Component,
  Instance,
};
inline constexpr size_t kCSpaceCount = 13;

/// Section ids of the component binary format (Binary.md, "Component
/// Definitions").
enum class CSection : uint8_t {
  CoreModule = 1,
  CoreInstance = 2,
  CoreType = 3,
  Component = 4,
  Instance = 5,
  Alias = 6,
  Type = 7,
  Canon = 8,
  Start = 9,
  Import = 10,
  Export = 11,
  Value = 12,
};

/// One scope of definitions: a component, or the declarations of a component
/// type or instance type (which have index spaces of their own and are
/// counted by `outer` aliases like components).
struct ComponentScope {
  enum class Kind : uint8_t { Component, ComponentType, InstanceType };
  Kind kind = Kind::Component;
  std::optional<std::string> id;  ///< `(component $id ...)`, for `outer $id`
  IndexSpace spaces[kCSpaceCount];
  // Component: the finished sections, and the one still open (consecutive
  // items of one kind share a section).
  ByteWriter sections;
  std::optional<CSection> open;
  uint32_t open_count = 0;
  ByteWriter open_body;
  /// Inline exports (`(func (export "f") ...)`): wasm-tools writes them after
  /// every other field of the component, in text order.
  struct DeferredExport {
    CSpace space;
    uint32_t index;
    ByteWriter name;
    const Token* at;
  };
  std::vector<DeferredExport> deferred_exports;  ///< in text order
  // Component and instance types: the declarations.
  uint32_t decl_count = 0;
  ByteWriter decls;

  IndexSpace& space(CSpace s) { return spaces[static_cast<size_t>(s)]; }
};

/// The status of a result whose value is not needed.
template <class T>
Status status_of(Result<T> r) {
  if (!r) return std::move(r).error();
  return {};
}

/// The core sort byte of a core space (Binary.md: core:sort).
uint8_t core_sort_byte(CSpace s);

/// Parses the fields of one (top-level) component and encodes it; nested
/// components, component types and instance types are scopes on its stack.
/// Used through encode_component / encode_component_fields.
class ComponentParser {
 public:
  ComponentParser(const std::vector<Token>& tokens, size_t begin, std::optional<std::string> name)
      : tokens_(tokens), cur_(tokens, begin), name_(std::move(name)) {}

  /// Fields up to the closing `)` (not consumed); the binary component.
  Result<std::vector<uint8_t>> run(size_t* end);

 private:
  // ---- scopes and output: component_encode.cc -----------------------------
  /// One more level of nesting (components and types), bounded.
  Status enter();
  /// Pushes the scope of a component or instance type's declarations.
  Status enter_type_scope(ComponentScope::Kind kind);
  ComponentScope& scope() { return *scopes_.back(); }
  /// Appends one item to the current scope: a section entry, or a
  /// declaration of a component or instance type.
  Status emit(CSection section, const ByteWriter& item, const Token& at);
  void flush_section(ComponentScope& s);
  /// Emits the deferred inline exports, then returns the binary.
  Result<std::vector<uint8_t>> finish_component();
  /// A new entry of `space` in the current scope, named `id` when given.
  Result<uint32_t> define(CSpace space, const std::optional<std::string>& id, const Token& at);

  // ---- references: component_refs.cc --------------------------------------
  /// An index token (number or `$id`) of `space`; a name of an enclosing
  /// scope becomes an outer alias.
  Result<uint32_t> parse_index(CSpace space);
  Result<uint32_t> resolve(CSpace space, const Token& t);
  /// `idx "name"*`: the item, through export aliases when names follow.
  Result<uint32_t> parse_index_path(CSpace space);
  /// A sort keyword (`func`, `core memory`, ...); `core_sorts` reads the bare
  /// core sorts of core instance exports.
  Result<CSpace> parse_sort(bool core_sorts);
  /// `(sort idx "name"*)`, whose sort must be `space`.
  Result<uint32_t> parse_ref_form(CSpace space);
  /// `idx` or `(sort idx "name"*)`: canon options and built-in immediates.
  Result<uint32_t> parse_index_or_ref(CSpace space);
  /// `(sort idx "name"*)` of any sort.
  Status parse_any_ref(CSpace* space, uint32_t* index, bool core_sorts = false);
  void write_sort(ByteWriter& out, CSpace space);
  Status emit_alias_export(CSpace space, uint32_t instance, const std::string& name, bool core,
                           const Token& at, uint32_t* index);
  Result<std::string> parse_extern_name(ByteWriter& out);

  // ---- definitions: component_fields.cc -----------------------------------
  Status parse_field();
  Status parse_core_field();
  Status parse_core_module();
  Status parse_core_instance();
  Result<uint32_t> parse_core_instance_body(const Token& at, const std::optional<std::string>& id);
  Status parse_nested_component();
  Status parse_instance();
  Result<uint32_t> parse_instance_body(const Token& at, const std::optional<std::string>& id);
  Status parse_alias();
  Status parse_import();
  Status parse_export();
  Status parse_start();
  Status parse_func_field();
  Status parse_core_func_field();
  struct OuterTarget {
    uint32_t depth = 0;
    uint32_t index = 0;
  };
  /// The `ct idx` of an outer alias: `ct` a count or an enclosing
  /// component's `$id`, `idx` an index or a name in that scope's `space`.
  /// `extra` scopes lie inside the innermost component scope (a module type).
  Result<OuterTarget> resolve_outer(const Token& ct, const Token& idx, CSpace space,
                                    uint32_t extra);
  Status parse_alias_definition(CSpace space, const std::optional<std::string>& id,
                                uint32_t* index);
  /// `(export "name")*` after a definition's `$id`.
  Status parse_inline_exports(std::vector<std::pair<std::string, ByteWriter>>* names);
  Status emit_inline_exports(CSpace space, uint32_t index,
                             const std::vector<std::pair<std::string, ByteWriter>>& names,
                             const Token& at);
  /// `(import "name")` after a definition's `$id` (the name, with its
  /// options, in `*name`).
  Result<bool> parse_inline_import(ByteWriter* name);
  /// The rest of an inline import: its type use (`what` names the sort in
  /// errors), emitted as an import of `name` with the externdesc bytes
  /// `desc` and the type index.
  Status emit_inline_import(const ByteWriter& name, std::initializer_list<uint8_t> desc,
                            const char* what, const Token& at);

  // ---- types: component_types.cc ------------------------------------------
  Status parse_type_field();
  /// deftype after `(type $id?`, written to `out`.
  Status parse_def_type(ByteWriter& out);
  Status parse_def_val_type(ByteWriter& out);
  Status parse_def_val_type_body(ByteWriter& out);
  Status parse_func_type(ByteWriter& out, bool async);
  /// `(keyword "label" t)*`: record fields or function parameters.
  Status parse_labelled_types(const char* keyword, ByteWriter& out);
  Status parse_func_type_body(ByteWriter& out, bool async);
  /// Parses a value or function type twice, as wasm-tools expands then
  /// resolves: the first ("dry") pass emits the nested inline types and no
  /// aliases; the second ("replay") reuses those types and emits the aliases
  /// the type's own references need, so they land after the inline types.
  template <class Body>
  Status two_pass(ByteWriter& out, Body body);
  /// An inline definition inside a two_pass: `make` parses and emits it in
  /// the dry pass (and outside two_pass); the replay skips its text and
  /// reuses its index.
  template <class Make>
  Result<uint32_t> hoist(Make make);
  /// The declarations of a component or instance type, in their own scope
  /// (any field the type allows: type, core type, alias, import, export).
  Status parse_decls(ComponentScope::Kind kind, ByteWriter& out);
  /// valtype: a primitive, a type index, or an inline defvaltype (emitted as
  /// a type definition first).
  Status parse_val_type(ByteWriter& out);
  /// An inline deftype emitted as its own `type` definition; its index.
  Result<uint32_t> emit_inline_type(ByteWriter& body, const Token& at);
  /// externdesc: `(func $id? typeuse)`, `(instance ...)`, `(type $id? bound)`...
  /// Defines the item; `desc` receives the encoding.
  Status parse_extern_desc(ByteWriter& desc);
  /// `(type idx)` or the inline type of a `kind` (func, component, instance).
  Result<uint32_t> parse_type_use(std::string_view kind, const Token& at);
  Status parse_core_type_field();
  Status parse_core_def_type(ByteWriter& out);
  Status parse_core_func_type(ByteWriter& out);
  Status parse_core_val_type(ByteWriter& out);
  Status parse_module_type(ByteWriter& out);
  Status parse_core_import_desc(ByteWriter& out, uint32_t* module_types,
                                std::unordered_map<std::string, uint32_t>* names, ByteWriter* decls,
                                uint32_t* decl_count);
  Status parse_core_limits(ByteWriter& out);

  // ---- canonical definitions: component_canon.cc --------------------------
  /// `(canon ...)` as a field, ending in the item it defines.
  Status parse_canon_field();
  /// The canon body after `(canon`, up to its `)`: `func_type` is the lifted
  /// function's type index when a `func` definition gives it. With `id`
  /// (the field form) the trailing `(func $id? ...)` / `(core func $id?)`
  /// is read too. `*defines` receives the space of the defined item.
  Status parse_canon_body(ByteWriter& out, std::optional<uint32_t> func_type, CSpace* defines,
                          std::optional<std::string>* id = nullptr);
  /// canonopt* up to the `)` or the defined item: count then options.
  Status parse_canon_options(ByteWriter& out);

  const std::vector<Token>& tokens_;
  Cursor cur_;
  std::vector<std::unique_ptr<ComponentScope>> scopes_;
  std::optional<std::string> name_;
  uint32_t depth_ = 0;
  /// See two_pass: Direct outside it.
  enum class Pass : uint8_t { Direct, Dry, Replay };
  Pass pass_ = Pass::Direct;
  std::vector<uint32_t> hoisted_;  ///< inline types the dry pass emitted
  size_t hoisted_next_ =
      0;  ///< the next one the replay reuses  ///< nesting of components and types, bounded
};

template <class Body>
Status ComponentParser::two_pass(ByteWriter& out, Body body) {
  const size_t start = cur_.pos();
  const Pass saved_pass = pass_;
  std::vector<uint32_t> saved_hoisted = std::move(hoisted_);
  const size_t saved_next = hoisted_next_;
  hoisted_.clear();
  hoisted_next_ = 0;
  pass_ = Pass::Dry;
  ByteWriter scratch;
  Status s = body(scratch);
  if (s) {
    pass_ = Pass::Replay;
    cur_.seek(start);
    s = body(out);
  }
  pass_ = saved_pass;
  hoisted_ = std::move(saved_hoisted);
  hoisted_next_ = saved_next;
  return s;
}

template <class Make>
Result<uint32_t> ComponentParser::hoist(Make make) {
  if (pass_ == Pass::Replay) {
    if (hoisted_next_ >= hoisted_.size()) return cur_.unexpected();
    const uint32_t index = hoisted_[hoisted_next_++];
    FLINT_TRY(cur_.skip_form());
    return index;
  }
  // The inline definition is a definition of its own: parsed directly, with
  // the aliases of its own references.
  const Pass saved_pass = pass_;
  std::vector<uint32_t> saved_hoisted = std::move(hoisted_);
  const size_t saved_next = hoisted_next_;
  hoisted_.clear();
  hoisted_next_ = 0;
  pass_ = Pass::Direct;
  Result<uint32_t> index = make();
  pass_ = saved_pass;
  hoisted_ = std::move(saved_hoisted);
  hoisted_next_ = saved_next;
  if (index && pass_ == Pass::Dry) hoisted_.push_back(*index);
  return index;
}

}  // namespace flint::text

// Component definitions (Explainer.md, "Component Definitions" and its
// "Instance Definitions", "Alias Definitions", "Import and Export
// Definitions"): one function per field, each emitting its binary item.
#include "text/component_parser.h"
#include "text/literals.h"

namespace flint::text {

namespace {

// `(export "name")` with nothing after the name: the inline export sugar of
// a definition, not an export of the bag-of-exports instance forms.
bool at_inline_export(const Cursor& cur) {
  return cur.at_form("export") && cur.at(TokenKind::String, 2) && cur.at(TokenKind::RParen, 3);
}

}  // namespace

Status ComponentParser::parse_field() {
  const Token& head = cur_.peek(1);
  if (head.kind != TokenKind::Keyword) {
    cur_.next();
    return cur_.unexpected();
  }
  std::string_view k = head.text;
  if (k == "core") return parse_core_field();
  if (k == "component") return parse_nested_component();
  if (k == "instance") return parse_instance();
  if (k == "alias") return parse_alias();
  if (k == "type") return parse_type_field();
  if (k == "import") return parse_import();
  if (k == "export") return parse_export();
  if (k == "start") return parse_start();
  if (k == "func") return parse_func_field();
  if (k == "canon") return parse_canon_field();
  cur_.next();
  return cur_.unexpected();
}

Status ComponentParser::parse_core_field() {
  std::string_view k = cur_.peek(2).text;
  if (cur_.peek(2).kind == TokenKind::Keyword) {
    if (k == "module") return parse_core_module();
    if (k == "instance") return parse_core_instance();
    if (k == "type") return parse_core_type_field();
    if (k == "func") return parse_core_func_field();
    if (k == "table" || k == "memory" || k == "global" || k == "tag") {
      // Only as aliases: `(core memory $m (alias core export $i "m"))`.
      const Token& at = cur_.peek();
      cur_.next();
      FLINT_ASSIGN(CSpace space, parse_sort(false));
      std::optional<std::string> id = cur_.take_id();
      uint32_t index = 0;
      FLINT_TRY(parse_alias_definition(space, id, &index));
      (void)at;
      return cur_.expect(TokenKind::RParen);
    }
  }
  cur_.next();
  cur_.next();
  return cur_.unexpected();
}

Status ComponentParser::parse_inline_exports(
    std::vector<std::pair<std::string, ByteWriter>>* names) {
  while (at_inline_export(cur_)) {
    cur_.next();
    cur_.next();
    ByteWriter name;
    FLINT_ASSIGN(std::string text, parse_extern_name(name));
    (void)text;
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    names->emplace_back(std::move(text), std::move(name));
  }
  return {};
}

Status ComponentParser::emit_inline_exports(
    CSpace space, uint32_t index, const std::vector<std::pair<std::string, ByteWriter>>& names,
    const Token& at) {
  for (const auto& [text, name] : names) {
    if (scope().kind != ComponentScope::Kind::Component)
      return error_at_token(ErrorCode::UnexpectedToken, at, "inline export in a type");
    scope().deferred_exports.push_back({space, index, name, &at});
  }
  return {};
}

Status ComponentParser::emit_inline_import(const ByteWriter& name,
                                           std::initializer_list<uint8_t> desc, const char* what,
                                           const Token& at) {
  FLINT_ASSIGN(uint32_t type, parse_type_use(what, at));
  ByteWriter imp;
  imp.raw(name.bytes());
  for (uint8_t b : desc) imp.u8(b);
  imp.u32(type);
  return emit(CSection::Import, imp, at);
}

Result<bool> ComponentParser::parse_inline_import(ByteWriter* name) {
  // `(import "name" option*)`: a core module's own imports have two names,
  // and a nested component's imports an extern description.
  if (!cur_.at_form("import") || !cur_.at(TokenKind::String, 2)) return false;
  size_t k = 3;
  while (cur_.at(TokenKind::LParen, k) &&
         (cur_.at_keyword("implements", k + 1) || cur_.at_keyword("external-id", k + 1)) &&
         cur_.at(TokenKind::String, k + 2) && cur_.at(TokenKind::RParen, k + 3))
    k += 4;
  if (!cur_.at(TokenKind::RParen, k)) return false;
  cur_.next();
  cur_.next();
  FLINT_TRY(status_of(parse_extern_name(*name)));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return true;
}

// (core module $id? <module fields>), or an imported module
// (core module $id? (import "n") moduletype).
Status ComponentParser::parse_core_module() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  cur_.next();  // ( core module
  std::optional<std::string> id = cur_.take_id();
  std::vector<std::pair<std::string, ByteWriter>> exports;
  FLINT_TRY(parse_inline_exports(&exports));
  ByteWriter import_name;
  FLINT_ASSIGN(bool imported, parse_inline_import(&import_name));
  uint32_t index = 0;
  if (imported) {
    FLINT_TRY(emit_inline_import(import_name, {0x00, 0x11}, "core module", at));
  } else {
    size_t end = 0;
    FLINT_ASSIGN(std::vector<uint8_t> module, encode_module_fields(tokens_, cur_.pos(), &end, id));
    cur_.seek(end);
    ByteWriter item;
    item.raw(module);
    FLINT_TRY(emit(CSection::CoreModule, item, at));
  }
  FLINT_ASSIGN(index, define(CSpace::CoreModule, id, at));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return emit_inline_exports(CSpace::CoreModule, index, exports, at);
}

Status ComponentParser::parse_core_instance() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  cur_.next();  // ( core instance
  std::optional<std::string> id = cur_.take_id();
  FLINT_TRY(status_of(parse_core_instance_body(at, id)));
  return cur_.expect(TokenKind::RParen);
}

// (instantiate m (with "n" (instance i))*) | (export "n" (sort idx))*
Result<uint32_t> ComponentParser::parse_core_instance_body(const Token& at,
                                                           const std::optional<std::string>& id) {
  ByteWriter item;
  if (cur_.at_form("instantiate")) {
    // Twice (two_pass): inline instance arguments are defined before the
    // aliases the references make.
    FLINT_TRY(two_pass(item, [&](ByteWriter& out) -> Status {
      cur_.next();
      cur_.next();
      FLINT_ASSIGN(uint32_t module, parse_index_or_ref(CSpace::CoreModule));
      ByteWriter args;
      uint32_t count = 0;
      while (cur_.at_form("with")) {
        cur_.next();
        cur_.next();
        FLINT_ASSIGN(std::string name, cur_.expect_string());
        uint32_t instance = 0;
        if (cur_.at_form("instance") &&
            (cur_.at(TokenKind::RParen, 2) || cur_.at_keyword("export", 3))) {
          // An inline instance of exports, defined first.
          FLINT_ASSIGN(instance, hoist([&]() -> Result<uint32_t> {
                         const Token& inner = cur_.peek();
                         cur_.next();
                         cur_.next();
                         FLINT_ASSIGN(uint32_t i, parse_core_instance_body(inner, std::nullopt));
                         FLINT_TRY(cur_.expect(TokenKind::RParen));
                         return i;
                       }));
        } else {
          FLINT_ASSIGN(instance, parse_ref_form(CSpace::CoreInstance));
        }
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        args.name(name);
        args.u8(0x12);
        args.u32(instance);
        ++count;
      }
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      out.u8(0x00);
      out.u32(module);
      out.u32(count);
      out.raw(args.bytes());
      return {};
    }));
  } else {
    ByteWriter exports;
    uint32_t count = 0;
    while (cur_.at_form("export")) {
      cur_.next();
      cur_.next();
      FLINT_ASSIGN(std::string name, cur_.expect_name());
      FLINT_TRY(cur_.expect(TokenKind::LParen));
      FLINT_ASSIGN(CSpace space, parse_sort(true));
      FLINT_ASSIGN(uint32_t index, parse_index_path(space));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      exports.name(name);
      exports.u8(core_sort_byte(space));
      exports.u32(index);
      ++count;
    }
    item.u8(0x01);
    item.u32(count);
    item.raw(exports.bytes());
  }
  FLINT_TRY(emit(CSection::CoreInstance, item, at));
  return define(CSpace::CoreInstance, id, at);
}

// (component $id? field*) nested, or (component $id? (import "n") type).
Status ComponentParser::parse_nested_component() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  std::optional<std::string> id = cur_.take_id();
  std::vector<std::pair<std::string, ByteWriter>> exports;
  FLINT_TRY(parse_inline_exports(&exports));
  ByteWriter import_name;
  FLINT_ASSIGN(bool imported, parse_inline_import(&import_name));
  if (imported) {
    FLINT_TRY(emit_inline_import(import_name, {0x04}, "component", at));
  } else {
    FLINT_TRY(enter());
    auto inner = std::make_unique<ComponentScope>();
    inner->id = id;
    scopes_.push_back(std::move(inner));
    while (cur_.at(TokenKind::LParen)) FLINT_TRY(parse_field());
    FLINT_ASSIGN(std::vector<uint8_t> bytes, finish_component());
    ByteWriter item;
    item.raw(bytes);
    scopes_.pop_back();
    --depth_;
    FLINT_TRY(emit(CSection::Component, item, at));
  }
  FLINT_ASSIGN(uint32_t index, define(CSpace::Component, id, at));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return emit_inline_exports(CSpace::Component, index, exports, at);
}

Status ComponentParser::parse_instance() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  std::optional<std::string> id = cur_.take_id();
  std::vector<std::pair<std::string, ByteWriter>> exports;
  FLINT_TRY(parse_inline_exports(&exports));
  ByteWriter import_name;
  FLINT_ASSIGN(bool imported, parse_inline_import(&import_name));
  uint32_t index = 0;
  if (imported) {
    FLINT_TRY(emit_inline_import(import_name, {0x05}, "instance", at));
    FLINT_ASSIGN(index, define(CSpace::Instance, id, at));
  } else {
    FLINT_ASSIGN(index, parse_instance_body(at, id));
  }
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return emit_inline_exports(CSpace::Instance, index, exports, at);
}

// (instantiate c (with "n" (sort idx))*) | (export "n" (sort idx))*
Result<uint32_t> ComponentParser::parse_instance_body(const Token& at,
                                                      const std::optional<std::string>& id) {
  ByteWriter item;
  if (cur_.at_form("instantiate")) {
    // Twice (two_pass), as for core instances.
    FLINT_TRY(two_pass(item, [&](ByteWriter& out) -> Status {
      cur_.next();
      cur_.next();
      FLINT_ASSIGN(uint32_t component, parse_index_or_ref(CSpace::Component));
      ByteWriter args;
      uint32_t count = 0;
      while (cur_.at_form("with")) {
        cur_.next();
        cur_.next();
        FLINT_ASSIGN(std::string name, cur_.expect_string());
        CSpace space = CSpace::Instance;
        uint32_t index = 0;
        if (cur_.at_form("instance") &&
            (cur_.at(TokenKind::RParen, 2) || cur_.at_keyword("export", 3))) {
          FLINT_ASSIGN(index, hoist([&]() -> Result<uint32_t> {
                         const Token& inner = cur_.peek();
                         cur_.next();
                         cur_.next();
                         FLINT_ASSIGN(uint32_t i, parse_instance_body(inner, std::nullopt));
                         FLINT_TRY(cur_.expect(TokenKind::RParen));
                         return i;
                       }));
        } else {
          FLINT_TRY(parse_any_ref(&space, &index));
        }
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        args.name(name);
        write_sort(args, space);
        args.u32(index);
        ++count;
      }
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      out.u8(0x00);
      out.u32(component);
      out.u32(count);
      out.raw(args.bytes());
      return {};
    }));
  } else {
    ByteWriter exports;
    uint32_t count = 0;
    while (cur_.at_form("export")) {
      cur_.next();
      cur_.next();
      FLINT_TRY(status_of(parse_extern_name(exports)));
      CSpace space;
      uint32_t index = 0;
      FLINT_TRY(parse_any_ref(&space, &index));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      write_sort(exports, space);
      exports.u32(index);
      ++count;
    }
    item.u8(0x01);
    item.u32(count);
    item.raw(exports.bytes());
  }
  FLINT_TRY(emit(CSection::Instance, item, at));
  return define(CSpace::Instance, id, at);
}

// (alias export i "n" (sort $id?)) | (alias core export i "n" (core sort $id?))
// | (alias outer ct idx (sort $id?))
Status ComponentParser::parse_alias() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  ByteWriter target;
  CSpace space;
  std::optional<std::string> id;
  if (cur_.at_keyword("outer")) {
    cur_.next();
    // The scope: a depth, or the `$id` of an enclosing component.
    if (!cur_.at_index()) return cur_.unexpected();
    const Token& ct = cur_.next();
    if (!cur_.at_index()) return cur_.unexpected();
    const Token& idx = cur_.next();
    FLINT_TRY(cur_.expect(TokenKind::LParen));
    FLINT_ASSIGN(space, parse_sort(false));
    id = cur_.take_id();
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    FLINT_ASSIGN(OuterTarget outer, resolve_outer(ct, idx, space, 0));
    write_sort(target, space);
    target.u8(0x02);
    target.u32(outer.depth);
    target.u32(outer.index);
  } else {
    bool core = false;
    if (cur_.at_keyword("core")) {
      cur_.next();
      core = true;
    }
    FLINT_TRY(cur_.expect_keyword("export"));
    FLINT_ASSIGN(uint32_t instance, parse_index(core ? CSpace::CoreInstance : CSpace::Instance));
    FLINT_ASSIGN(std::string name, cur_.expect_name());
    FLINT_TRY(cur_.expect(TokenKind::LParen));
    FLINT_ASSIGN(space, parse_sort(false));
    id = cur_.take_id();
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    write_sort(target, space);
    target.u8(core ? 0x01 : 0x00);
    target.u32(instance);
    target.name(name);
  }
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::Alias, target, at));
  return status_of(define(space, id, at));
}

Result<ComponentParser::OuterTarget> ComponentParser::resolve_outer(const Token& ct,
                                                                    const Token& idx, CSpace space,
                                                                    uint32_t extra) {
  OuterTarget out;
  uint32_t depth = 0;  // in scopes_, from the innermost
  if (ct.kind == TokenKind::Id) {
    bool found = false;
    for (size_t d = 0; d < scopes_.size() && !found; ++d) {
      if (scopes_[scopes_.size() - 1 - d]->id == ct.value) {
        depth = static_cast<uint32_t>(d);
        found = true;
      }
    }
    if (!found) return error_at_token(ErrorCode::UnknownIdentifier, ct, "component $" + ct.value);
    out.depth = depth + extra;
  } else {
    Literal<uint64_t> v = parse_unsigned(ct.text, 32);
    if (!v.ok()) return Cursor::unexpected_at(ct);
    out.depth = static_cast<uint32_t>(v.value);
    if (out.depth < extra) return Cursor::unexpected_at(ct);
    depth = out.depth - extra;
  }
  if (idx.kind == TokenKind::Id) {
    if (depth >= scopes_.size())
      return error_at_token(ErrorCode::UnknownIdentifier, ct, "outer scope");
    ComponentScope& s = *scopes_[scopes_.size() - 1 - depth];
    auto it = s.space(space).names.find(idx.value);
    if (it == s.space(space).names.end())
      return error_at_token(ErrorCode::UnknownIdentifier, idx, "$" + idx.value);
    out.index = it->second;
  } else {
    Literal<uint64_t> v = parse_unsigned(idx.text, 32);
    if (!v.ok()) return Cursor::unexpected_at(idx);
    out.index = static_cast<uint32_t>(v.value);
  }
  return out;
}

// `(alias export i "n")` / `(alias core export i "n")` as a definition's body.
Status ComponentParser::parse_alias_definition(CSpace space, const std::optional<std::string>& id,
                                               uint32_t* index) {
  const Token& at = cur_.peek();
  FLINT_TRY(cur_.expect_form("alias"));
  bool core = false;
  if (cur_.at_keyword("core")) {
    cur_.next();
    core = true;
  }
  FLINT_TRY(cur_.expect_keyword("export"));
  FLINT_ASSIGN(uint32_t instance, parse_index(core ? CSpace::CoreInstance : CSpace::Instance));
  FLINT_ASSIGN(std::string name, cur_.expect_name());
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  ByteWriter target;
  write_sort(target, space);
  target.u8(core ? 0x01 : 0x00);
  target.u32(instance);
  target.name(name);
  FLINT_TRY(emit(CSection::Alias, target, at));
  FLINT_ASSIGN(*index, define(space, id, at));
  return {};
}

// (import "name" externdesc)
Status ComponentParser::parse_import() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  ByteWriter item;
  FLINT_TRY(status_of(parse_extern_name(item)));
  FLINT_TRY(parse_extern_desc(item));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return emit(CSection::Import, item, at);
}

// (export $id? "name" (sort idx) externdesc?); in a type: (export "name" externdesc)
Status ComponentParser::parse_export() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  ByteWriter item;
  if (scope().kind != ComponentScope::Kind::Component) {
    FLINT_TRY(status_of(parse_extern_name(item)));
    FLINT_TRY(parse_extern_desc(item));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return emit(CSection::Export, item, at);
  }
  std::optional<std::string> id = cur_.take_id();
  FLINT_TRY(status_of(parse_extern_name(item)));
  CSpace space;
  uint32_t index = 0;
  FLINT_TRY(parse_any_ref(&space, &index));
  write_sort(item, space);
  item.u32(index);
  if (cur_.at(TokenKind::LParen)) {
    item.u8(0x01);
    // The ascribed type describes the export; it defines nothing itself.
    ComponentScope& s = scope();
    IndexSpace saved = s.space(space);
    FLINT_TRY(parse_extern_desc(item));
    s.space(space) = std::move(saved);
  } else {
    item.u8(0x00);
  }
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::Export, item, at));
  return status_of(define(space, id, at));
}

// (start f (value v)* (result (value $id?))*)
Status ComponentParser::parse_start() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  ByteWriter item;
  FLINT_ASSIGN(uint32_t func, parse_index(CSpace::Func));
  item.u32(func);
  ByteWriter args;
  uint32_t count = 0;
  while (cur_.at_form("value")) {
    FLINT_ASSIGN(uint32_t v, parse_ref_form(CSpace::Value));
    args.u32(v);
    ++count;
  }
  item.u32(count);
  item.raw(args.bytes());
  std::vector<std::optional<std::string>> results;
  while (cur_.at_form("result")) {
    cur_.next();
    cur_.next();
    FLINT_TRY(cur_.expect_form("value"));
    results.push_back(cur_.take_id());
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  item.u32(results.size());
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::Start, item, at));
  for (const auto& r : results) FLINT_TRY(status_of(define(CSpace::Value, r, at)));
  return {};
}

// (func $id? (export "n")* (import "n") typeuse)
// | (func $id? (export "n")* typeuse (canon lift ...))
// | (func $id? (export "n")* (alias export i "n"))
Status ComponentParser::parse_func_field() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  std::optional<std::string> id = cur_.take_id();
  std::vector<std::pair<std::string, ByteWriter>> exports;
  FLINT_TRY(parse_inline_exports(&exports));
  ByteWriter import_name;
  FLINT_ASSIGN(bool imported, parse_inline_import(&import_name));
  uint32_t index = 0;
  if (imported) {
    FLINT_TRY(emit_inline_import(import_name, {0x01}, "func", at));
    FLINT_ASSIGN(index, define(CSpace::Func, id, at));
  } else if (cur_.at_form("alias")) {
    FLINT_TRY(parse_alias_definition(CSpace::Func, id, &index));
  } else {
    FLINT_ASSIGN(uint32_t type, parse_type_use("func", at));
    FLINT_TRY(cur_.expect_form("canon"));
    ByteWriter item;
    CSpace defines = CSpace::Func;
    FLINT_TRY(parse_canon_body(item, type, &defines));
    if (defines != CSpace::Func) return error_at_token(ErrorCode::UnexpectedToken, at, "canon");
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    FLINT_TRY(emit(CSection::Canon, item, at));
    FLINT_ASSIGN(index, define(CSpace::Func, id, at));
  }
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return emit_inline_exports(CSpace::Func, index, exports, at);
}

// (core func $id? (canon ...)) | (core func $id? (alias core export i "n"))
Status ComponentParser::parse_core_func_field() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  cur_.next();
  std::optional<std::string> id = cur_.take_id();
  if (cur_.at_form("alias")) {
    uint32_t index = 0;
    FLINT_TRY(parse_alias_definition(CSpace::CoreFunc, id, &index));
    return cur_.expect(TokenKind::RParen);
  }
  FLINT_TRY(cur_.expect_form("canon"));
  ByteWriter item;
  CSpace defines = CSpace::CoreFunc;
  FLINT_TRY(parse_canon_body(item, std::nullopt, &defines));
  if (defines != CSpace::CoreFunc) return error_at_token(ErrorCode::UnexpectedToken, at, "canon");
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::Canon, item, at));
  return status_of(define(CSpace::CoreFunc, id, at));
}

}  // namespace flint::text

// Component types (Explainer.md, "Type Definitions"; Binary.md, "Type
// Definitions"): defined value types, function, component, instance and
// resource types, their declarations, extern descriptions, and the core
// types of the core type section (func and module types).
#include <unordered_map>

#include "text/component_parser.h"
#include "text/literals.h"

namespace flint::text {

namespace {

// primvaltype (Binary.md): one byte each.
std::optional<uint8_t> prim_byte(std::string_view k) {
  static constexpr std::pair<std::string_view, uint8_t> kPrims[] = {
      {"bool", 0x7f},    {"s8", 0x7e},   {"u8", 0x7d},     {"s16", 0x7c},
      {"u16", 0x7b},     {"s32", 0x7a},  {"u32", 0x79},    {"s64", 0x78},
      {"u64", 0x77},     {"f32", 0x76},  {"f64", 0x75},    {"float32", 0x76},
      {"float64", 0x75}, {"char", 0x74}, {"string", 0x73}, {"error-context", 0x64},
  };
  for (const auto& [word, byte] : kPrims)
    if (word == k) return byte;
  return std::nullopt;
}

std::optional<uint8_t> core_val_byte(std::string_view k) {
  static constexpr std::pair<std::string_view, uint8_t> kTypes[] = {
      {"i32", 0x7f},  {"i64", 0x7e},     {"f32", 0x7d},       {"f64", 0x7c},
      {"v128", 0x7b}, {"funcref", 0x70}, {"externref", 0x6f}, {"exnref", 0x69},
  };
  for (const auto& [word, byte] : kTypes)
    if (word == k) return byte;
  return std::nullopt;
}

}  // namespace

Status ComponentParser::enter_type_scope(ComponentScope::Kind kind) {
  FLINT_TRY(enter());
  auto s = std::make_unique<ComponentScope>();
  s->kind = kind;
  scopes_.push_back(std::move(s));
  return {};
}

// (type $id? (export "n")* deftype)
Status ComponentParser::parse_type_field() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  std::optional<std::string> id = cur_.take_id();
  std::vector<std::pair<std::string, ByteWriter>> exports;
  FLINT_TRY(parse_inline_exports(&exports));
  ByteWriter item;
  FLINT_TRY(parse_def_type(item));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::Type, item, at));
  FLINT_ASSIGN(uint32_t index, define(CSpace::Type, id, at));
  return emit_inline_exports(CSpace::Type, index, exports, at);
}

Status ComponentParser::parse_def_type(ByteWriter& out) {
  if (cur_.at(TokenKind::Keyword)) return parse_def_val_type(out);
  if (!cur_.at(TokenKind::LParen)) return cur_.unexpected();
  const Token& k = cur_.peek(1);
  if (k.kind == TokenKind::Keyword) {
    if (k.text == "func") {
      cur_.next();
      cur_.next();
      bool async = false;
      if (cur_.at_keyword("async")) {
        cur_.next();
        async = true;
      }
      FLINT_TRY(parse_func_type(out, async));
      return cur_.expect(TokenKind::RParen);
    }
    if (k.text == "component" || k.text == "instance") {
      cur_.next();
      cur_.next();
      FLINT_TRY(parse_decls(k.text == "component" ? ComponentScope::Kind::ComponentType
                                                  : ComponentScope::Kind::InstanceType,
                            out));
      return cur_.expect(TokenKind::RParen);
    }
    if (k.text == "resource") {
      // (resource (rep i32) (dtor (func f))?)
      cur_.next();
      cur_.next();
      out.u8(0x3f);
      FLINT_TRY(cur_.expect_form("rep"));
      FLINT_TRY(cur_.expect_keyword("i32"));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      out.u8(0x7f);
      if (cur_.at_form("dtor")) {
        cur_.next();
        cur_.next();
        uint32_t f = 0;
        if (cur_.at(TokenKind::LParen)) {
          cur_.next();
          if (cur_.at_keyword("core")) cur_.next();
          FLINT_TRY(cur_.expect_keyword("func"));
          FLINT_ASSIGN(f, parse_index_path(CSpace::CoreFunc));
          FLINT_TRY(cur_.expect(TokenKind::RParen));
        } else {
          FLINT_ASSIGN(f, parse_index(CSpace::CoreFunc));
        }
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        out.u8(0x01);
        out.u32(f);
      } else {
        out.u8(0x00);
      }
      return cur_.expect(TokenKind::RParen);
    }
  }
  return parse_def_val_type(out);
}

// defvaltype: a primitive, or `(record ...)`, `(variant ...)`, ... whose
// nested value types may themselves be inline (emitted first).
Status ComponentParser::parse_def_val_type(ByteWriter& out) {
  FLINT_TRY(enter());
  Status s = two_pass(out, [&](ByteWriter& o) { return parse_def_val_type_body(o); });
  --depth_;
  return s;
}

Status ComponentParser::parse_def_val_type_body(ByteWriter& out) {
  if (cur_.at(TokenKind::Keyword)) {
    std::optional<uint8_t> prim = prim_byte(cur_.peek().text);
    if (!prim) return cur_.unexpected();
    cur_.next();
    out.u8(*prim);
    return {};
  }
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  const Token& k = cur_.peek();
  if (k.kind != TokenKind::Keyword) return cur_.unexpected();
  cur_.next();
  std::string_view w = k.text;
  auto optional_val = [&]() -> Status {
    if (cur_.at(TokenKind::RParen)) {
      out.u8(0x00);
      return {};
    }
    out.u8(0x01);
    return parse_val_type(out);
  };
  if (w == "record") {
    out.u8(0x72);
    FLINT_TRY(parse_labelled_types("field", out));
  } else if (w == "variant") {
    out.u8(0x71);
    ByteWriter cases;
    uint32_t n = 0;
    while (cur_.at_form("case")) {
      cur_.next();
      cur_.next();
      cur_.take_id();
      FLINT_ASSIGN(std::string label, cur_.expect_name());
      cases.name(label);
      if (cur_.at(TokenKind::RParen) || cur_.at_form("refines")) {
        cases.u8(0x00);
      } else {
        cases.u8(0x01);
        FLINT_TRY(parse_val_type(cases));
      }
      if (cur_.at_form("refines")) return cur_.unexpected();
      cases.u8(0x00);
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      ++n;
    }
    out.u32(n);
    out.raw(cases.bytes());
  } else if (w == "list") {
    ByteWriter element;
    FLINT_TRY(parse_val_type(element));
    if (cur_.at(TokenKind::Number)) {
      FLINT_ASSIGN(uint32_t length, cur_.expect_u32());
      out.u8(0x67);
      out.raw(element.bytes());
      out.u32(length);
    } else {
      out.u8(0x70);
      out.raw(element.bytes());
    }
  } else if (w == "tuple") {
    out.u8(0x6f);
    ByteWriter types;
    uint32_t n = 0;
    while (!cur_.at(TokenKind::RParen)) {
      FLINT_TRY(parse_val_type(types));
      ++n;
    }
    out.u32(n);
    out.raw(types.bytes());
  } else if (w == "flags" || w == "enum") {
    out.u8(w == "flags" ? 0x6e : 0x6d);
    std::vector<std::string> labels;
    while (cur_.at(TokenKind::String)) {
      FLINT_ASSIGN(std::string label, cur_.expect_name());
      labels.push_back(std::move(label));
    }
    out.u32(labels.size());
    for (const std::string& l : labels) out.name(l);
  } else if (w == "option") {
    out.u8(0x6b);
    FLINT_TRY(parse_val_type(out));
  } else if (w == "result") {
    // (result t? (error t)?)
    out.u8(0x6a);
    if (cur_.at(TokenKind::RParen) || cur_.at_form("error")) {
      out.u8(0x00);
    } else {
      out.u8(0x01);
      FLINT_TRY(parse_val_type(out));
    }
    if (cur_.at_form("error")) {
      cur_.next();
      cur_.next();
      out.u8(0x01);
      FLINT_TRY(parse_val_type(out));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
    } else {
      out.u8(0x00);
    }
  } else if (w == "own" || w == "borrow") {
    out.u8(w == "own" ? 0x69 : 0x68);
    FLINT_ASSIGN(uint32_t t, parse_index(CSpace::Type));
    out.u32(t);
  } else if (w == "stream" || w == "future") {
    out.u8(w == "stream" ? 0x66 : 0x65);
    FLINT_TRY(optional_val());
  } else if (w == "map") {
    out.u8(0x63);
    FLINT_TRY(parse_val_type(out));
    FLINT_TRY(parse_val_type(out));
  } else {
    return Cursor::unexpected_at(k);
  }
  return cur_.expect(TokenKind::RParen);
}

// valtype: primitive byte, or a type index (s33, Binary.md's valtype).
Status ComponentParser::parse_val_type(ByteWriter& out) {
  if (cur_.at(TokenKind::Keyword)) {
    std::optional<uint8_t> prim = prim_byte(cur_.peek().text);
    if (!prim) return cur_.unexpected();
    cur_.next();
    out.u8(*prim);
    return {};
  }
  if (cur_.at_index()) {
    FLINT_ASSIGN(uint32_t t, parse_index(CSpace::Type));
    out.s64(t);
    return {};
  }
  if (!cur_.at(TokenKind::LParen)) return cur_.unexpected();
  const Token& at = cur_.peek();
  FLINT_ASSIGN(uint32_t t, hoist([&]() -> Result<uint32_t> {
                 ByteWriter body;
                 FLINT_TRY(parse_def_val_type(body));
                 return emit_inline_type(body, at);
               }));
  out.s64(t);
  return {};
}

Result<uint32_t> ComponentParser::emit_inline_type(ByteWriter& body, const Token& at) {
  FLINT_TRY(emit(CSection::Type, body, at));
  return define(CSpace::Type, std::nullopt, at);
}

Status ComponentParser::parse_func_type(ByteWriter& out, bool async) {
  return two_pass(out, [&](ByteWriter& o) { return parse_func_type_body(o, async); });
}

// (keyword "label" t)*: a record's fields or a function's parameters,
// written as their count and then each label and type.
Status ComponentParser::parse_labelled_types(const char* keyword, ByteWriter& out) {
  ByteWriter entries;
  uint32_t n = 0;
  while (cur_.at_form(keyword)) {
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(std::string label, cur_.expect_name());
    entries.name(label);
    FLINT_TRY(parse_val_type(entries));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    ++n;
  }
  out.u32(n);
  out.raw(entries.bytes());
  return {};
}

// functype body: (param "name" t)* (result t)?
Status ComponentParser::parse_func_type_body(ByteWriter& out, bool async) {
  out.u8(async ? 0x43 : 0x40);
  FLINT_TRY(parse_labelled_types("param", out));
  if (cur_.at_form("result")) {
    cur_.next();
    cur_.next();
    out.u8(0x00);
    FLINT_TRY(parse_val_type(out));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  } else {
    out.u8(0x01);
    out.u8(0x00);
  }
  return {};
}

// The declarations of a component or instance type, in a scope of their own.
Status ComponentParser::parse_decls(ComponentScope::Kind kind, ByteWriter& out) {
  FLINT_TRY(enter_type_scope(kind));
  while (cur_.at(TokenKind::LParen)) FLINT_TRY(parse_field());
  ComponentScope& s = scope();
  out.u8(kind == ComponentScope::Kind::ComponentType ? 0x41 : 0x42);
  out.u32(s.decl_count);
  out.raw(s.decls.bytes());
  scopes_.pop_back();
  --depth_;
  return {};
}

Result<uint32_t> ComponentParser::parse_type_use(std::string_view kind, const Token& at) {
  const bool core = kind == "core module";
  // `(type idx)`; a `(type $t ...)` declaration starts inline declarations.
  if (cur_.at_form("type") && cur_.at(TokenKind::RParen, 3)) {
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(uint32_t t, parse_index(core ? CSpace::CoreType : CSpace::Type));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return t;
  }
  ByteWriter body;
  if (core) {
    FLINT_TRY(parse_module_type(body));
    FLINT_TRY(emit(CSection::CoreType, body, at));
    return define(CSpace::CoreType, std::nullopt, at);
  }
  if (kind == "func") {
    bool async = false;
    if (cur_.at_keyword("async")) {
      cur_.next();
      async = true;
    }
    FLINT_TRY(parse_func_type(body, async));
  } else {
    FLINT_TRY(parse_decls(kind == "component" ? ComponentScope::Kind::ComponentType
                                              : ComponentScope::Kind::InstanceType,
                          body));
  }
  return emit_inline_type(body, at);
}

// externdesc, defining the item it describes.
Status ComponentParser::parse_extern_desc(ByteWriter& desc) {
  const Token& at = cur_.peek();
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  FLINT_ASSIGN(CSpace space, parse_sort(false));
  std::optional<std::string> id = cur_.take_id();
  switch (space) {
    case CSpace::CoreModule: {
      FLINT_ASSIGN(uint32_t t, parse_type_use("core module", at));
      desc.u8(0x00);
      desc.u8(0x11);
      desc.u32(t);
      break;
    }
    case CSpace::Func:
    case CSpace::Component:
    case CSpace::Instance: {
      const char* kind = space == CSpace::Func        ? "func"
                         : space == CSpace::Component ? "component"
                                                      : "instance";
      FLINT_ASSIGN(uint32_t t, parse_type_use(kind, at));
      desc.u8(space == CSpace::Func ? 0x01 : space == CSpace::Component ? 0x04 : 0x05);
      desc.u32(t);
      break;
    }
    case CSpace::Value: {
      desc.u8(0x02);
      if (cur_.at_form("eq")) {
        cur_.next();
        cur_.next();
        FLINT_ASSIGN(uint32_t v, parse_index(CSpace::Value));
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        desc.u8(0x00);
        desc.u32(v);
      } else {
        // The value's type follows 0x02 directly: what wasm-tools writes
        // and wasmparser reads (Binary.md's valuebound would put 0x01
        // before it).
        FLINT_TRY(parse_val_type(desc));
      }
      break;
    }
    case CSpace::Type: {
      desc.u8(0x03);
      if (cur_.at_form("eq")) {
        cur_.next();
        cur_.next();
        FLINT_ASSIGN(uint32_t t, parse_index(CSpace::Type));
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        desc.u8(0x00);
        desc.u32(t);
      } else {
        FLINT_TRY(cur_.expect_form("sub"));
        FLINT_TRY(cur_.expect_keyword("resource"));
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        desc.u8(0x01);
      }
      break;
    }
    default: return error_at_token(ErrorCode::UnexpectedToken, at, "extern description");
  }
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  return status_of(define(space, id, at));
}

// ---- core types ------------------------------------------------------------

// (core type $id? (func ...) | (module decl*))
Status ComponentParser::parse_core_type_field() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  cur_.next();
  std::optional<std::string> id = cur_.take_id();
  ByteWriter item;
  FLINT_TRY(parse_core_def_type(item));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::CoreType, item, at));
  return status_of(define(CSpace::CoreType, id, at));
}

Status ComponentParser::parse_core_def_type(ByteWriter& out) {
  if (cur_.at_form("func")) return parse_core_func_type(out);
  if (cur_.at_form("module")) {
    cur_.next();
    cur_.next();
    FLINT_TRY(parse_module_type(out));
    return cur_.expect(TokenKind::RParen);
  }
  return cur_.unexpected();
}

Status ComponentParser::parse_core_val_type(ByteWriter& out) {
  const Token& t = cur_.peek();
  std::optional<uint8_t> b =
      t.kind == TokenKind::Keyword ? core_val_byte(t.text) : std::optional<uint8_t>();
  if (!b) return cur_.unexpected();
  cur_.next();
  out.u8(*b);
  return {};
}

// (func (param t*)* (result t*)*) as 0x60 params results.
Status ComponentParser::parse_core_func_type(ByteWriter& out) {
  FLINT_TRY(cur_.expect_form("func"));
  cur_.take_id();
  ByteWriter params, results;
  uint32_t np = 0, nr = 0;
  while (cur_.at_form("param")) {
    cur_.next();
    cur_.next();
    if (cur_.take_id()) {
      FLINT_TRY(parse_core_val_type(params));
      ++np;
    } else {
      while (!cur_.at(TokenKind::RParen)) {
        FLINT_TRY(parse_core_val_type(params));
        ++np;
      }
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  while (cur_.at_form("result")) {
    cur_.next();
    cur_.next();
    while (!cur_.at(TokenKind::RParen)) {
      FLINT_TRY(parse_core_val_type(results));
      ++nr;
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  out.u8(0x60);
  out.u32(np);
  out.raw(params.bytes());
  out.u32(nr);
  out.raw(results.bytes());
  return cur_.expect(TokenKind::RParen);
}

Status ComponentParser::parse_core_limits(ByteWriter& out) {
  FLINT_ASSIGN(uint32_t min, cur_.expect_u32());
  if (cur_.at(TokenKind::Number)) {
    FLINT_ASSIGN(uint32_t max, cur_.expect_u32());
    out.u8(0x01);
    out.u32(min);
    out.u32(max);
  } else {
    out.u8(0x00);
    out.u32(min);
  }
  return {};
}

// moduletype (Binary.md: 0x50 moduledecl*), with a core type index space of
// its own: inline function types of imports and exports become type
// declarations first, as wasm-tools writes them.
Status ComponentParser::parse_module_type(ByteWriter& out) {
  ByteWriter decls;
  uint32_t decl_count = 0, types = 0;
  std::unordered_map<std::string, uint32_t> names;
  while (cur_.at(TokenKind::LParen)) {
    const Token& k = cur_.peek(1);
    if (k.kind == TokenKind::Keyword && k.text == "type") {
      cur_.next();
      cur_.next();
      const Token& at = cur_.peek();
      if (std::optional<std::string> id = cur_.take_id()) {
        if (!names.emplace(*id, types).second)
          return error_at_token(ErrorCode::DuplicateIdentifier, at, "$" + *id);
      }
      decls.u8(0x01);
      FLINT_TRY(parse_core_func_type(decls));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      ++types;
      ++decl_count;
    } else if (k.kind == TokenKind::Keyword && k.text == "alias") {
      // (alias outer ct idx (type $id?)): a core type of an enclosing
      // component; `ct` counts from this module type (0) outwards.
      cur_.next();
      cur_.next();
      FLINT_TRY(cur_.expect_keyword("outer"));
      if (!cur_.at_index()) return cur_.unexpected();
      const Token& ct = cur_.next();
      if (!cur_.at_index()) return cur_.unexpected();
      const Token& idx = cur_.next();
      FLINT_TRY(cur_.expect_form("type"));
      const Token& at = cur_.peek();
      if (std::optional<std::string> id = cur_.take_id()) {
        if (!names.emplace(*id, types).second)
          return error_at_token(ErrorCode::DuplicateIdentifier, at, "$" + *id);
      }
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      FLINT_ASSIGN(OuterTarget target, resolve_outer(ct, idx, CSpace::CoreType, 1));
      decls.u8(0x02);
      decls.u8(0x10);
      decls.u8(0x01);
      decls.u32(target.depth);
      decls.u32(target.index);
      ++types;
      ++decl_count;
    } else if (k.kind == TokenKind::Keyword && (k.text == "import" || k.text == "export")) {
      cur_.next();
      cur_.next();
      ByteWriter head;
      if (k.text == "import") {
        FLINT_ASSIGN(std::string module, cur_.expect_name());
        head.u8(0x00);
        head.name(module);
      } else {
        head.u8(0x03);
      }
      FLINT_ASSIGN(std::string name, cur_.expect_name());
      head.name(name);
      FLINT_TRY(parse_core_import_desc(head, &types, &names, &decls, &decl_count));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      decls.raw(head.bytes());
      ++decl_count;
    } else {
      cur_.next();
      return cur_.unexpected();
    }
  }
  out.u8(0x50);
  out.u32(decl_count);
  out.raw(decls.bytes());
  return {};
}

Status ComponentParser::parse_core_import_desc(ByteWriter& out, uint32_t* module_types,
                                               std::unordered_map<std::string, uint32_t>* names,
                                               ByteWriter* decls, uint32_t* decl_count) {
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  const Token& k = cur_.next();
  cur_.take_id();
  if (k.kind != TokenKind::Keyword) return Cursor::unexpected_at(k);
  if (k.text == "func" || k.text == "tag") {
    uint32_t t = 0;
    if (cur_.at_form("type")) {
      cur_.next();
      cur_.next();
      const Token& idx = cur_.next();
      if (idx.kind == TokenKind::Id) {
        auto it = names->find(idx.value);
        if (it == names->end())
          return error_at_token(ErrorCode::UnknownTextType, idx, "$" + idx.value);
        t = it->second;
      } else {
        Literal<uint64_t> v = parse_unsigned(idx.text, 32);
        if (!v.ok()) return Cursor::unexpected_at(idx);
        t = static_cast<uint32_t>(v.value);
      }
      FLINT_TRY(cur_.expect(TokenKind::RParen));
    } else {
      // An inline signature: a type declaration of its own, first.
      std::vector<Token> synthetic;
      ByteWriter params, results;
      uint32_t np = 0, nr = 0;
      while (cur_.at_form("param") || cur_.at_form("result")) {
        bool param = cur_.at_keyword("param", 1);
        cur_.next();
        cur_.next();
        if (param && cur_.take_id()) {
          FLINT_TRY(parse_core_val_type(params));
          ++np;
        }
        while (!cur_.at(TokenKind::RParen)) {
          FLINT_TRY(parse_core_val_type(param ? params : results));
          ++(param ? np : nr);
        }
        FLINT_TRY(cur_.expect(TokenKind::RParen));
      }
      decls->u8(0x01);
      decls->u8(0x60);
      decls->u32(np);
      decls->raw(params.bytes());
      decls->u32(nr);
      decls->raw(results.bytes());
      ++*decl_count;
      t = (*module_types)++;
    }
    out.u8(k.text == "func" ? 0x00 : 0x04);
    if (k.text == "tag") out.u8(0x00);
    out.u32(t);
  } else if (k.text == "memory") {
    out.u8(0x02);
    ByteWriter limits;
    FLINT_TRY(parse_core_limits(limits));
    std::vector<uint8_t> bytes = limits.bytes();
    if (cur_.at_keyword("shared")) {  // the threads proposal's flag bit
      cur_.next();
      bytes[0] |= 0x02;
    }
    out.raw(bytes);
  } else if (k.text == "table") {
    out.u8(0x01);
    ByteWriter limits;
    FLINT_TRY(parse_core_limits(limits));
    FLINT_TRY(parse_core_val_type(out));
    out.raw(limits.bytes());
  } else if (k.text == "global") {
    out.u8(0x03);
    if (cur_.at_form("mut")) {
      cur_.next();
      cur_.next();
      FLINT_TRY(parse_core_val_type(out));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      out.u8(0x01);
    } else {
      FLINT_TRY(parse_core_val_type(out));
      out.u8(0x00);
    }
  } else {
    return Cursor::unexpected_at(k);
  }
  return cur_.expect(TokenKind::RParen);
}

}  // namespace flint::text

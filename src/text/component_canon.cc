// Canonical definitions (Explainer.md, "Canonical Definitions"; Binary.md,
// "Canonical Definitions"): lift, lower and the built-ins, with their
// immediates read by the kinds of src/component/canon.def, the table the
// binary decoder reads them with.
#include "text/component_parser.h"

namespace flint::text {

namespace {

enum class Imm : uint8_t {
  Lift,
  Lower,
  None,
  Type,
  TypeOpts,
  TypeAsync,
  Opts,
  Async,
  Cancel,
  CancelMemory,
  Context,
  Results,
  TypeTable,
  SharedType,
  SharedTypeTable,
  Shared,
};

struct Builtin {
  std::string_view name;
  uint8_t byte;
  Imm imm;
};

constexpr Builtin kBuiltins[] = {
#define FLINT_CANON(id, byte, name, imm) {name, byte, Imm::imm},
#include "component/canon.def"
#undef FLINT_CANON
};

const Builtin* find_builtin(std::string_view name) {
  for (const Builtin& b : kBuiltins)
    if (b.name == name) return &b;
  // Names the scripts still use for renamed built-ins.
  if (name == "yield") return find_builtin("thread.yield");
  return nullptr;
}

}  // namespace

// (canon lift f opts (func $id? typeuse)) | (canon lower f opts (core func $id?))
// | (canon builtin imm* (core func $id?))
Status ComponentParser::parse_canon_field() {
  const Token& at = cur_.peek();
  cur_.next();
  cur_.next();
  ByteWriter item;
  CSpace defines = CSpace::CoreFunc;
  std::optional<std::string> id;
  FLINT_TRY(parse_canon_body(item, std::nullopt, &defines, &id));
  FLINT_TRY(cur_.expect(TokenKind::RParen));
  FLINT_TRY(emit(CSection::Canon, item, at));
  return status_of(define(defines, id, at));
}

// opts: string-encoding=..., async, (memory m), (realloc f), (post-return f),
// (callback f), (core-type t), gc; up to `)` or the defined item.
Status ComponentParser::parse_canon_options(ByteWriter& out) {
  ByteWriter opts;
  uint32_t n = 0;
  while (true) {
    if (cur_.at(TokenKind::Keyword)) {
      std::string_view w = cur_.peek().text;
      if (w == "string-encoding=utf8")
        opts.u8(0x00);
      else if (w == "string-encoding=utf16")
        opts.u8(0x01);
      else if (w == "string-encoding=latin1+utf16")
        opts.u8(0x02);
      else if (w == "async")
        opts.u8(0x06);
      else if (w == "gc")
        opts.u8(0x09);
      else
        return cur_.unexpected();
      cur_.next();
      ++n;
      continue;
    }
    if (!cur_.at(TokenKind::LParen)) break;
    const Token& k = cur_.peek(1);
    if (k.kind != TokenKind::Keyword) break;
    uint8_t b;
    CSpace space;
    if (k.text == "memory") {
      b = 0x03;
      space = CSpace::CoreMemory;
    } else if (k.text == "realloc") {
      b = 0x04;
      space = CSpace::CoreFunc;
    } else if (k.text == "post-return") {
      b = 0x05;
      space = CSpace::CoreFunc;
    } else if (k.text == "callback") {
      b = 0x07;
      space = CSpace::CoreFunc;
    } else if (k.text == "core-type") {
      b = 0x08;
      space = CSpace::CoreType;
    } else {
      break;  // the defined item: (func ...) / (core func ...)
    }
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(uint32_t index, parse_index_or_ref(space));
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    opts.u8(b);
    opts.u32(index);
    ++n;
  }
  out.u32(n);
  out.raw(opts.bytes());
  return {};
}

Status ComponentParser::parse_canon_body(ByteWriter& out, std::optional<uint32_t> func_type,
                                         CSpace* defines, std::optional<std::string>* id) {
  const Token& name = cur_.peek();
  if (name.kind != TokenKind::Keyword) return cur_.unexpected();
  cur_.next();
  // The item a `(canon ...)` field defines, at its end: `(core func $id?)`
  // for all but lift, whose `(func $id? typeuse)` also gives the type.
  auto core_item = [&]() -> Status {
    *defines = CSpace::CoreFunc;
    if (!id) return {};
    FLINT_TRY(cur_.expect(TokenKind::LParen));
    FLINT_TRY(cur_.expect_keyword("core"));
    FLINT_TRY(cur_.expect_keyword("func"));
    *id = cur_.take_id();
    return cur_.expect(TokenKind::RParen);
  };
  auto flag = [&](std::string_view word) {
    bool present = cur_.at_keyword(word);
    if (present) cur_.next();
    out.u8(present ? 0x01 : 0x00);
  };
  if (name.text == "lift") {
    uint32_t type = 0;
    size_t after_item = 0;
    if (func_type) {
      type = *func_type;
    } else {
      // The trailing `(func $id? typeuse)` first: wasm-tools emits its inline
      // type before the aliases the function and option references make.
      if (!id) return cur_.unexpected();
      const size_t body = cur_.pos();
      while (!cur_.at(TokenKind::Eof) && !cur_.at_form("func") && !cur_.at(TokenKind::RParen)) {
        if (cur_.at(TokenKind::LParen))
          FLINT_TRY(cur_.skip_form());
        else
          cur_.next();
      }
      const Token& at = cur_.peek();
      FLINT_TRY(cur_.expect_form("func"));
      *id = cur_.take_id();
      FLINT_ASSIGN(type, parse_type_use("func", at));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      after_item = cur_.pos();
      cur_.seek(body);
    }
    FLINT_ASSIGN(uint32_t core_func, parse_index_or_ref(CSpace::CoreFunc));
    ByteWriter opts;
    FLINT_TRY(parse_canon_options(opts));
    if (!func_type) {
      if (!cur_.at_form("func")) return cur_.unexpected();
      cur_.seek(after_item);
    }
    *defines = CSpace::Func;
    out.u8(0x00);
    out.u8(0x00);
    out.u32(core_func);
    out.raw(opts.bytes());
    out.u32(type);
    return {};
  }
  if (func_type) return Cursor::unexpected_at(name);
  if (name.text == "lower") {
    FLINT_ASSIGN(uint32_t func, parse_index_or_ref(CSpace::Func));
    out.u8(0x01);
    out.u8(0x00);
    out.u32(func);
    FLINT_TRY(parse_canon_options(out));
    return core_item();
  }
  const Builtin* b = find_builtin(name.text);
  if (b == nullptr) return Cursor::unexpected_at(name);
  out.u8(b->byte);
  switch (b->imm) {
    case Imm::Lift:
    case Imm::Lower:
    case Imm::None: break;
    case Imm::Type: {
      FLINT_ASSIGN(uint32_t t, parse_index_or_ref(CSpace::Type));
      out.u32(t);
      break;
    }
    case Imm::TypeOpts: {
      FLINT_ASSIGN(uint32_t t, parse_index_or_ref(CSpace::Type));
      out.u32(t);
      FLINT_TRY(parse_canon_options(out));
      break;
    }
    case Imm::TypeAsync: {
      FLINT_ASSIGN(uint32_t t, parse_index_or_ref(CSpace::Type));
      out.u32(t);
      flag("async");
      break;
    }
    case Imm::Opts: FLINT_TRY(parse_canon_options(out)); break;
    case Imm::Async: flag("async"); break;
    case Imm::Cancel: flag("cancellable"); break;
    case Imm::CancelMemory: {
      flag("cancellable");
      FLINT_TRY(cur_.expect_form("memory"));
      FLINT_ASSIGN(uint32_t m, parse_index_or_ref(CSpace::CoreMemory));
      FLINT_TRY(cur_.expect(TokenKind::RParen));
      out.u32(m);
      break;
    }
    case Imm::Context: {
      FLINT_TRY(cur_.expect_keyword("i32"));
      out.u8(0x7f);
      FLINT_ASSIGN(uint32_t slot, cur_.expect_u32());
      out.u32(slot);
      break;
    }
    case Imm::Results: {
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
      FLINT_TRY(parse_canon_options(out));
      break;
    }
    case Imm::SharedType:
    case Imm::SharedTypeTable:
    case Imm::Shared:
      flag("shared");
      if (b->imm == Imm::Shared) break;
      [[fallthrough]];
    case Imm::TypeTable: {
      FLINT_ASSIGN(uint32_t t, parse_index_or_ref(CSpace::CoreType));
      out.u32(t);
      if (b->imm == Imm::SharedType) break;
      uint32_t table = 0;
      if (cur_.at_form("table")) {
        cur_.next();
        cur_.next();
        FLINT_ASSIGN(table, parse_index_or_ref(CSpace::CoreTable));
        FLINT_TRY(cur_.expect(TokenKind::RParen));
      } else {
        FLINT_ASSIGN(table, parse_index_or_ref(CSpace::CoreTable));
      }
      out.u32(table);
      break;
    }
  }
  return core_item();
}

}  // namespace flint::text

// References in a text component: indices and `$names` per index space
// (Explainer.md, "Index Spaces"), sorts, the export-alias sugar
// `(func $i "a" "b")`, implicit outer aliases for names of enclosing scopes
// (the Explainer's "outer" sugar: a nested definition may name a type of its
// parent), and extern names.
#include <fmt/format.h>

#include "text/component_parser.h"
#include "text/literals.h"

namespace flint::text {

namespace {

struct SortName {
  std::string_view word;
  CSpace plain;  // the sort without `core`
  CSpace core;   // with `core` (or in a core instance's exports)
  bool has_plain;
  bool has_core;
};

constexpr SortName kSorts[] = {
    {"func", CSpace::Func, CSpace::CoreFunc, true, true},
    {"table", CSpace::CoreTable, CSpace::CoreTable, false, true},
    {"memory", CSpace::CoreMemory, CSpace::CoreMemory, false, true},
    {"global", CSpace::CoreGlobal, CSpace::CoreGlobal, false, true},
    {"tag", CSpace::CoreTag, CSpace::CoreTag, false, true},
    {"type", CSpace::Type, CSpace::CoreType, true, true},
    {"module", CSpace::CoreModule, CSpace::CoreModule, false, true},
    {"instance", CSpace::Instance, CSpace::CoreInstance, true, true},
    {"component", CSpace::Component, CSpace::Component, true, false},
    {"value", CSpace::Value, CSpace::Value, true, false},
};

bool is_core(CSpace s) { return s <= CSpace::CoreInstance; }

// Only these sorts may be aliased from an enclosing component (Binary.md,
// outer aliases: types, core types, modules and components).
bool outer_aliasable(CSpace s) {
  return s == CSpace::Type || s == CSpace::CoreType || s == CSpace::CoreModule ||
         s == CSpace::Component;
}

const char* space_word(CSpace s) {
  static constexpr const char* kWords[] = {
      "core func", "core table",  "core memory",   "core global", "core tag",
      "core type", "core module", "core instance", "func",        "value",
      "type",      "component",   "instance"};
  return kWords[static_cast<size_t>(s)];
}

}  // namespace

uint8_t core_sort_byte(CSpace s) {
  switch (s) {
    case CSpace::CoreFunc: return 0x00;
    case CSpace::CoreTable: return 0x01;
    case CSpace::CoreMemory: return 0x02;
    case CSpace::CoreGlobal: return 0x03;
    case CSpace::CoreTag: return 0x04;
    case CSpace::CoreType: return 0x10;
    case CSpace::CoreModule: return 0x11;
    case CSpace::CoreInstance: return 0x12;
    default: return 0xff;
  }
}

void ComponentParser::write_sort(ByteWriter& out, CSpace space) {
  switch (space) {
    case CSpace::Func: out.u8(0x01); return;
    case CSpace::Value: out.u8(0x02); return;
    case CSpace::Type: out.u8(0x03); return;
    case CSpace::Component: out.u8(0x04); return;
    case CSpace::Instance: out.u8(0x05); return;
    default: out.u8(0x00); out.u8(core_sort_byte(space));
  }
}

Result<CSpace> ComponentParser::parse_sort(bool core_sorts) {
  bool core = core_sorts;
  if (cur_.at_keyword("core")) {
    cur_.next();
    core = true;
  }
  const Token& t = cur_.peek();
  if (t.kind == TokenKind::Keyword) {
    for (const SortName& s : kSorts) {
      if (s.word != t.text) continue;
      if (core ? !s.has_core : !s.has_plain) break;
      cur_.next();
      return core ? s.core : s.plain;
    }
  }
  return cur_.unexpected();
}

Result<uint32_t> ComponentParser::resolve(CSpace space, const Token& t) {
  if (t.kind == TokenKind::Number) {
    Literal<uint64_t> v = parse_unsigned(t.text, 32);
    if (v.status == LiteralStatus::OutOfRange)
      return error_at_token(ErrorCode::I32ConstantOutOfRange, t);
    if (!v.ok()) return Cursor::unexpected_at(t);
    return static_cast<uint32_t>(v.value);
  }
  if (t.kind != TokenKind::Id) return Cursor::unexpected_at(t);
  for (size_t depth = 0; depth < scopes_.size(); ++depth) {
    ComponentScope& s = *scopes_[scopes_.size() - 1 - depth];
    auto it = s.space(space).names.find(t.value);
    if (it == s.space(space).names.end()) continue;
    if (depth == 0) return it->second;
    if (!outer_aliasable(space)) break;
    if (pass_ == Pass::Dry) return 0;  // aliased by the replay (two_pass)
    // A name of an enclosing scope: alias it in (alias outer depth idx).
    ByteWriter alias;
    write_sort(alias, space);
    alias.u8(0x02);
    alias.u32(depth);
    alias.u32(it->second);
    FLINT_TRY(emit(CSection::Alias, alias, t));
    return define(space, std::nullopt, t);
  }
  return error_at_token(ErrorCode::UnknownIdentifier, t,
                        fmt::format("{} ${}", space_word(space), t.value));
}

Result<uint32_t> ComponentParser::parse_index(CSpace space) {
  if (!cur_.at_index()) return cur_.unexpected();
  const Token& t = cur_.next();
  return resolve(space, t);
}

Status ComponentParser::emit_alias_export(CSpace space, uint32_t instance, const std::string& name,
                                          bool core, const Token& at, uint32_t* index) {
  if (pass_ == Pass::Dry) {  // aliased by the replay (two_pass)
    *index = 0;
    return {};
  }
  ByteWriter alias;
  write_sort(alias, space);
  alias.u8(core ? 0x01 : 0x00);
  alias.u32(instance);
  alias.name(name);
  FLINT_TRY(emit(CSection::Alias, alias, at));
  FLINT_ASSIGN(*index, define(space, std::nullopt, at));
  return {};
}

Result<uint32_t> ComponentParser::parse_index_path(CSpace space) {
  if (!cur_.at_index()) return cur_.unexpected();
  const Token& t = cur_.next();
  if (!cur_.at(TokenKind::String)) return resolve(space, t);
  // Core instances export functions, tables, memories, globals and tags;
  // core modules and types come from component instances.
  const bool core = is_core(space) && space != CSpace::CoreModule && space != CSpace::CoreType;
  FLINT_ASSIGN(uint32_t index, resolve(core ? CSpace::CoreInstance : CSpace::Instance, t));
  while (cur_.at(TokenKind::String)) {
    const Token& name_token = cur_.peek();
    FLINT_ASSIGN(std::string name, cur_.expect_name());
    // Every name but the last reaches a nested instance.
    const bool last = !cur_.at(TokenKind::String);
    if (!last && core) return cur_.unexpected();
    FLINT_TRY(
        emit_alias_export(last ? space : CSpace::Instance, index, name, core, name_token, &index));
  }
  return index;
}

Status ComponentParser::parse_any_ref(CSpace* space, uint32_t* index, bool core_sorts) {
  FLINT_TRY(cur_.expect(TokenKind::LParen));
  FLINT_ASSIGN(*space, parse_sort(core_sorts));
  FLINT_ASSIGN(*index, parse_index_path(*space));
  return cur_.expect(TokenKind::RParen);
}

Result<uint32_t> ComponentParser::parse_ref_form(CSpace space) {
  const Token& at = cur_.peek(1);
  CSpace found;
  uint32_t index = 0;
  FLINT_TRY(parse_any_ref(&found, &index, is_core(space)));
  if (found != space)
    return error_at_token(ErrorCode::UnexpectedToken, at,
                          fmt::format("expected a {} reference", space_word(space)));
  return index;
}

Result<uint32_t> ComponentParser::parse_index_or_ref(CSpace space) {
  if (cur_.at(TokenKind::LParen)) return parse_ref_form(space);
  return parse_index(space);
}

// name ( (implements "i") | (external-id "x") )*  — Binary.md's
// externname: 0x00 name, or 0x02 name and its options.
Result<std::string> ComponentParser::parse_extern_name(ByteWriter& out) {
  FLINT_ASSIGN(std::string name, cur_.expect_name());
  std::vector<std::pair<uint8_t, std::string>> options;
  while (cur_.at(TokenKind::LParen)) {
    uint8_t kind;
    if (cur_.at_keyword("implements", 1))
      kind = 0x00;
    else if (cur_.at_keyword("external-id", 1))
      kind = 0x02;
    else
      break;
    // At most one option of each kind (wasm-tools: "unexpected token").
    for (const auto& option : options)
      if (option.first == kind) return Cursor::unexpected_at(cur_.peek(1));
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(std::string value, cur_.expect_name());
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    options.emplace_back(kind, std::move(value));
  }
  out.u8(options.empty() ? 0x00 : 0x02);
  out.name(name);
  if (!options.empty()) {
    out.u32(options.size());
    for (const auto& [kind, value] : options) {
      out.u8(kind);
      out.name(value);
    }
  }
  return name;
}

}  // namespace flint::text

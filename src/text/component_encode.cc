// The output side of the component parser: scopes, index spaces and the
// sections of the component binary format (Binary.md, "Component
// Definitions"), and the entry points.
#include "text/component_parser.h"

namespace flint::text {

namespace {

// Nesting of components, component types and instance types: deep enough for
// any real component, small enough that hostile input cannot exhaust the
// stack.
constexpr uint32_t kMaxNesting = 100;

// The declaration byte of a component or instance type declaration
// (Binary.md: componentdecl / instancedecl) for an item of `section`.
std::optional<uint8_t> decl_byte(CSection section, ComponentScope::Kind kind) {
  switch (section) {
    case CSection::CoreType: return 0x00;
    case CSection::Type: return 0x01;
    case CSection::Alias: return 0x02;
    case CSection::Import:
      if (kind == ComponentScope::Kind::ComponentType) return 0x03;
      return std::nullopt;
    case CSection::Export: return 0x04;
    default: return std::nullopt;
  }
}

}  // namespace

Result<std::vector<uint8_t>> encode_component_fields(const std::vector<Token>& tokens, size_t begin,
                                                     size_t* end,
                                                     const std::optional<std::string>& name) {
  ComponentParser parser(tokens, begin, name);
  return parser.run(end);
}

Result<std::vector<uint8_t>> encode_component(const std::vector<Token>& tokens, size_t begin,
                                              size_t* end) {
  Cursor cur(tokens, begin);
  FLINT_TRY(cur.expect_form("component"));
  std::optional<std::string> name = cur.take_id();
  size_t fields_end = 0;
  FLINT_ASSIGN(std::vector<uint8_t> bytes,
               encode_component_fields(tokens, cur.pos(), &fields_end, name));
  cur.seek(fields_end);
  FLINT_TRY(cur.expect(TokenKind::RParen));
  *end = cur.pos();
  return bytes;
}

Result<std::vector<uint8_t>> ComponentParser::run(size_t* end) {
  scopes_.push_back(std::make_unique<ComponentScope>());
  scope().id = name_;
  while (cur_.at(TokenKind::LParen)) FLINT_TRY(parse_field());
  if (!cur_.at(TokenKind::RParen)) return cur_.unexpected();
  *end = cur_.pos();
  return finish_component();
}

Status ComponentParser::enter() {
  if (++depth_ > kMaxNesting) return cur_.error(ErrorCode::UnexpectedToken, "nesting too deep");
  return {};
}

void ComponentParser::flush_section(ComponentScope& s) {
  if (!s.open) return;
  s.sections.u8(static_cast<uint8_t>(*s.open));
  ByteWriter content;
  content.u32(s.open_count);
  content.raw(s.open_body.bytes());
  s.sections.sized(content);
  s.open.reset();
  s.open_count = 0;
  s.open_body = ByteWriter();
}

Result<std::vector<uint8_t>> ComponentParser::finish_component() {
  ComponentScope& s = scope();
  std::vector<ComponentScope::DeferredExport> exports = std::move(s.deferred_exports);
  for (const ComponentScope::DeferredExport& d : exports) {
    ByteWriter e;
    e.raw(d.name.bytes());
    write_sort(e, d.space);
    e.u32(d.index);
    e.u8(0x00);  // no ascribed type
    FLINT_TRY(emit(CSection::Export, e, *d.at));
    FLINT_TRY(status_of(define(d.space, std::nullopt, *d.at)));
  }
  flush_section(s);
  ByteWriter out;
  // Preamble: magic, version 0x0d, layer 1 (Binary.md, "Component
  // Definitions").
  out.raw(std::string_view("\0asm\x0d\0\x01\0", 8));
  out.raw(s.sections.bytes());
  return out.take();
}

Status ComponentParser::emit(CSection section, const ByteWriter& item, const Token& at) {
  ComponentScope& s = scope();
  if (s.kind != ComponentScope::Kind::Component) {
    std::optional<uint8_t> b = decl_byte(section, s.kind);
    if (!b) return error_at_token(ErrorCode::UnexpectedToken, at, "not allowed in a type");
    s.decls.u8(*b);
    s.decls.raw(item.bytes());
    ++s.decl_count;
    return {};
  }
  // A core module, a component or a start is a section of its own, without
  // a count.
  if (section == CSection::CoreModule || section == CSection::Component ||
      section == CSection::Start) {
    flush_section(s);
    s.sections.u8(static_cast<uint8_t>(section));
    s.sections.sized(item);
    return {};
  }
  if (s.open != section) {
    flush_section(s);
    s.open = section;
  }
  ++s.open_count;
  s.open_body.raw(item.bytes());
  return {};
}

Result<uint32_t> ComponentParser::define(CSpace space, const std::optional<std::string>& id,
                                         const Token& at) {
  IndexSpace& sp = scope().space(space);
  uint32_t index = sp.count++;
  if (id) {
    if (!sp.names.emplace(*id, index).second)
      return error_at_token(ErrorCode::DuplicateIdentifier, at, "$" + *id);
  }
  return index;
}

}  // namespace flint::text

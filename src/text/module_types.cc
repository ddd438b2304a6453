// Type uses, value types and indices of a text module (spec 6.6.1-6.6.3).
#include <fmt/format.h>

#include "text/literals.h"
#include "text/module_parser.h"

namespace flint::text {

// typeuse ::= (type x)? (param ...)* (result ...)*
Result<TypeUse> ModuleParser::parse_type_use(bool allow_param_names) {
  TypeUse use;
  if (cur_.at_form("type")) {
    cur_.next();
    cur_.next();
    use.index_token = &cur_.peek();
    FLINT_ASSIGN(uint32_t index, parse_index(Space::Type));
    use.index = index;
    FLINT_TRY(cur_.expect(TokenKind::RParen));
  }
  use.has_inline = cur_.at_form("param") || cur_.at_form("result");
  FLINT_ASSIGN(use.inline_type, parse_func_type_body(&use.param_names, allow_param_names));
  return use;
}

// spec 6.6.3: `(type x)` with inline params/results must agree with type x;
// inline params/results alone denote the first equal type, appended to the
// type section when none exists.
Result<uint32_t> ModuleParser::resolve_type_use(const TypeUse& use) {
  if (use.index) {
    if (use.has_inline) {
      const FuncType* t = type_at(*use.index);
      if (t == nullptr) return error_at_token(ErrorCode::UnknownTextType, *use.index_token);
      if (*t != use.inline_type) {
        return error_at_token(ErrorCode::InlineFunctionType, *use.index_token);
      }
    }
    return *use.index;
  }
  for (size_t i = 0; i < types_.size(); ++i) {
    if (types_[i] == use.inline_type) return static_cast<uint32_t>(i);
  }
  types_.push_back(use.inline_type);
  return static_cast<uint32_t>(types_.size() - 1);
}

const FuncType* ModuleParser::type_at(uint32_t index) const {
  return index < types_.size() ? &types_[index] : nullptr;
}

Result<uint32_t> ModuleParser::parse_index(Space s) {
  const Token& t = cur_.peek();
  if (t.kind == TokenKind::Id) {
    FLINT_ASSIGN(uint32_t index, resolve_index(s, t));
    cur_.next();
    return index;
  }
  return cur_.expect_u32();
}

Result<uint32_t> ModuleParser::resolve_index(Space s, const Token& t) {
  if (t.kind != TokenKind::Id) {
    Literal<uint64_t> v = parse_unsigned(t.text, 32);
    if (v.status == LiteralStatus::OutOfRange) {
      return error_at_token(ErrorCode::I32ConstantOutOfRange, t);
    }
    if (!v.ok()) return Cursor::unexpected_at(t);
    return static_cast<uint32_t>(v.value);
  }
  const IndexSpace& sp = space(s);
  auto it = sp.names.find(t.value);
  if (it != sp.names.end()) return it->second;
  static constexpr std::string_view kSpaceNames[] = {"type",   "function", "table", "memory",
                                                     "global", "elem",     "data",  "tag"};
  if (s == Space::Type) return error_at_token(ErrorCode::UnknownTextType, t, "$" + t.value);
  return error_at_token(ErrorCode::UnknownIdentifier, t,
                        fmt::format("{} ${}", kSpaceNames[static_cast<size_t>(s)], t.value));
}

// valtype (spec 6.4.3)
Result<ValType> ModuleParser::parse_value_type() {
  const Token& t = cur_.peek();
  if (t.kind == TokenKind::Keyword) {
    std::string_view k = t.text;
    std::optional<ValType> v;
    if (k == "i32")
      v = ValType::I32;
    else if (k == "i64")
      v = ValType::I64;
    else if (k == "f32")
      v = ValType::F32;
    else if (k == "f64")
      v = ValType::F64;
    else if (k == "v128")
      v = ValType::V128;
    else if (k == "funcref")
      v = ValType::FuncRef;
    else if (k == "externref")
      v = ValType::ExternRef;
    else if (k == "exnref")
      v = ValType::ExnRef;
    if (v) {
      cur_.next();
      return *v;
    }
  }
  return cur_.unexpected();
}

// reftype (spec 6.4.2)
Result<ValType> ModuleParser::parse_ref_type() {
  if (cur_.at_keyword("funcref")) {
    cur_.next();
    return ValType::FuncRef;
  }
  if (cur_.at_keyword("externref")) {
    cur_.next();
    return ValType::ExternRef;
  }
  if (cur_.at_keyword("exnref")) {
    cur_.next();
    return ValType::ExnRef;
  }
  return cur_.unexpected();
}

// limits ::= n:u32 m:u32? (spec 6.4.4), written in the binary form.
Status ModuleParser::parse_limits(ByteWriter& out) {
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

Status ModuleParser::parse_memory_type(ByteWriter& out) {
  ByteWriter limits;
  FLINT_TRY(parse_limits(limits));
  std::vector<uint8_t> bytes = limits.bytes();
  if (cur_.at_keyword("shared")) {
    cur_.next();
    bytes[0] |= 0x02;  // the limits flag: 0x02 shared, 0x03 shared with a maximum
  }
  out.raw(bytes);
  return {};
}

// globaltype ::= t | (mut t) (spec 6.4.6)
Status ModuleParser::parse_global_type(ByteWriter& out) {
  if (cur_.at_form("mut")) {
    cur_.next();
    cur_.next();
    FLINT_ASSIGN(ValType t, parse_value_type());
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    out.u8(static_cast<uint8_t>(t));
    out.u8(0x01);
    return {};
  }
  FLINT_ASSIGN(ValType t, parse_value_type());
  out.u8(static_cast<uint8_t>(t));
  out.u8(0x00);
  return {};
}

}  // namespace flint::text

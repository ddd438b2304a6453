// parse_wat: one module in the text format (spec 6.6), wrapped in
// `(module $id? ...)` or as the bare list of its fields; or one component
// (`(component $id? ...)`, component-model Explainer.md).
#include "text/component_parser.h"
#include "text/module_parser.h"
#include "text/parse.h"

namespace flint::text {

Result<std::vector<uint8_t>> parse_wat(std::string_view source) {
  FLINT_ASSIGN(std::vector<Token> tokens, tokenize(source));
  Cursor cur(tokens, 0);
  if (cur.at_form("component")) {
    size_t end = 0;
    FLINT_ASSIGN(std::vector<uint8_t> component, encode_component(tokens, 0, &end));
    cur.seek(end);
    if (!cur.at(TokenKind::Eof)) return cur.unexpected();
    return component;
  }
  bool wrapped = cur.at_form("module");
  std::optional<std::string> name;
  if (wrapped) {
    cur.next();
    cur.next();
    name = cur.take_id();
  }
  std::vector<uint8_t> binary;
  if (wrapped && cur.at_keyword("binary")) {
    // (module binary "..."*): the bytes as written.
    cur.next();
    while (cur.at(TokenKind::String)) {
      const std::string& s = cur.next().value;
      binary.insert(binary.end(), s.begin(), s.end());
    }
  } else {
    size_t end = 0;
    FLINT_ASSIGN(binary, encode_module_fields(tokens, cur.pos(), &end, name));
    cur.seek(end);
  }
  if (wrapped) FLINT_TRY(cur.expect(TokenKind::RParen));
  if (!cur.at(TokenKind::Eof)) return cur.unexpected();
  return binary;
}

}  // namespace flint::text

// The tokenizer (spec 6.3): token kinds, comments, strings and escapes,
// reserved words, UTF-8 checks and positions.
#include "text/lexer.h"

#include <gtest/gtest.h>

namespace flint::text {
namespace {

std::vector<Token> lex(std::string_view s) {
  auto r = tokenize(s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? std::move(r).value() : std::vector<Token>{};
}

std::vector<TokenKind> kinds(std::string_view s) {
  std::vector<TokenKind> k;
  for (const Token& t : lex(s)) k.push_back(t.kind);
  return k;
}

Error lex_error(std::string_view s) {
  auto r = tokenize(s);
  EXPECT_FALSE(r.ok()) << "accepted: " << s;
  return r.ok() ? Error{} : r.error();
}

using K = TokenKind;

TEST(Lexer, TokenKinds) {
  EXPECT_EQ(kinds("(module $m \"s\" 0x10 -1.5 i32.add offset=4)"),
            (std::vector<K>{K::LParen, K::Keyword, K::Id, K::String, K::Number, K::Number,
                            K::Keyword, K::Keyword, K::RParen, K::Eof}));
}

TEST(Lexer, ParenthesesAndCommentsDelimitTokens) {
  auto t = lex("(func(nop)nop;;bla\n$f(;c;)br)");
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[1].text, "func");
  EXPECT_EQ(t[3].text, "nop");
  EXPECT_EQ(t[5].text, "nop");
  EXPECT_EQ(t[6].value, "f");
  EXPECT_EQ(t[7].text, "br");
}

TEST(Lexer, BlockCommentsNest) {
  EXPECT_EQ(kinds("(; a (; b ;) c ;) nop (;;) (; ( ;)"), (std::vector<K>{K::Keyword, K::Eof}));
  Error e = lex_error("nop\n  (; a (; b ;) c");
  EXPECT_EQ(e.code, ErrorCode::UnclosedComment);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 3u);
}

TEST(Lexer, LineCommentRunsToEndOfLine) {
  EXPECT_EQ(kinds(";; (module\nnop ;; x"), (std::vector<K>{K::Keyword, K::Eof}));
  // A carriage return alone ends a line too (comments.wast).
  EXPECT_EQ(kinds(";; x\rnop"), (std::vector<K>{K::Keyword, K::Eof}));
  EXPECT_EQ(kinds(";; x\r\nnop"), (std::vector<K>{K::Keyword, K::Eof}));
  auto t = lex("a\rb\r\nc\nd");
  EXPECT_EQ(t[1].line, 2u);
  EXPECT_EQ(t[2].line, 3u);
  EXPECT_EQ(t[3].line, 4u);
}

TEST(Lexer, StringEscapes) {
  auto t = lex(R"("\t\n\r\"\'\\\41\u{48}\u{1F600}\u{0_0e9}")");
  ASSERT_EQ(t[0].kind, K::String);
  EXPECT_EQ(t[0].value, "\t\n\r\"'\\AH\xF0\x9F\x98\x80\xC3\xA9");
}

TEST(Lexer, StringsMayHoldAnyBytesThroughEscapes) {
  auto t = lex(R"("\00\ff\80")");
  EXPECT_EQ(t[0].value, std::string("\0\xff\x80", 3));
}

TEST(Lexer, BadStrings) {
  EXPECT_EQ(lex_error("\"abc").code, ErrorCode::UnclosedString);
  EXPECT_EQ(lex_error("\"a\nb\"").code, ErrorCode::UnclosedString);
  EXPECT_EQ(lex_error(R"("\q")").code, ErrorCode::IllegalCharacter);
  EXPECT_EQ(lex_error(R"("\4")").code, ErrorCode::IllegalCharacter);
  EXPECT_EQ(lex_error(R"("\u{D800}")").code, ErrorCode::MalformedTextUtf8);
  EXPECT_EQ(lex_error(R"("\u{110000}")").code, ErrorCode::MalformedTextUtf8);
  EXPECT_EQ(lex_error(R"("\u{}")").code, ErrorCode::IllegalCharacter);
  EXPECT_EQ(lex_error("\"\t\"").code, ErrorCode::IllegalCharacter);
}

TEST(Lexer, RawCharactersMustBeUtf8) {
  EXPECT_EQ(lex_error("\"\xff\"").code, ErrorCode::MalformedTextUtf8);
  EXPECT_EQ(lex_error("\"\xc0\x80\"").code, ErrorCode::MalformedTextUtf8);      // overlong
  EXPECT_EQ(lex_error("\"\xed\xa0\x80\"").code, ErrorCode::MalformedTextUtf8);  // surrogate
  EXPECT_EQ(lex_error(";; \xfe\n").code, ErrorCode::MalformedTextUtf8);
  EXPECT_EQ(lex("\"\xc3\xa9\"")[0].value, "\xc3\xa9");
}

TEST(Lexer, ReservedWords) {
  // Tokens must be separated: a string glued to anything is one reserved token.
  EXPECT_EQ(kinds("\"a\"x"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("0\"a\""), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("\"a\"\"b\""), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("$l\"a\""), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("a,b"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("$"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("Abc"), (std::vector<K>{K::Reserved, K::Eof}));
}

TEST(Lexer, Identifiers) {
  auto t = lex("$x $l$l $!#%&'*+-./:<=>?@\\^_`|~ $\"a b\"");
  EXPECT_EQ(t[0].value, "x");
  EXPECT_EQ(t[1].value, "l$l");
  EXPECT_EQ(t[2].kind, K::Id);
  EXPECT_EQ(t[3].kind, K::Id);
  EXPECT_EQ(t[3].value, "a b");
  EXPECT_EQ(kinds("$\"\""), (std::vector<K>{K::Reserved, K::Eof}));
}

TEST(Lexer, IllegalCharacter) {
  Error e = lex_error("(module\n  \x01)");
  EXPECT_EQ(e.code, ErrorCode::IllegalCharacter);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 3u);
}

TEST(Lexer, PositionsCountCharactersNotBytes) {
  auto t = lex("\"\xc3\xa9\xc3\xa9\" x\n  y");
  EXPECT_EQ(t[1].line, 1u);
  EXPECT_EQ(t[1].column, 6u);
  EXPECT_EQ(t[2].line, 2u);
  EXPECT_EQ(t[2].column, 3u);
}

}  // namespace
}  // namespace flint::text

// Validation of the exception-handling proposal (wasm 3.0: tags, throw,
// throw_ref, try_table and its catch clauses), written as text modules.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "flint/wat.h"
#include "valid/validator.h"

namespace flint {
namespace {

struct Case {
  const char* what;
  const char* wat;
  std::optional<ErrorCode> error;  ///< nullopt: valid
};

std::vector<Case> cases() {
  return {
      {"a tag with results", "(module (tag (result i32)))", ErrorCode::NonEmptyTagResult},
      {"an imported tag with results", R"((module (import "m" "t" (tag (result i32)))))",
       ErrorCode::NonEmptyTagResult},
      {"throw of an unknown tag", "(module (func (throw 0)))", ErrorCode::UnknownTag},
      {"catch of an unknown tag", "(module (tag) (func (block (try_table (catch 1 0)))))",
       ErrorCode::UnknownTag},
      {"export of an unknown tag", R"((module (tag) (export "t" (tag 1))))", ErrorCode::UnknownTag},
      {"throw without its payload", "(module (tag (param i32)) (func (throw 0)))",
       ErrorCode::TypeMismatch},
      {"throw_ref without an exnref", "(module (func (throw_ref)))", ErrorCode::TypeMismatch},
      {"throw_ref of an i32", "(module (func (throw_ref (i32.const 0))))", ErrorCode::TypeMismatch},
      {"catch to a label taking nothing",
       "(module (tag (param i32)) (func (block (try_table (catch 0 0)))))",
       ErrorCode::TypeMismatch},
      {"catch_ref to a label without the exnref",
       "(module (tag) (func (block (try_table (catch_ref 0 0)))))", ErrorCode::TypeMismatch},
      {"catch_all_ref to a label taking nothing",
       "(module (func (block (try_table (catch_all_ref 0)))))", ErrorCode::TypeMismatch},
      {"catch label outside the function", "(module (func (try_table (catch_all 1))))",
       ErrorCode::UnknownLabel},
      {"try_table results", "(module (func (result i32) (try_table (result i32))))",
       ErrorCode::TypeMismatch},
      {"a catch and its payload",
       "(module (tag $e (param i32)) (func (result i32) (block $h (result i32)"
       " (try_table (catch $e $h) (throw $e (i32.const 1))) (i32.const 0))))",
       std::nullopt},
      {"catch_all_ref and throw_ref",
       "(module (func (block $h (result exnref) (try_table (catch_all_ref $h) (unreachable))"
       " (return)) (throw_ref)))",
       std::nullopt},
      {"catch to the function's label",
       "(module (tag $e (param i64)) (func (result i64) (try_table (catch $e 0)"
       " (throw $e (i64.const 7))) (i64.const 0)))",
       std::nullopt},
  };
}

TEST(Exceptions, ValidationRules) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.what);
    Result<std::vector<uint8_t>> bytes = text::parse_wat(c.wat);
    ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
    Result<Module> module = decode_module(*bytes);
    ASSERT_TRUE(module.ok()) << module.error().describe();
    Status status = validate(*module);
    if (!c.error) {
      EXPECT_TRUE(status.ok()) << status.error().describe();
    } else {
      ASSERT_FALSE(status.ok());
      EXPECT_EQ(status.error().code, *c.error) << status.error().describe();
    }
  }
}

TEST(Exceptions, TryTableCatchesDecodeInOrder) {
  Result<std::vector<uint8_t>> bytes = text::parse_wat(
      "(module (tag $a) (tag $b (param i32)) (func (block $x (block $y (result i32)"
      " (try_table (catch $b $y) (catch_all $x)) (br 1)) (drop))))");
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  Result<Module> module = decode_module(*bytes);
  ASSERT_TRUE(module.ok()) << module.error().describe();
  ASSERT_EQ(module->tags.size(), 2u);
  const Function& f = module->functions[0];
  auto it = std::find_if(f.body.begin(), f.body.end(),
                         [](const Instr& in) { return in.op == Opcode::TryTable; });
  ASSERT_NE(it, f.body.end());
  std::vector<CatchClause> clauses = f.catches(*it);
  ASSERT_EQ(clauses.size(), 2u);
  EXPECT_EQ(clauses[0].kind, CatchKind::Catch);
  EXPECT_EQ(clauses[0].tag, 1u);
  EXPECT_EQ(clauses[0].label, 0u);
  EXPECT_EQ(clauses[1].kind, CatchKind::CatchAll);
  EXPECT_EQ(clauses[1].label, 1u);
}

}  // namespace
}  // namespace flint

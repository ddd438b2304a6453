// Every malformed-module error of the decoder, with the words of the spec
// (errors.def) and the byte offset it is reported at.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "module_bytes.h"

namespace flint {
namespace {

using namespace flint::testing;

struct Case {
  const char* what;
  Bytes bytes;
  ErrorCode code;
  uint64_t offset;
  /// 2.0's grammar unless a case says otherwise (multi_memory_cases).
  Features features = Features::wasm2();
};

// Offset of the first instruction of one_function_module(code, extra).
uint64_t code_start(const Bytes& module, const Bytes& code) { return module.size() - code.size(); }

Case in_function(const char* what, const Bytes& code, ErrorCode error, uint64_t delta,
                 std::initializer_list<Bytes> extra = {}) {
  Bytes m = one_function_module(code, extra);
  return {what, m, error, code_start(m, code) + delta};
}

Case in_function_3_0(const char* what, const Bytes& code, ErrorCode error, uint64_t delta,
                     std::initializer_list<Bytes> extra = {}) {
  Case c = in_function(what, code, error, delta, extra);
  c.features = Features{};
  return c;
}

const Bytes kMemory = section(5, vec(1, {0x00, 0x01}));

std::vector<Case> cases() {
  return {
      // ---- preamble (5.5.16) ----
      {"empty input", {}, ErrorCode::UnexpectedEnd, 0},
      {"magic cut short", {0x00, 0x61, 0x73}, ErrorCode::UnexpectedEnd, 0},
      {"wrong magic", {0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0}, ErrorCode::MagicHeaderNotDetected, 0},
      {"version cut short", {0x00, 0x61, 0x73, 0x6D, 1, 0}, ErrorCode::UnexpectedEnd, 4},
      {"version 2", {0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0}, ErrorCode::UnknownBinaryVersion, 4},

      // ---- section headers and order (5.5.2) ----
      {"section id 14", module({{14, 0x00}}), ErrorCode::MalformedSectionId, 8},
      // ---- exception handling (wasm 3.0): the tag section, id 13 ----
      {"tag attribute 1",
       module({section(1, vec(1, {0x60, 0x00, 0x00})), section(13, vec(1, {0x01, 0x00}))}),
       ErrorCode::MalformedTagAttribute, 17},
      {"tag section after global", module({section(6, vec(0, {})), section(13, vec(0, {}))}),
       ErrorCode::UnexpectedContentAfterLastSection, 11},
      {"section id 0x80", module({{0x80, 0x00}}), ErrorCode::MalformedSectionId, 8},
      {"section size missing", module({{0x01}}), ErrorCode::UnexpectedEnd, 9},
      {"section size past the end", module({{0x01, 0x05, 0x00}}), ErrorCode::LengthOutOfBounds, 9},
      {"a second module appended", cat({module({}), module({})}), ErrorCode::LengthOutOfBounds, 9},
      {"type after memory", module({section(5, vec(0, {})), section(1, vec(0, {}))}),
       ErrorCode::UnexpectedContentAfterLastSection, 11},
      {"two type sections", module({section(1, vec(0, {})), section(1, vec(0, {}))}),
       ErrorCode::UnexpectedContentAfterLastSection, 11},
      {"data count after code", module({section(10, vec(0, {})), section(12, {0x00})}),
       ErrorCode::UnexpectedContentAfterLastSection, 11},
      {"section longer than its contents", module({section(1, {0x00, 0x00})}),
       ErrorCode::SectionSizeMismatch, 10},
      {"section shorter than its contents",
       module({section(1, vec(1, {0x60, 0x00, 0x00})), {0x03, 0x01, 0x02, 0x00, 0x00}}),
       ErrorCode::SectionSizeMismatch, 16},
      {"vector runs past the input", module({{0x05, 0x01, 0x01}}),
       ErrorCode::UnexpectedEndOfSection, 11},

      // ---- agreement between sections ----
      {"functions without code",
       module({section(1, vec(1, {0x60, 0, 0})), section(3, vec(1, {0}))}),
       ErrorCode::FunctionCodeLengthMismatch, 18},
      {"code without functions", module({section(10, vec(1, body({0x00, 0x0B})))}),
       ErrorCode::FunctionCodeLengthMismatch, 10},
      {"data count without data", module({section(12, {0x01})}), ErrorCode::DataCountLengthMismatch,
       11},
      {"data count above the segments",
       module({section(12, {0x02}), section(11, vec(1, {0x01, 0x00}))}),
       ErrorCode::DataCountLengthMismatch, 13},
      in_function("data.drop without data count", {0xFC, 0x09, 0x00, 0x0B},
                  ErrorCode::DataCountRequired, 0),
      in_function("memory.init without data count",
                  {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B},
                  ErrorCode::DataCountRequired, 6, {kMemory}),

      // ---- types (5.3) ----
      {"function type form", module({section(1, vec(1, {0x61, 0x00, 0x00}))}),
       ErrorCode::MalformedFunctionType, 11},
      {"function type form as long LEB128", module({section(1, vec(1, {0xE0, 0x7F, 0x00, 0x00}))}),
       ErrorCode::IntegerRepresentationTooLong, 12},
      {"parameter type", module({section(1, vec(1, {0x60, 0x01, 0x40, 0x00}))}),
       ErrorCode::MalformedValueType, 13},
      {"table element type", module({section(4, vec(1, {0x7F, 0x00, 0x00}))}),
       ErrorCode::MalformedReferenceType, 11},
      {"limits flag 2", module({section(5, vec(1, {0x02, 0x00}))}), ErrorCode::IntegerTooLarge, 11},
      {"limits flag as long LEB128", module({section(5, vec(1, {0x81, 0x00, 0x00}))}),
       ErrorCode::IntegerRepresentationTooLong, 12},
      {"memory minimum above u32",
       module({section(5, vec(1, {0x00, 0x80, 0x80, 0x80, 0x80, 0x10}))}),
       ErrorCode::IntegerTooLarge, 16},
      {"global value type", module({section(6, vec(1, {0x40, 0x00, 0x41, 0x00, 0x0B}))}),
       ErrorCode::MalformedValueType, 11},
      {"global mutability 2", module({section(6, vec(1, {0x7F, 0x02, 0x41, 0x00, 0x0B}))}),
       ErrorCode::MalformedMutability, 12},

      // ---- imports, exports, names ----
      {"import kind 5", module({section(2, vec(1, {0x00, 0x00, 0x05, 0x00}))}),
       ErrorCode::MalformedImportKind, 13},
      {"import name not UTF-8",
       module({section(2, vec(1, cat({{0x02, 0xC0, 0x80}, name("f"), {0x00, 0x00}})))}),
       ErrorCode::MalformedUtf8, 11},
      {"import name longer than the input", module({section(2, {0x01, 0x09, 'a'})}),
       ErrorCode::LengthOutOfBounds, 11},
      {"export kind 5", module({section(7, vec(1, {0x00, 0x05, 0x00}))}),
       ErrorCode::MalformedExportKind, 12},
      {"custom section name not UTF-8", module({section(0, {0x01, 0xFF})}),
       ErrorCode::MalformedUtf8, 10},
      {"custom section too short for its name", module({section(0, {}), {0x00}}),
       ErrorCode::UnexpectedEnd, 10},

      // ---- segments (5.5.12, 5.5.14) ----
      {"element flags 8", module({section(9, vec(1, {0x08}))}), ErrorCode::MalformedSegmentFlags,
       11},
      {"element kind 1", module({section(9, vec(1, {0x01, 0x01, 0x00}))}),
       ErrorCode::MalformedElementKind, 12},
      {"element expression type", module({section(9, vec(1, {0x05, 0x7F, 0x00}))}),
       ErrorCode::MalformedReferenceType, 12},
      {"data flags 3", module({section(11, vec(1, {0x03}))}), ErrorCode::MalformedSegmentFlags, 11},
      {"data bytes past the input", module({{0x0B, 0x04, 0x01, 0x01, 0x05, 0xAA}}),
       ErrorCode::UnexpectedEndOfSection, 13},

      // ---- function bodies (5.5.13) ----
      {"too many locals (spec)",
       module({section(1, vec(1, {0x60, 0, 0})), section(3, vec(1, {0})),
               section(10, vec(1, body({0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E,
                                        0x0B})))}),
       ErrorCode::TooManyLocals, 22},
      {"too many locals (implementation limit)",
       module({section(1, vec(1, {0x60, 0, 0})), section(3, vec(1, {0})),
               section(10, vec(1, body(cat({{0x01}, uleb(50001), {0x7F, 0x0B}}))))}),
       ErrorCode::TooManyLocals, 22},
      {"local count above u32",
       module({section(1, vec(1, {0x60, 0, 0})), section(3, vec(1, {0})),
               section(10, vec(1, body({0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F, 0x0B})))}),
       ErrorCode::IntegerTooLarge, 27},
      {"body longer than declared",
       module({section(1, vec(1, {0x60, 0, 0})), section(3, vec(1, {0})),
               section(10, {0x01, 0x02, 0x00, 0x01, 0x0B})}),
       ErrorCode::SectionSizeMismatch, 22},
      in_function("body without end at the end of input", {0x01}, ErrorCode::UnexpectedEndOfSection,
                  1),

      // ---- instructions (5.4) ----
      in_function("opcode 0x06", {0x06, 0x0B}, ErrorCode::IllegalOpcode, 0),
      in_function("opcode 0xFF", {0xFF, 0x0B}, ErrorCode::IllegalOpcode, 0),
      // try_table (0x1F) blocktype, one catch clause of kind 4 (0 to 3 exist)
      in_function("catch clause kind 4", {0x1F, 0x40, 0x01, 0x04, 0x00, 0x0B, 0x0B},
                  ErrorCode::MalformedCatchKind, 3),
      in_function("0xFC sub-opcode 0x20", {0xFC, 0x20, 0x0B}, ErrorCode::IllegalOpcode, 0),
      in_function("0xFC sub-opcode aliasing the 0xFD space", {0xFC, 0x80, 0x02, 0x0B},
                  ErrorCode::IllegalOpcode, 0),
      in_function("0xFD sub-opcode past its space", {0xFD, 0x80, 0x04, 0x0B},
                  ErrorCode::IllegalOpcode, 0),
      in_function("0xFC sub-opcode above u32", {0xFC, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0B},
                  ErrorCode::IntegerTooLarge, 5),
      in_function("else outside if", {0x05, 0x0B}, ErrorCode::EndOpcodeExpected, 0),
      in_function("else in a block", {0x02, 0x40, 0x05, 0x0B, 0x0B}, ErrorCode::EndOpcodeExpected,
                  2),
      in_function("second else", {0x41, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B},
                  ErrorCode::EndOpcodeExpected, 5),
      in_function("block type not a value type", {0x02, 0x60, 0x0B, 0x0B},
                  ErrorCode::MalformedValueType, 1),
      in_function("negative block type index", {0x02, 0xFF, 0x7F, 0x0B, 0x0B},
                  ErrorCode::MalformedValueType, 1),
      in_function("block type index above s33", {0x02, 0x80, 0x80, 0x80, 0x80, 0x20, 0x0B, 0x0B},
                  ErrorCode::IntegerTooLarge, 5),
      in_function("typed select with a bad type", {0x1C, 0x01, 0x40, 0x0B},
                  ErrorCode::MalformedValueType, 2),
      in_function("ref.null of a number type", {0xD0, 0x7F, 0x0B},
                  ErrorCode::MalformedReferenceType, 1),
      in_function("memory.size reserved byte", {0x3F, 0x01, 0x0B}, ErrorCode::ZeroByteExpected, 1,
                  {kMemory}),
      in_function("memory.grow long zero", {0x41, 0x00, 0x40, 0x80, 0x00, 0x0B},
                  ErrorCode::ZeroByteExpected, 3, {kMemory}),
      in_function("memory.copy second byte",
                  {0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x0A, 0x00, 0x01, 0x0B},
                  ErrorCode::ZeroByteExpected, 9, {kMemory}),
      in_function("memory.fill reserved byte", {0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x0B, 0x01, 0x0B},
                  ErrorCode::ZeroByteExpected, 8, {kMemory}),
      in_function("alignment exponent 32", {0x41, 0x00, 0x28, 0x20, 0x00, 0x1A, 0x0B},
                  ErrorCode::MalformedMemopFlags, 3, {kMemory}),
      in_function("alignment with bit 6 (multi-memory)",
                  {0x41, 0x00, 0x28, 0x40, 0x00, 0x00, 0x1A, 0x0B}, ErrorCode::MalformedMemopFlags,
                  3, {kMemory}),
      in_function("memarg offset above u32",
                  {0x41, 0x00, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, 0x0B},
                  ErrorCode::IntegerTooLarge, 8, {kMemory}),
      in_function("i32.const above s32", {0x41, 0x80, 0x80, 0x80, 0x80, 0x08, 0x1A, 0x0B},
                  ErrorCode::IntegerTooLarge, 5),
      in_function(
          "i64.const too long",
          {0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B},
          ErrorCode::IntegerRepresentationTooLong, 11),
      in_function("f64.const cut by the end of input", {0x44, 0x00, 0x00},
                  ErrorCode::UnexpectedEndOfSection, 1),
      in_function("br_table count beyond the input", {0x0E, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00},
                  ErrorCode::UnexpectedEndOfSection, 7),
      // ---- multi-memory and the shared flag (3.0) ----
      in_function_3_0("memory index after bit 6 missing", {0x41, 0x00, 0x28, 0x40},
                      ErrorCode::UnexpectedEndOfSection, 4, {kMemory}),
      in_function_3_0("alignment exponent 32 beside bit 6",
                      {0x41, 0x00, 0x28, 0x60, 0x01, 0x00, 0x1A, 0x0B},
                      ErrorCode::MalformedMemopFlags, 3, {kMemory}),
      in_function_3_0("memory.size index too long",
                      {0x3F, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B},
                      ErrorCode::IntegerRepresentationTooLong, 6, {kMemory}),
      in_function_3_0("memory.copy source index missing",
                      {0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x0A, 0x01},
                      ErrorCode::UnexpectedEndOfSection, 9, {kMemory}),
      {"memory limits flag 4", module({section(5, vec(1, {0x04, 0x00}))}),
       ErrorCode::MalformedLimitsFlags, 11, Features{}},
      {"memory limits flag as long LEB128", module({section(5, vec(1, {0x81, 0x00, 0x00}))}),
       ErrorCode::MalformedLimitsFlags, 11, Features{}},
      {"constant expression without end",
       module({section(6, vec(1, {0x7F, 0x00, 0x41, 0x00})), {0x06}}), ErrorCode::IllegalOpcode,
       15},
  };
}

class DecodeError : public ::testing::TestWithParam<Case> {};

TEST_P(DecodeError, IsReportedWithTheSpecWordsAndOffset) {
  const Case& c = GetParam();
  Result<Module> m = decode_module(c.bytes, c.features);
  ASSERT_FALSE(m.ok()) << c.what << ": decoded";
  EXPECT_EQ(spec_text(m.error().code), spec_text(c.code)) << c.what << ": " << m.error().describe();
  EXPECT_EQ(m.error().phase(), Phase::Decode);
  EXPECT_EQ(m.error().offset, c.offset) << c.what << ": " << m.error().describe();
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name;
  for (const char* p = info.param.what; *p; ++p)
    name += isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Malformed, DecodeError, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace flint

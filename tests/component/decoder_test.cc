// The component decoder section by section, over hand-built bytes: what each
// section decodes into, and each malformed form's error and offset.
#include "component/decoder.h"

#include <gtest/gtest.h>

#include "../binary/module_bytes.h"

namespace flint::component {
namespace {

using namespace flint::testing;

const Bytes kComponentPreamble = {0x00, 0x61, 0x73, 0x6D, 0x0d, 0x00, 0x01, 0x00};

Bytes component(std::initializer_list<Bytes> sections) {
  Bytes out = kComponentPreamble;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

const Bytes kFuncType = {0x40, 0x00, 0x01, 0x00};  // (func)
const Bytes kEmptyModule = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

Component decoded(const Bytes& bytes) {
  Result<Component> c = decode_component(bytes);
  EXPECT_TRUE(c.ok()) << c.error().describe();
  return c.ok() ? std::move(*c) : Component{};
}

TEST(ComponentDecoder, TellsComponentsFromModules) {
  EXPECT_TRUE(is_component(component({})));
  EXPECT_FALSE(is_component(kEmptyModule));
  EXPECT_FALSE(is_component(Bytes{0x00, 0x61, 0x73}));
}

TEST(ComponentDecoder, SectionsKeepTheirOrderAndRanges) {
  Component c = decoded(component({section(0, name("hi")), section(7, vec(1, {0x73})),
                                   section(7, vec(2, cat({kFuncType, {0x70, 0x00}})))}));
  ASSERT_EQ(c.sections.size(), 3u);
  EXPECT_EQ(c.sections[0].id, SectionId::Custom);
  EXPECT_EQ(c.customs[0].name, "hi");
  EXPECT_EQ(c.sections[2].id, SectionId::Type);
  EXPECT_EQ(c.sections[2].first, 1u);
  EXPECT_EQ(c.sections[2].count, 2u);
  EXPECT_EQ(c.sections[1].offset, 8u + 2 + 3 + 2);
  EXPECT_EQ(c.space_size(Space::Type), 3u);
  EXPECT_EQ(c.types[2].index, 2u);
}

TEST(ComponentDecoder, ValueTypes) {
  Component c = decoded(component({section(7, vec(9, cat({{0x72, 0x01},
                                                          name("a"),
                                                          {0x7f},  // record
                                                          {0x71, 0x01},
                                                          name("x"),
                                                          {0x01, 0x7e, 0x00},        // variant
                                                          {0x67, 0x7d, 0x03},        // list u8 3
                                                          {0x6a, 0x01, 0x77, 0x00},  // result u64
                                                          {0x3f, 0x7f, 0x00},        // resource
                                                          {0x69, 0x04},              // own 4
                                                          {0x66, 0x00},              // stream
                                                          {0x63, 0x73, 0x79},  // map string u32
                                                          {0x43, 0x01},
                                                          name("p"),
                                                          {0x64, 0x00, 0x73}})))}));  // async func
  ASSERT_EQ(c.types.size(), 9u);
  const auto& record = std::get<RecordType>(std::get<DefValType>(c.types[0].type->def));
  EXPECT_EQ(record.fields[0].label, "a");
  const auto& list = std::get<ListType>(std::get<DefValType>(c.types[2].type->def));
  EXPECT_EQ(list.length, 3u);
  const auto& result = std::get<ResultType>(std::get<DefValType>(c.types[3].type->def));
  EXPECT_TRUE(result.ok && !result.error);
  EXPECT_TRUE(c.types[4].type->is_resource());
  EXPECT_EQ(std::get<OwnType>(std::get<DefValType>(c.types[5].type->def)).resource, 4u);
  const auto& f = std::get<FuncType>(c.types[8].type->def);
  EXPECT_TRUE(f.async);
  EXPECT_EQ(f.params[0].type.prim, PrimType::ErrorContext);
  EXPECT_EQ(f.result->prim, PrimType::String);
}

TEST(ComponentDecoder, CoreModulesInstancesAliasesCanonsImportsExports) {
  Component c = decoded(component({
      section(1, kEmptyModule),
      section(2, vec(1, {0x00, 0x00, 0x00})),                            // instantiate module 0
      section(6, vec(1, cat({{0x00, 0x02, 0x01, 0x00}, name("mem")}))),  // core memory alias
      section(7, vec(1, kFuncType)),
      section(10, vec(1, cat({{0x00}, name("f"), {0x01, 0x00}}))),  // import "f" (func (type 0))
      section(8, vec(2, {0x01, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00,  // lower func 0 utf16 (memory 0)
                         0x20, 0x01, 0x00})),                       // waitable-set.wait cancellable
      section(11, vec(1, cat({{0x00}, name("g"), {0x01, 0x00, 0x00}}))),
  }));
  ASSERT_EQ(c.core_modules.size(), 1u);
  EXPECT_EQ(c.core_modules[0].offset, 10u);
  EXPECT_EQ(c.core_modules[0].size, 8u);
  EXPECT_TRUE(c.core_instances[0].instantiate);
  EXPECT_EQ(c.aliases[0].name, "mem");
  EXPECT_EQ(c.aliases[0].lands.space, Space::CoreMemory);
  EXPECT_EQ(c.imports[0].lands.space, Space::Func);
  ASSERT_EQ(c.canons.size(), 2u);
  EXPECT_EQ(c.canons[0].kind, CanonKind::Lower);
  EXPECT_EQ(c.canons[0].options.size(), 2u);
  EXPECT_EQ(c.canons[0].lands.space, Space::CoreFunc);
  EXPECT_EQ(c.canons[1].kind, CanonKind::WaitableSetWait);
  EXPECT_TRUE(c.canons[1].flag);
  EXPECT_EQ(c.exports[0].name.name, "g");
  EXPECT_EQ(c.exports[0].lands.index, 1u);  // an export is a new func index
}

TEST(ComponentDecoder, NestedComponentsAndCoreModuleErrors) {
  Component c = decoded(component({section(4, component({section(7, vec(1, {0x73}))}))}));
  ASSERT_EQ(c.components.size(), 1u);
  EXPECT_EQ(c.components[0].component->types.size(), 1u);
  EXPECT_EQ(c.components[0].offset, 10u);

  // A core module's own error, at its offset in the component.
  Result<Component> bad =
      decode_component(component({section(1, cat({kEmptyModule, {0x0e, 0x00}}))}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::MalformedSectionId);
  EXPECT_EQ(bad.error().offset, 18u);
}

struct Case {
  const char* what;
  Bytes bytes;
  ErrorCode code;
  uint64_t offset;
  const char* words;  ///< in the message, or ""
};

TEST(ComponentDecoder, MalformedComponents) {
  const Case cases[] = {
      {"empty", {}, ErrorCode::ComponentUnexpectedEof, 0, "unexpected end-of-file"},
      {"wrong magic",
       {0x00, 0x61, 0x73, 0x6E, 0x0d, 0, 1, 0},
       ErrorCode::MagicHeaderNotDetected,
       0,
       ""},
      {"a core module", kEmptyModule, ErrorCode::ExpectedComponentHeader, 4, ""},
      {"version 0x0c",
       {0x00, 0x61, 0x73, 0x6D, 0x0c, 0, 1, 0},
       ErrorCode::UnknownBinaryVersion,
       4,
       ""},
      {"section id 13", component({{0x0d, 0x00}}), ErrorCode::MalformedSectionId, 8, ""},
      {"section past the end", component({{0x07, 0x03, 0x00}}), ErrorCode::ComponentUnexpectedEof,
       10, ""},
      {"contents past the section", component({{0x07, 0x01, 0x01, 0x73}}),
       ErrorCode::ComponentUnexpectedEof, 11, ""},
      {"section not all read", component({{0x07, 0x02, 0x00, 0x00}}),
       ErrorCode::SectionSizeMismatch, 11, ""},
      {"size too large", component({{0x07, 0x81, 0x80, 0x80, 0x80, 0x70}}),
       ErrorCode::IntegerTooLarge, 13, ""},
      {"name not UTF-8", component({section(0, {0x02, 0xff, 0xfe})}), ErrorCode::MalformedUtf8, 10,
       ""},
      {"component in a core module section", component({section(1, kComponentPreamble)}),
       ErrorCode::ExpectedModuleHeader, 14, "expected a version header for a module"},
      {"core instance 0x02", component({section(2, vec(1, {0x02, 0x00, 0x00}))}),
       ErrorCode::InvalidLeadingByte, 11, "invalid leading byte (0x2) for core instance"},
      {"instantiate arg not an instance",
       component({section(2, vec(1, cat({{0x00, 0x00, 0x01}, name("i"), {0x00, 0x00}})))}),
       ErrorCode::InvalidLeadingByte, 16, "(0x0) for instantiation arg kind"},
      {"instance 0x02", component({section(5, vec(1, {0x02}))}), ErrorCode::InvalidLeadingByte, 11,
       "(0x2) for instance"},
      {"alias target 0x03", component({section(6, vec(1, {0x03, 0x03, 0x00, 0x00}))}),
       ErrorCode::InvalidLeadingByte, 12, "(0x3) for alias"},
      {"outer alias of a func", component({section(6, vec(1, {0x01, 0x02, 0x00, 0x00}))}),
       ErrorCode::InvalidLeadingByte, 11, "(0x1) for component outer alias kind"},
      {"type 0x62", component({section(7, vec(1, {0x62}))}), ErrorCode::InvalidLeadingByte, 11,
       "(0x62) for component defined type"},
      {"variant case byte",
       component({section(7, vec(1, cat({{0x71, 0x01}, name("c"), {0x00, 0x01}})))}),
       ErrorCode::InvalidLeadingByte, 16, "(0x1) for zero byte required"},
      {"results 0x02", component({section(7, vec(1, {0x40, 0x00, 0x02, 0x00}))}),
       ErrorCode::InvalidLeadingByte, 13, "(0x2) for component function results"},
      {"named results", component({section(7, vec(1, {0x40, 0x00, 0x01, 0x01}))}),
       ErrorCode::InvalidLeadingByte, 14, "(0x1) for number of results"},
      {"instance type import",
       component({section(7, vec(1, cat({{0x42, 0x01, 0x03, 0x00}, name("a"), {0x03, 0x01}})))}),
       ErrorCode::InvalidLeadingByte, 13, "(0x3) for component or instance type declaration"},
      {"module type decl 0x04",
       component({section(3, vec(1, {0x50, 0x01, 0x04, 0x60, 0x00, 0x00}))}),
       ErrorCode::InvalidLeadingByte, 13, "(0x4) for type definition"},
      {"canon 0x07", component({section(8, vec(1, {0x07}))}), ErrorCode::InvalidLeadingByte, 11,
       "(0x7) for canonical function"},
      {"lift sort 0x01", component({section(8, vec(1, {0x00, 0x01, 0x00, 0x00, 0x00}))}),
       ErrorCode::InvalidLeadingByte, 12, "(0x1) for canonical function lift"},
      {"option 0x0a", component({section(8, vec(1, {0x01, 0x00, 0x00, 0x01, 0x0a}))}),
       ErrorCode::InvalidLeadingByte, 15, "(0xa) for canonical option"},
      {"flag 0x02", component({section(8, vec(1, {0x0c, 0x02}))}), ErrorCode::InvalidBooleanValue,
       12, ""},
      {"name prefix 0x03", component({section(10, vec(1, cat({{0x03}, name("a"), {0x01, 0x00}})))}),
       ErrorCode::InvalidLeadingByte, 11, "(0x3) for component name"},
      {"name option 0x03",
       component(
           {section(10, vec(1, cat({{0x02}, name("a"), {0x01, 0x03}, name("x"), {0x01, 0x00}})))}),
       ErrorCode::InvalidLeadingByte, 15, "(0x3) for name option"},
      {"type bound 0x02", component({section(10, vec(1, cat({{0x00}, name("t"), {0x03, 0x02}})))}),
       ErrorCode::InvalidLeadingByte, 15, "(0x2) for type bound"},
      {"extern kind 0x06", component({section(10, vec(1, cat({{0x00}, name("x"), {0x06, 0x00}})))}),
       ErrorCode::InvalidLeadingByte, 14, "(0x6) for component external kind"},
      {"export type byte",
       component({section(11, vec(1, cat({{0x00}, name("e"), {0x01, 0x00, 0x02}})))}),
       ErrorCode::InvalidLeadingByte, 16, "(0x2) for optional component export type"},
      {"nested core preamble", component({section(4, kEmptyModule)}),
       ErrorCode::ExpectedComponentHeader, 14, "expected a version header for a component"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Result<Component> r = decode_component(c.bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, c.code) << r.error().describe();
    EXPECT_EQ(r.error().offset, c.offset) << r.error().describe();
    EXPECT_NE(r.error().message().find(c.words), std::string::npos) << r.error().message();
  }
}

}  // namespace
}  // namespace flint::component

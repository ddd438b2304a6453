// Import resolution and import type checks (spec 4.5.4 steps 3-4, 4.5.2).
#include <gtest/gtest.h>

#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;

TEST(Linker, UnknownImportNamesModuleFieldAndKind) {
  Store store;
  Linker linker;
  auto m = compile_wat(R"((module (import "env" "missing" (func))))");
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::UnknownImport);
  EXPECT_EQ(r.error().phase(), Phase::Link);
  EXPECT_EQ(r.error().message(), "unknown import: \"env\" \"missing\" (func)");
}

TEST(Linker, HostFunctionIsCalled) {
  Store store;
  Linker linker;
  int calls = 0;
  linker.define(
      "env", "add",
      store.host_function(FuncType{{ValType::I32, ValType::I32}, {ValType::I32}},
                          [&](Caller&, std::span<const Value> a, std::span<Value> r) -> Status {
                            ++calls;
                            r[0] = Value::i32_(a[0].i32 + a[1].i32);
                            return {};
                          }));
  auto m = compile_wat(R"((module (import "env" "add" (func $add (param i32 i32) (result i32)))
      (func (export "f") (result i32) (call $add (i32.const 40) (i32.const 2)))))");
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  auto r = store.call(*(*inst)->find_export("f"), {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].i32, 42u);
  EXPECT_EQ(calls, 1);
}

struct IncompatibleCase {
  const char* name;
  const char* wat;
};

class IncompatibleImport : public ::testing::TestWithParam<IncompatibleCase> {};

TEST_P(IncompatibleImport, IsRejected) {
  Store store;
  Linker linker;
  linker.define("env", "f",
                store.host_function(FuncType{{ValType::I32}, {}},
                                    [](auto&, auto, auto) { return Status{}; }));
  linker.define("env", "table",
                store.create_table(TableType{ValType::FuncRef, Limits{10, 20}},
                                   Value::null_(ValType::FuncRef)));
  linker.define("env", "memory", *store.create_memory(MemoryType{Limits{1, 2}}));
  linker.define("env", "const",
                store.create_global(GlobalType{ValType::I32, false}, Value::i32_(1)));
  linker.define("env", "var", store.create_global(GlobalType{ValType::I32, true}, Value::i32_(1)));
  auto m = compile_wat(GetParam().wat);
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::IncompatibleImportType) << r.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Types, IncompatibleImport,
    ::testing::Values(
        IncompatibleCase{"FuncParams", R"((module (import "env" "f" (func (param i64)))))"},
        IncompatibleCase{"FuncResults",
                         R"((module (import "env" "f" (func (param i32) (result i32)))))"},
        IncompatibleCase{"FuncAsMemory", R"((module (import "env" "f" (memory 1))))"},
        IncompatibleCase{"TableMinTooLarge",
                         R"((module (import "env" "table" (table 11 funcref))))"},
        IncompatibleCase{"TableMaxMissing",
                         R"((module (import "env" "table" (table 10 15 funcref))))"},
        IncompatibleCase{"TableElement", R"((module (import "env" "table" (table 10 externref))))"},
        IncompatibleCase{"MemoryMinTooLarge", R"((module (import "env" "memory" (memory 2))))"},
        IncompatibleCase{"MemoryMaxTooSmall", R"((module (import "env" "memory" (memory 1 1))))"},
        IncompatibleCase{"MemorySharedFlag",
                         R"((module (import "env" "memory" (memory 1 2 shared))))"},
        IncompatibleCase{"GlobalMutability",
                         R"((module (import "env" "const" (global (mut i32)))))"},
        IncompatibleCase{"GlobalImmutability", R"((module (import "env" "var" (global i32))))"},
        IncompatibleCase{"GlobalType", R"((module (import "env" "const" (global i64))))"}),
    [](const auto& info) { return std::string(info.param.name); });

// Flint has no atomics: a shared memory type validates and takes part in
// import matching, but no shared memory is ever created (runtime/memory.cc).
TEST(Linker, SharedMemoriesAreNotCreated) {
  Store store;
  Linker linker;
  auto m = compile_wat(R"((module (memory 1 2 shared)))");
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::SharedMemoryUnsupported) << r.error().describe();
  EXPECT_FALSE(store.create_memory(MemoryType{Limits{1, 2}, /*shared=*/true}).ok());
}

TEST(Linker, LimitsSubtypingAccepts) {
  Store store;
  Linker linker;
  linker.define("env", "table",
                store.create_table(TableType{ValType::FuncRef, Limits{10, 20}},
                                   Value::null_(ValType::FuncRef)));
  linker.define("env", "memory", *store.create_memory(MemoryType{Limits{1, 2}}));
  auto m = compile_wat(R"((module (import "env" "table" (table 5 30 funcref))
                                   (import "env" "memory" (memory 0 3))))");
  auto r = linker.instantiate(store, *m);
  EXPECT_TRUE(r.ok()) << r.error().describe();
}

TEST(Linker, DefineInstanceExportsEverything) {
  Store store;
  Linker linker;
  auto a = compile_wat(R"((module (func (export "seven") (result i32) (i32.const 7))
                                   (global (export "g") (mut i32) (i32.const 3))
                                   (memory (export "mem") 1)))");
  auto ia = linker.instantiate(store, *a);
  ASSERT_TRUE(ia.ok());
  linker.define_instance("a", **ia);
  auto b = compile_wat(R"((module (import "a" "seven" (func $seven (result i32)))
                                   (import "a" "g" (global $g (mut i32)))
                                   (import "a" "mem" (memory 1))
                                   (func (export "f") (result i32)
                                     (global.set $g (i32.const 5))
                                     (i32.store (i32.const 0) (i32.const 9))
                                     (i32.add (call $seven) (global.get $g)))))");
  auto ib = linker.instantiate(store, *b);
  ASSERT_TRUE(ib.ok()) << ib.error().describe();
  auto r = store.call(*(*ib)->find_export("f"), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 12u);
  EXPECT_EQ(store.global_value(*(*ia)->find_export("g")).i32, 5u);
  EXPECT_EQ(store.memory_data(*(*ia)->find_export("mem"))[0], 9);
}

}  // namespace
}  // namespace flint

// Instantiation (spec 4.5.4): globals from constant expressions, segments
// applied in order with bounds checks that keep earlier writes, start function.
#include <gtest/gtest.h>

#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;
using testing::export_of;
using testing::instantiate_wat;

TEST(Instantiate, GlobalsFromImportedGlobalsAndRefFunc) {
  Store store;
  Linker linker;
  linker.define("env", "base",
                store.create_global(GlobalType{ValType::I32, false}, Value::i32_(40)));
  auto m = compile_wat(R"((module
      (import "env" "base" (global $base i32))
      (global $copy (export "copy") i32 (global.get $base))
      (global $f (export "f") funcref (ref.func $two))
      (func $two (export "two") (result i32) (i32.const 2))
      (table 1 funcref)
      (func (export "via_table") (result i32)
        (table.set (i32.const 0) (global.get $f))
        (call_indirect (result i32) (i32.const 0)))))");
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  EXPECT_EQ(store.global_value(export_of(*inst, "copy")).i32, 40u);
  Value f = store.global_value(export_of(*inst, "f"));
  EXPECT_EQ(f.type, ValType::FuncRef);
  EXPECT_EQ(f.ref, export_of(*inst, "two").func);
  auto r = store.call(export_of(*inst, "via_table"), {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].i32, 2u);
}

TEST(Instantiate, DataSegmentOutOfBoundsKeepsEarlierWrites) {
  Store store;
  Linker linker;
  auto memory = store.create_memory(MemoryType{Limits{1, std::nullopt}});
  ASSERT_TRUE(memory.ok());
  linker.define("env", "mem", *memory);
  auto m = compile_wat(R"((module
      (import "env" "mem" (memory 1))
      (data (i32.const 0) "ab")
      (data (i32.const 65535) "cd")
      (data (i32.const 10) "never")))");
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_EQ(r.error().phase(), Phase::Trap);
  auto bytes = store.memory_data(*memory);
  EXPECT_EQ(bytes[0], 'a');
  EXPECT_EQ(bytes[1], 'b');
  EXPECT_EQ(bytes[65535], 0);  // the failing segment wrote nothing
  EXPECT_EQ(bytes[10], 0);     // nor did the one after it
}

TEST(Instantiate, ElemSegmentOutOfBoundsKeepsEarlierWrites) {
  Store store;
  Linker linker;
  Extern table = store.create_table(TableType{ValType::FuncRef, Limits{2, std::nullopt}},
                                    Value::null_(ValType::FuncRef));
  linker.define("env", "table", table);
  auto m = compile_wat(R"((module
      (import "env" "table" (table 2 funcref))
      (func $f)
      (elem (i32.const 0) $f)
      (elem (i32.const 1) $f $f)))");
  auto r = linker.instantiate(store, *m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::OutOfBoundsTableAccess);
  // The first segment's write stays; check through a second module.
  auto probe = compile_wat(R"((module (import "env" "table" (table 2 funcref))
      (func (export "null0") (result i32) (ref.is_null (table.get (i32.const 0))))
      (func (export "null1") (result i32) (ref.is_null (table.get (i32.const 1))))))");
  auto p = linker.instantiate(store, *probe);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*store.call(export_of(*p, "null0"), {}))[0].i32, 0u);
  EXPECT_EQ((*store.call(export_of(*p, "null1"), {}))[0].i32, 1u);
}

TEST(Instantiate, StartFunctionRunsAndItsTrapIsReturned) {
  Store store;
  Instance* ok = instantiate_wat(store, R"((module
      (global $g (export "g") (mut i32) (i32.const 0))
      (func $start (global.set $g (i32.const 77)))
      (start $start)))");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(store.global_value(export_of(ok, "g")).i32, 77u);

  auto trapping = compile_wat(R"((module (func $start unreachable) (start $start)))");
  Linker linker;
  auto r = linker.instantiate(store, *trapping);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Unreachable);
}

TEST(Instantiate, PassiveAndDeclarativeSegments) {
  Store store;
  Instance* inst = instantiate_wat(store, R"((module
      (table 4 funcref)
      (func $f (result i32) (i32.const 5))
      (elem $passive func $f)
      (elem declare func $f)
      (memory 1)
      (data $d "xyz")
      (func (export "init") (result i32)
        (table.init $passive (i32.const 3) (i32.const 0) (i32.const 1))
        (memory.init $d (i32.const 100) (i32.const 1) (i32.const 2))
        (i32.add (call_indirect (result i32) (i32.const 3)) (i32.load8_u (i32.const 101))))
      (func (export "after_drop") (data.drop $d) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))))");
  ASSERT_NE(inst, nullptr);
  auto r = store.call(export_of(inst, "init"), {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].i32, 5u + 'z');
  auto dropped = store.call(export_of(inst, "after_drop"), {});
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.error().code, ErrorCode::OutOfBoundsMemoryAccess);
}

}  // namespace
}  // namespace flint

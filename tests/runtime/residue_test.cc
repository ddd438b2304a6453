// A failed instantiation leaves nothing behind (issue 11): what it created,
// memory reservations included, is released, so a host that keeps failing
// to instantiate (a server fed bad modules) does not grow. Measured on the
// process's mappings, which an 8 GiB reservation per failure would grow.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;

size_t mapping_count() {
  std::ifstream maps("/proc/self/maps");
  size_t n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

// Fails in each phase of instantiation, after its memory and table exist.
constexpr const char* kFailures[] = {
    // A data segment that does not fit.
    R"((module (memory 1) (table 2 funcref) (func $f) (elem (i32.const 0) $f)
         (data (i32.const 70000) "x")))",
    // An element segment that does not fit.
    R"((module (memory 1) (table 1 funcref) (func $f) (elem (i32.const 5) $f)))",
    // A start function that traps.
    R"((module (memory 1) (global (mut i32) (i32.const 0)) (func $s unreachable) (start $s)))",
};

TEST(InstantiationResidue, RepeatedFailuresDoNotGrowTheProcessMappings) {
  for (const char* wat : kFailures) {
    auto compiled = compile_wat(wat);
    ASSERT_TRUE(compiled);
    Store store;
    // Warm up: the first failures may fill the reservation pool.
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(store.instantiate(*compiled, {}));
    size_t before = mapping_count();
    for (int i = 0; i < 200; ++i) {
      auto r = store.instantiate(*compiled, {});
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().phase(), Phase::Trap) << wat;
    }
    EXPECT_LE(mapping_count(), before + 2) << wat;
  }
}

TEST(InstantiationResidue, AFailedInstanceIsGoneAndTheStoreStillWorks) {
  auto bad = compile_wat(kFailures[0]);
  auto good = compile_wat(R"((module (memory 1) (func (export "f") (result i32) (i32.const 7))))");
  ASSERT_TRUE(bad && good);
  Store store;
  for (int i = 0; i < 50; ++i) ASSERT_FALSE(store.instantiate(*bad, {}));
  auto inst = store.instantiate(*good, {});
  ASSERT_TRUE(inst) << inst.error().describe();
  auto r = store.call(*(*inst)->find_export("f"), {});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i32, 7u);
}

// The spec keeps what a failed instantiation wrote into an imported table:
// the functions placed there must stay callable, so nothing is released.
TEST(InstantiationResidue, FunctionsWrittenToAnImportedTableStayCallable) {
  Store store;
  Linker linker;
  Extern table = store.create_table(TableType{ValType::FuncRef, Limits{2, {}}},
                                    Value::null_(ValType::FuncRef));
  linker.define("env", "table", table);
  auto failing = compile_wat(R"((module
      (import "env" "table" (table 2 funcref))
      (memory 1)
      (func $seven (result i32) (i32.const 7))
      (elem (i32.const 0) $seven)
      (data (i32.const 70000) "x")))");
  ASSERT_TRUE(failing);
  ASSERT_FALSE(linker.instantiate(store, *failing));
  auto caller = compile_wat(R"((module
      (import "env" "table" (table 2 funcref))
      (type $t (func (result i32)))
      (func (export "call0") (result i32) (call_indirect (type $t) (i32.const 0)))))");
  auto inst = linker.instantiate(store, *caller);
  ASSERT_TRUE(inst) << inst.error().describe();
  auto r = store.call(*(*inst)->find_export("call0"), {});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ((*r)[0].i32, 7u);
}

// What a host function made in the store while the start function ran
// belongs to the host: a trap after it releases nothing.
TEST(InstantiationResidue, ObjectsTheHostMadeDuringTheStartFunctionStay) {
  Store store;
  Linker linker;
  std::vector<Extern> made;
  linker.define(
      "env", "make", store.host_function(FuncType{}, [&](Caller& caller, auto, auto) -> Status {
        made.push_back(
            caller.store().create_global(GlobalType{ValType::I32, false}, Value::i32_(99)));
        return {};
      }));
  auto compiled = compile_wat(R"((module (import "env" "make" (func $make)) (memory 1)
      (func $s (call $make) unreachable) (start $s)))");
  ASSERT_TRUE(compiled);
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(linker.instantiate(store, *compiled));
  ASSERT_EQ(made.size(), 3u);
  // Were they released, these would likely take their place.
  for (int i = 0; i < 16; ++i) store.create_global(GlobalType{ValType::I32, false}, Value::i32_(7));
  for (Extern g : made) EXPECT_EQ(store.global_value(g).i32, 99u);
}

}  // namespace
}  // namespace flint

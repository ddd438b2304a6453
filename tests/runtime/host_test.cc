// Host functions (one calling convention for every host API): arguments and
// results, traps, and wasm called back from a host function.
#include <gtest/gtest.h>

#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;
using testing::export_of;

TEST(Host, TrapFromHostFunctionReachesTheCaller) {
  Store store;
  Linker linker;
  linker.define("env", "fail", store.host_function(FuncType{}, [](auto&, auto, auto) -> Status {
    return make_error(ErrorCode::HostTrap, "the host said no");
  }));
  auto m = compile_wat(R"((module (import "env" "fail" (func $fail))
      (func $inner (call $fail))
      (func (export "outer") (call $inner))))");
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst.ok());
  auto r = store.call(export_of(*inst, "outer"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().phase(), Phase::Trap);
  EXPECT_EQ(r.error().message(), "host function trapped: the host said no");
  // Two wasm frames: $inner at its call, then outer.
  ASSERT_EQ(store.last_backtrace().size(), 2u);
  EXPECT_EQ(store.last_backtrace()[0].function, 1u);  // $inner, after the import
  EXPECT_EQ(store.last_backtrace()[1].name, "outer");
}

TEST(Host, NonTrapErrorsBecomeHostTraps) {
  Store store;
  Linker linker;
  linker.define("env", "io", store.host_function(FuncType{}, [](auto&, auto, auto) -> Status {
    return make_error(ErrorCode::Io, "disk gone");
  }));
  auto m = compile_wat(R"((module (import "env" "io" (func $io)) (func (export "f") (call $io))))");
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst.ok());
  auto r = store.call(export_of(*inst, "f"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::HostTrap);
}

TEST(Host, HostFunctionCallsBackIntoWasm) {
  Store store;
  Linker linker;
  Extern square{};
  // apply(x) = square(x) + 1, where square is a wasm export called by the host.
  linker.define(
      "env", "apply",
      store.host_function(FuncType{{ValType::I32}, {ValType::I32}},
                          [&](Caller&, std::span<const Value> a, std::span<Value> r) -> Status {
                            auto inner = store.call(square, a);
                            if (!inner) return std::move(inner).error();
                            r[0] = Value::i32_((*inner)[0].i32 + 1);
                            return {};
                          }));
  auto m = compile_wat(R"((module (import "env" "apply" (func $apply (param i32) (result i32)))
      (func (export "square") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
      (func (export "f") (param i32) (result i32)
        ;; values live on the stack across the host call must survive it
        (i32.add (i32.const 1000) (call $apply (local.get 0))))))");
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst.ok());
  square = export_of(*inst, "square");
  auto r = store.call(export_of(*inst, "f"), std::vector{Value::i32_(7)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ((*r)[0].i32, 1050u);
}

TEST(Host, ArgumentsAreCheckedAtTheApi) {
  Store store;
  Extern f =
      store.host_function(FuncType{{ValType::I64}, {}}, [](auto&, auto, auto) { return Status{}; });
  EXPECT_FALSE(store.call(f, std::vector{Value::i32_(1)}).ok());
  EXPECT_FALSE(store.call(f, {}).ok());
  EXPECT_TRUE(store.call(f, std::vector{Value::i64_(1)}).ok());
}

}  // namespace
}  // namespace flint

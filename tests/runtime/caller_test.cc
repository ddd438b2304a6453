// Host functions receive a Caller (issue 11): the calling instance and its
// memory, from an export call and from a start function alike.
#include <gtest/gtest.h>

#include <cstring>

#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;

// The host reads a string the guest passes as (pointer, length).
constexpr const char* kGuest = R"((module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "from start")
  (data (i32.const 32) "from export")
  (func $start (call $log (i32.const 16) (i32.const 10)))
  (func (export "run") (call $log (i32.const 32) (i32.const 11)))
  (start $start)))";

TEST(Caller, HostFunctionsReachTheCallersMemoryFromTheStartFunctionToo) {
  Store store;
  Linker linker;
  std::vector<std::string> logged;
  const Instance* seen = nullptr;
  linker.define("env", "log",
                store.host_function(
                    FuncType{{ValType::I32, ValType::I32}, {}},
                    [&](Caller& caller, std::span<const Value> args, std::span<Value>) -> Status {
                      seen = caller.instance();
                      std::optional<Extern> memory = caller.memory();
                      if (!memory) return make_error(ErrorCode::HostTrap, "no memory");
                      std::span<uint8_t> bytes = caller.store().memory_data(*memory);
                      if (uint64_t(args[0].i32) + args[1].i32 > bytes.size())
                        return make_error(ErrorCode::OutOfBoundsMemoryAccess);
                      logged.emplace_back(reinterpret_cast<const char*>(bytes.data() + args[0].i32),
                                          args[1].i32);
                      EXPECT_TRUE(caller.find_export("memory").has_value());
                      return {};
                    }));
  auto compiled = compile_wat(kGuest);
  ASSERT_TRUE(compiled);
  auto inst = linker.instantiate(store, *compiled);
  ASSERT_TRUE(inst) << inst.error().describe();
  ASSERT_EQ(logged, std::vector<std::string>{"from start"});
  EXPECT_EQ(seen, *inst);
  ASSERT_TRUE(store.call(*(*inst)->find_export("run"), {}));
  EXPECT_EQ(logged.back(), "from export");
}

TEST(Caller, AHostFunctionCalledByTheHostHasNoCallerInstance) {
  Store store;
  bool called = false;
  Extern f = store.host_function(FuncType{}, [&](Caller& caller, auto, auto) -> Status {
    called = true;
    EXPECT_EQ(caller.instance(), nullptr);
    EXPECT_FALSE(caller.memory().has_value());
    EXPECT_FALSE(caller.find_export("memory").has_value());
    return {};
  });
  ASSERT_TRUE(store.call(f, {}));
  EXPECT_TRUE(called);
}

}  // namespace
}  // namespace flint

// Multi-memory (wasm 3.0) in both engines: accesses, bulk instructions and
// growth of memories other than 0 (interp: select_memory brackets; compiled
// code: VmCtx::mem_bases and the *_at helpers), each bounds-checked against
// its own memory's size.
#include "engines.h"

namespace flint::aot_test {
namespace {

constexpr const char* kModule = R"((module
  (memory $a 1)
  (memory $b 0 5)
  (func (export "grow-b") (result i32) (memory.grow $b (i32.const 1)))
  (func (export "size-b") (result i32) (memory.size $b))
  (func (export "size-a") (result i32) (memory.size $a))
  (func (export "store-b") (param i32 i32) (i32.store $b (local.get 0) (local.get 1)))
  (func (export "load-b") (param i32) (result i32) (i32.load $b offset=4 (local.get 0)))
  (func (export "load-a") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "lane-b") (param i32) (result i32)
    (i32x4.extract_lane 1 (v128.load $b (local.get 0))))
  (func (export "copy-b-to-a")
    (memory.copy $a $b (i32.const 100) (i32.const 4) (i32.const 4)))
  (func (export "fill-b") (memory.fill $b (i32.const 0) (i32.const 7) (i32.const 8))))
)";

uint32_t i32_of(Result<std::vector<Value>> r) {
  EXPECT_TRUE(r.ok()) << r.error().describe();
  return r.ok() && !r->empty() ? (*r)[0].i32 : 0xDEADBEEF;
}

TEST(MultiMemory, BothEnginesAgree) {
  for (const Config& config : {interp_config(), aot_config()}) {
    SCOPED_TRACE(config.engine == EngineKind::Aot ? "compiled" : "interpreter");
    Engine e(kModule, config);
    ASSERT_TRUE(e.ok());
    // Memory 1 starts empty: its bounds are its own, not memory 0's.
    auto r = e.call("store-b", {Value::i32_(0), Value::i32_(1)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::OutOfBoundsMemoryAccess);
    EXPECT_EQ(i32_of(e.call("grow-b")), 0u);
    EXPECT_EQ(i32_of(e.call("size-b")), 1u);
    EXPECT_EQ(i32_of(e.call("size-a")), 1u);
    ASSERT_TRUE(e.call("store-b", {Value::i32_(4), Value::i32_(0x01020304)}).ok());
    EXPECT_EQ(i32_of(e.call("load-b", {Value::i32_(0)})), 0x01020304u);
    EXPECT_EQ(i32_of(e.call("lane-b", {Value::i32_(0)})), 0x01020304u);
    EXPECT_EQ(i32_of(e.call("load-a", {Value::i32_(4)})), 0u);  // memory 0 untouched
    ASSERT_TRUE(e.call("copy-b-to-a").ok());
    EXPECT_EQ(i32_of(e.call("load-a", {Value::i32_(100)})), 0x01020304u);
    ASSERT_TRUE(e.call("fill-b").ok());
    EXPECT_EQ(i32_of(e.call("load-b", {Value::i32_(0)})), 0x07070707u);
    auto past = e.call("load-b", {Value::i32_(65532)});
    ASSERT_FALSE(past.ok());
    EXPECT_EQ(past.error().code, ErrorCode::OutOfBoundsMemoryAccess);
    auto lane_past = e.call("lane-b", {Value::i32_(65530)});
    ASSERT_FALSE(lane_past.ok());
    EXPECT_EQ(lane_past.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  }
}

}  // namespace
}  // namespace flint::aot_test

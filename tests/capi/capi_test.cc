// The C API (include/flint.h) from C++: values in and out, host functions
// and their errors, traps with backtraces, memories, globals, tables, fuel,
// interruption, WASI, and bad input that must be an error, never a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

#include "flint.h"

namespace {

// Owns what one test makes; a module compiled from WAT and instantiated.
class CApi : public ::testing::Test {
 protected:
  ~CApi() override {
    flint_linker_delete(linker_);
    flint_module_delete(module_);
    flint_store_delete(store_);
    flint_engine_delete(engine_);
  }

  void start(flint_config_t* config = nullptr) {
    engine_ = flint_engine_new(config);
    flint_config_delete(config);
    store_ = flint_store_new(engine_);
    linker_ = flint_linker_new();
  }

  // Compiles and instantiates `wat`; the error message when it fails.
  std::string instantiate(std::string_view wat) {
    if (!engine_) start();
    if (flint_error_t* e = flint_module_compile_wat(engine_, wat.data(), wat.size(), &module_))
      return take(e);
    if (flint_error_t* e = flint_linker_instantiate(linker_, store_, module_, &instance_))
      return take(e);
    return "";
  }

  flint_extern_t get(const char* name) {
    flint_extern_t e{};
    EXPECT_TRUE(flint_instance_export(instance_, name, std::strlen(name), &e)) << name;
    return e;
  }

  // Calls a one-result export; the result, or the error in `error_`.
  flint_val_t call(const char* name, std::initializer_list<flint_val_t> args, size_t results = 1) {
    flint_val_t out[2]{};
    flint_error_delete(error_);
    error_ = flint_func_call(store_, get(name).of.func, args.begin(), args.size(), out, results);
    return out[0];
  }

  static std::string take(flint_error_t* e) {
    std::string m = flint_error_message(e);
    flint_error_delete(e);
    return m;
  }

  static flint_val_t i32(int32_t v) {
    flint_val_t x{};
    x.kind = FLINT_I32;
    x.of.i32 = v;
    return x;
  }

  void TearDown() override { flint_error_delete(error_); }

  flint_engine_t* engine_ = nullptr;
  flint_store_t* store_ = nullptr;
  flint_linker_t* linker_ = nullptr;
  flint_module_t* module_ = nullptr;
  flint_instance_t* instance_ = nullptr;
  flint_error_t* error_ = nullptr;
};

constexpr std::string_view kArith = R"((module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64 f32 f64) (result f64)
    (f64.add (f64.convert_i64_s (local.get 0))
             (f64.add (f64.promote_f32 (local.get 1)) (local.get 2))))
  (func (export "same") (param v128) (result v128) (local.get 0))
  (func (export "ref") (param externref) (result externref) (local.get 0))))";

TEST_F(CApi, CallsWithEveryValueKind) {
  ASSERT_EQ(instantiate(kArith), "");
  EXPECT_EQ(call("add", {i32(40), i32(2)}).of.i32, 42);
  ASSERT_EQ(error_, nullptr);

  flint_val_t a{}, b{}, c{};
  a.kind = FLINT_I64, a.of.i64 = 1;
  b.kind = FLINT_F32, b.of.f32 = 0.5f;
  c.kind = FLINT_F64, c.of.f64 = 0.25;
  flint_val_t r = call("wide", {a, b, c});
  EXPECT_EQ(r.kind, FLINT_F64);
  EXPECT_EQ(r.of.f64, 1.75);

  flint_val_t v{};
  v.kind = FLINT_V128;
  for (int i = 0; i < 16; ++i) v.of.v128[i] = uint8_t(i * 3);
  r = call("same", {v});
  EXPECT_EQ(r.kind, FLINT_V128);
  EXPECT_EQ(std::memcmp(r.of.v128, v.of.v128, 16), 0);

  int token = 0;
  flint_val_t x{};
  x.kind = FLINT_EXTERNREF, x.of.externref = &token;
  EXPECT_EQ(call("ref", {x}).of.externref, &token);
}

TEST_F(CApi, WrongArityKindOrResultCountIsAnError) {
  ASSERT_EQ(instantiate(kArith), "");
  call("add", {i32(1)});
  ASSERT_NE(error_, nullptr);
  EXPECT_EQ(flint_error_phase(error_), FLINT_PHASE_HOST);
  EXPECT_FALSE(flint_error_is_trap(error_));
  EXPECT_STREQ(flint_error_code(error_), "Usage");
  EXPECT_NE(std::string(flint_error_message(error_)).find("takes 2 arguments, 1 given"),
            std::string::npos);

  flint_val_t f{};
  f.kind = FLINT_F64;
  call("add", {i32(1), f});
  ASSERT_NE(error_, nullptr);
  EXPECT_NE(std::string(flint_error_message(error_)).find("argument 1 is f64"), std::string::npos);

  flint_val_t bogus{};
  bogus.kind = flint_valkind_t(42);
  call("add", {i32(1), bogus});
  ASSERT_NE(error_, nullptr);
  EXPECT_NE(std::string(flint_error_message(error_)).find("unknown value kind"), std::string::npos);

  call("add", {i32(1), i32(2)}, 2);
  ASSERT_NE(error_, nullptr);
  EXPECT_NE(std::string(flint_error_message(error_)).find("returns 1 results"), std::string::npos);
}

TEST_F(CApi, NullHandlesAreErrorsOrEmpty) {
  flint_module_t* module = nullptr;
  EXPECT_NE(take(flint_module_compile(nullptr, nullptr, 0, &module)), "");
  EXPECT_EQ(module, nullptr);
  EXPECT_NE(take(flint_func_call(nullptr, nullptr, nullptr, 0, nullptr, 0)), "");
  EXPECT_NE(take(flint_linker_instantiate(nullptr, nullptr, nullptr, nullptr)), "");
  EXPECT_NE(take(flint_linker_define(nullptr, "a", "b", nullptr)), "");
  EXPECT_NE(take(flint_global_get(nullptr, nullptr, nullptr)), "");
  EXPECT_NE(take(flint_memory_grow(nullptr, nullptr, 1, nullptr)), "");
  EXPECT_EQ(flint_memory_size(nullptr, nullptr), 0u);
  EXPECT_EQ(flint_memory_data(nullptr, nullptr), nullptr);
  EXPECT_EQ(flint_table_size(nullptr, nullptr), 0u);
  EXPECT_EQ(flint_module_import_count(nullptr), 0u);
  EXPECT_FALSE(flint_instance_export(nullptr, "x", 1, nullptr));
  EXPECT_STREQ(flint_error_message(nullptr), "");
  EXPECT_FALSE(flint_error_is_trap(nullptr));
  flint_store_interrupt(nullptr);
  flint_config_fuel(nullptr, 1);
  flint_store_delete(nullptr);
  flint_error_delete(nullptr);
}

TEST_F(CApi, CompileErrorsCarryPhaseAndPlace) {
  start();
  const uint8_t garbage[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
  flint_module_t* module = nullptr;
  flint_error_t* e = flint_module_compile(engine_, garbage, sizeof garbage, &module);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(flint_error_phase(e), FLINT_PHASE_DECODE);
  flint_error_delete(e);

  std::string_view wat = "(module\n  (func (result i32) (i32.const 1) (i32.const 2)))";
  e = flint_module_compile_wat(engine_, wat.data(), wat.size(), &module);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(flint_error_phase(e), FLINT_PHASE_VALIDATE);
  flint_error_delete(e);

  wat = "(module\n  (func (i32.bogus)))";
  e = flint_module_compile_wat(engine_, wat.data(), wat.size(), &module);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(flint_error_phase(e), FLINT_PHASE_PARSE);
  EXPECT_EQ(std::string(flint_error_message(e)).rfind("2:", 0), 0u) << flint_error_message(e);
  flint_error_delete(e);
  EXPECT_EQ(module, nullptr);
}

TEST_F(CApi, UnknownImportIsALinkError) {
  EXPECT_NE(instantiate(R"((module (import "env" "missing" (func))))").find("unknown import"),
            std::string::npos);
}

TEST_F(CApi, ListsImportsAndExportsWithTypes) {
  ASSERT_EQ(instantiate(R"((module
    (import "env" "f" (func (param i32 i64) (result f32)))
    (import "env" "m" (memory 1 2))
    (table (export "t") 3 funcref)
    (global (export "g") (mut f64) (f64.const 0))))"),
            "unknown import: \"env\" \"f\" (func)");
  ASSERT_EQ(flint_module_import_count(module_), 2u);
  flint_importexport_t item;
  ASSERT_TRUE(flint_module_import(module_, 0, &item));
  EXPECT_STREQ(item.module, "env");
  EXPECT_STREQ(item.name, "f");
  ASSERT_EQ(item.type.kind, FLINT_EXTERN_FUNC);
  ASSERT_EQ(item.type.func.param_count, 2u);
  EXPECT_EQ(item.type.func.params[1], FLINT_I64);
  ASSERT_EQ(item.type.func.result_count, 1u);
  EXPECT_EQ(item.type.func.results[0], FLINT_F32);
  ASSERT_TRUE(flint_module_import(module_, 1, &item));
  EXPECT_EQ(item.type.kind, FLINT_EXTERN_MEMORY);
  EXPECT_EQ(item.type.limits.min, 1u);
  EXPECT_TRUE(item.type.limits.has_max);
  EXPECT_EQ(item.type.limits.max, 2u);
  EXPECT_FALSE(flint_module_import(module_, 2, &item));

  ASSERT_EQ(flint_module_export_count(module_), 2u);
  ASSERT_TRUE(flint_module_export(module_, 0, &item));
  EXPECT_EQ(item.module, nullptr);
  EXPECT_STREQ(item.name, "t");
  EXPECT_EQ(item.type.table_elem, FLINT_FUNCREF);
  EXPECT_EQ(item.type.limits.min, 3u);
  ASSERT_TRUE(flint_module_export(module_, 1, &item));
  EXPECT_EQ(item.type.global_type, FLINT_F64);
  EXPECT_TRUE(item.type.global_mutable);
}

// A host function that returns its argument doubled, counts calls in env.
flint_error_t* twice(void* env, flint_caller_t*, const flint_val_t* args, size_t,
                     flint_val_t* results, size_t) {
  ++*static_cast<int*>(env);
  if (args[0].of.i32 < 0) return flint_error_new("negative input");
  if (args[0].of.i32 == 7) results[0].kind = FLINT_I64;  // a result of the wrong kind
  results[0].of.i32 = args[0].of.i32 * 2;
  return nullptr;
}

constexpr flint_valkind_t kI32[] = {FLINT_I32};
constexpr flint_functype_t kI32ToI32 = {kI32, 1, kI32, 1};

constexpr std::string_view kCallsTwice = R"((module
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (func $inner (export "run") (param i32) (result i32) (call $twice (local.get 0)))))";

TEST_F(CApi, HostFunctionsAndTheirErrorsAsTraps) {
  start();
  int calls = 0;
  ASSERT_EQ(flint_linker_define_func(linker_, store_, "host", "twice", &kI32ToI32, twice, &calls,
                                     nullptr),
            nullptr);
  ASSERT_EQ(instantiate(kCallsTwice), "");
  EXPECT_EQ(call("run", {i32(21)}).of.i32, 42);
  EXPECT_EQ(calls, 1);

  call("run", {i32(-1)});
  ASSERT_NE(error_, nullptr);
  EXPECT_TRUE(flint_error_is_trap(error_));
  EXPECT_STREQ(flint_error_code(error_), "HostTrap");
  EXPECT_STREQ(flint_error_message(error_), "host function trapped: negative input");
  ASSERT_GE(flint_error_frame_count(error_), 1u);

  call("run", {i32(7)});
  ASSERT_NE(error_, nullptr);
  EXPECT_STREQ(flint_error_code(error_), "HostTrap");
  EXPECT_NE(std::string(flint_error_message(error_)).find("result 0 is not of kind i32"),
            std::string::npos);
}

TEST_F(CApi, FinalizersRunWhenTheStoreGoesOrCreationFails) {
  start();
  static int finalised;
  finalised = 0;
  auto finalizer = [](void* env) { finalised += *static_cast<int*>(env); };
  int one = 1, ten = 10;
  flint_func_t* f = nullptr;
  ASSERT_EQ(flint_func_new(store_, &kI32ToI32, twice, &one, finalizer, &f), nullptr);
  flint_valkind_t bad[] = {flint_valkind_t(1)};
  flint_functype_t bad_type = {bad, 1, nullptr, 0};
  EXPECT_NE(take(flint_func_new(store_, &bad_type, twice, &ten, finalizer, &f)), "");
  EXPECT_EQ(finalised, 10);
  flint_store_delete(store_);
  store_ = nullptr;
  EXPECT_EQ(finalised, 11);
}

TEST_F(CApi, TrapsHaveMessageAndBacktrace) {
  ASSERT_EQ(instantiate(R"((module
    (func $deep (unreachable))
    (func $middle (call $deep))
    (func (export "run") (result i32) (call $middle) (i32.const 0))))"),
            "");
  call("run", {});
  ASSERT_NE(error_, nullptr);
  EXPECT_TRUE(flint_error_is_trap(error_));
  EXPECT_EQ(flint_error_phase(error_), FLINT_PHASE_TRAP);
  EXPECT_STREQ(flint_error_message(error_), "unreachable");
  ASSERT_EQ(flint_error_frame_count(error_), 3u);
  flint_frame_t frame;
  ASSERT_TRUE(flint_error_frame(error_, 0, &frame));
  EXPECT_EQ(frame.func_index, 0u);
  EXPECT_STREQ(frame.func_name, "deep");
  EXPECT_TRUE(frame.has_offset);
  ASSERT_TRUE(flint_error_frame(error_, 2, &frame));
  EXPECT_EQ(frame.func_index, 2u);
  EXPECT_FALSE(flint_error_frame(error_, 3, &frame));
}

TEST_F(CApi, MemoryIsReadWrittenAndGrown) {
  ASSERT_EQ(instantiate(R"((module
    (memory (export "mem") 1 3)
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "size") (result i32) (memory.size))))"),
            "");
  flint_memory_t* mem = get("mem").of.memory;
  ASSERT_EQ(flint_memory_size(store_, mem), 65536u);
  flint_memory_data(store_, mem)[100] = 77;
  EXPECT_EQ(call("load", {i32(100)}).of.i32, 77);
  uint64_t old = 0;
  ASSERT_EQ(flint_memory_grow(store_, mem, 2, &old), nullptr);
  EXPECT_EQ(old, 1u);
  EXPECT_EQ(flint_memory_size(store_, mem), 3u * 65536);
  EXPECT_EQ(call("size", {}).of.i32, 3);
  EXPECT_NE(take(flint_memory_grow(store_, mem, 1, &old)), "");
}

TEST_F(CApi, GlobalsAndTables) {
  ASSERT_EQ(instantiate(R"((module
    (global (export "counter") (mut i64) (i64.const 5))
    (global (export "fixed") i32 (i32.const 1))
    (table (export "table") 2 funcref)
    (func $seven (result i32) (i32.const 7))
    (elem (i32.const 1) $seven)
    (func (export "get") (result i64) (global.get 0))))"),
            "");
  flint_global_t* counter = get("counter").of.global;
  flint_val_t v{};
  ASSERT_EQ(flint_global_get(store_, counter, &v), nullptr);
  EXPECT_EQ(v.kind, FLINT_I64);
  EXPECT_EQ(v.of.i64, 5);
  v.of.i64 = 9;
  ASSERT_EQ(flint_global_set(store_, counter, &v), nullptr);
  EXPECT_EQ(call("get", {}).of.i64, 9);
  EXPECT_NE(take(flint_global_set(store_, counter, &(v = i32(1)))), "");  // wrong kind
  EXPECT_EQ(take(flint_global_set(store_, get("fixed").of.global, &v)), "the global is immutable");

  flint_table_t* table = get("table").of.table;
  EXPECT_EQ(flint_table_size(store_, table), 2u);
  flint_val_t ref{};
  ASSERT_EQ(flint_table_get(store_, table, 0, &ref), nullptr);
  EXPECT_EQ(ref.of.funcref, nullptr);
  ASSERT_EQ(flint_table_get(store_, table, 1, &ref), nullptr);
  ASSERT_EQ(ref.kind, FLINT_FUNCREF);
  flint_val_t result{};
  ASSERT_EQ(flint_func_call(store_, ref.of.funcref, nullptr, 0, &result, 1), nullptr);
  EXPECT_EQ(result.of.i32, 7);
  EXPECT_NE(take(flint_table_get(store_, table, 2, &ref)), "");
}

constexpr std::string_view kLoop = R"((module
  (func (export "spin") (result i32) (loop $l (br $l)) (i32.const 0))))";

TEST_F(CApi, FuelRunsOut) {
  flint_config_t* config = flint_config_new();
  flint_config_fuel(config, 1000);
  start(config);
  ASSERT_EQ(instantiate(kLoop), "");
  call("spin", {});
  ASSERT_NE(error_, nullptr);
  EXPECT_EQ(flint_error_phase(error_), FLINT_PHASE_TRAP);
  EXPECT_STREQ(flint_error_code(error_), "OutOfFuel");
  EXPECT_STREQ(flint_error_message(error_), "all fuel consumed");
  uint64_t left = 1;
  ASSERT_TRUE(flint_store_fuel_remaining(store_, &left));
  EXPECT_EQ(left, 0u);
}

TEST_F(CApi, DeadlinesInterrupt) {
  flint_config_t* config = flint_config_new();
  flint_config_interruptible(config, true);
  start(config);
  ASSERT_EQ(instantiate(kLoop), "");
  flint_store_set_deadline_ms(store_, 20);
  call("spin", {});
  ASSERT_NE(error_, nullptr);
  EXPECT_STREQ(flint_error_code(error_), "Interrupt");
  EXPECT_TRUE(flint_error_is_trap(error_));
}

// A host function reaching the caller's exports by name.
flint_error_t* read_global(void*, flint_caller_t* caller, const flint_val_t*, size_t,
                           flint_val_t* results, size_t) {
  flint_extern_t g;
  if (!flint_caller_export(caller, "answer", 6, &g) || g.kind != FLINT_EXTERN_GLOBAL)
    return flint_error_new("no answer");
  return flint_global_get(flint_caller_store(caller), g.of.global, &results[0]);
}

TEST_F(CApi, CallersExportsAndInstancesAsImports) {
  start();
  flint_functype_t type = {nullptr, 0, kI32, 1};
  ASSERT_EQ(flint_linker_define_func(linker_, store_, "host", "read", &type, read_global, nullptr,
                                     nullptr),
            nullptr);
  ASSERT_EQ(instantiate(R"((module
    (import "host" "read" (func $read (result i32)))
    (global (export "answer") i32 (i32.const 42))
    (func (export "run") (result i32) (call $read))))"),
            "");
  EXPECT_EQ(call("run", {}).of.i32, 42);

  // The instance's exports become imports of another module.
  ASSERT_EQ(flint_linker_define_instance(linker_, "first", instance_), nullptr);
  flint_module_delete(module_);
  module_ = nullptr;
  ASSERT_EQ(instantiate(R"((module
    (import "first" "run" (func $run (result i32)))
    (func (export "plus1") (result i32) (i32.add (call $run) (i32.const 1)))))"),
            "");
  EXPECT_EQ(call("plus1", {}).of.i32, 43);
}

TEST_F(CApi, WasiProcExitGivesItsStatus) {
  start();
  flint_wasi_config_t* wasi = flint_wasi_config_new();
  flint_wasi_config_arg(wasi, "guest");
  ASSERT_EQ(flint_linker_define_wasi(linker_, store_, wasi), nullptr);
  flint_wasi_config_delete(wasi);
  ASSERT_EQ(instantiate(R"((module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (call $exit (i32.const 7)))))"),
            "");
  call("_start", {}, 0);
  ASSERT_NE(error_, nullptr);
  int status = -1;
  EXPECT_TRUE(flint_error_exit_status(error_, &status));
  EXPECT_EQ(status, 7);
}

TEST_F(CApi, PrecompiledArtifactsOnlyOnRequest) {
  start();
  const uint8_t wasm[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  EXPECT_FALSE(flint_module_is_precompiled(wasm, sizeof wasm));
  flint_module_t* module = nullptr;
  EXPECT_NE(take(flint_module_load_precompiled(engine_, wasm, sizeof wasm, &module)), "");
  ASSERT_EQ(flint_module_compile(engine_, wasm, sizeof wasm, &module), nullptr);
  EXPECT_EQ(flint_module_import_count(module), 0u);
  flint_module_delete(module);
}

}  // namespace

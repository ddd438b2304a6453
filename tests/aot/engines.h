// Test support: one module run by the interpreter and by compiled code side
// by side (in-process compiler), so a test can compare the two engines.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aot/aot_module.h"
#include "aot/llvm/codegen.h"
#include "binary/decoder.h"
#include "flint/runtime.h"
#include "text/parse.h"

namespace flint::aot_test {

/// One engine's store and instance of a module given as WAT.
struct Engine {
  Config config;
  std::shared_ptr<const CompiledModule> compiled;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;

  Engine(const std::string& wat, Config c) : config(std::move(c)) {
    aot::set_in_process_compiler(aot::compile_to_artifact);
    auto bytes = text::parse_wat(wat);
    EXPECT_TRUE(bytes) << bytes.error().describe();
    if (!bytes) return;
    auto m = compile(*bytes, config);
    EXPECT_TRUE(m) << m.error().describe();
    if (!m) return;
    compiled = *m;
    store = std::make_unique<Store>(config);
    auto inst = store->instantiate(*compiled, {});
    EXPECT_TRUE(inst) << inst.error().describe();
    if (inst) instance = *inst;
  }
  /// Replaces the module with `artifact`'s code (one compiled with other
  /// TargetOptions), in a fresh store and instance.
  void load_artifact(std::span<const uint8_t> artifact) {
    instance = nullptr;
    auto m = load_precompiled(artifact, config);
    ASSERT_TRUE(m) << m.error().describe();
    compiled = *m;
    store = std::make_unique<Store>(config);
    auto inst = store->instantiate(*compiled, {});
    ASSERT_TRUE(inst) << inst.error().describe();
    instance = *inst;
  }
  bool ok() const { return instance != nullptr; }
  Result<std::vector<Value>> call(const std::string& name, std::vector<Value> args = {}) {
    return store->call(*instance->find_export(name), args);
  }
  /// Function indices of the last trap's backtrace, innermost first.
  std::vector<uint32_t> frames() const {
    std::vector<uint32_t> out;
    for (const BacktraceFrame& f : store->last_backtrace()) out.push_back(f.function);
    return out;
  }
  /// The last trap's backtrace as (function, offset) pairs, innermost first.
  std::vector<std::pair<uint32_t, std::optional<uint32_t>>> located_frames() const {
    std::vector<std::pair<uint32_t, std::optional<uint32_t>>> out;
    for (const BacktraceFrame& f : store->last_backtrace()) out.emplace_back(f.function, f.offset);
    return out;
  }
};

inline Config interp_config() { return Config{}; }
inline Config aot_config() {
  Config c;
  c.engine = EngineKind::Aot;
  return c;
}

/// Calls export `name` of `wat`, with no arguments, in a fresh instance of
/// each engine and expects it to trap with `code`; `after` then inspects
/// that engine's store (memory, globals).
inline void expect_trap_in_both_engines(const char* wat, const char* name, ErrorCode code,
                                        const std::function<void(Engine&)>& after = {}) {
  for (const Config& config : {interp_config(), aot_config()}) {
    SCOPED_TRACE(std::string(name) +
                 (config.engine == EngineKind::Aot ? " compiled" : " interpreter"));
    Engine e(wat, config);
    ASSERT_TRUE(e.ok());
    auto r = e.call(name);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
    if (after) after(e);
  }
}

/// Compiles `wat` to an object file for another target (no loading) and
/// returns its ELF e_machine, or 0 after reporting the failure.
inline unsigned elf_machine_of_object(const char* wat, const aot::TargetOptions& target) {
  auto bytes = text::parse_wat(wat);
  if (!bytes) return ADD_FAILURE() << bytes.error().describe(), 0;
  auto module = decode_module(*bytes);
  if (!module) return ADD_FAILURE() << module.error().describe(), 0;
  auto object = aot::compile_object(*module, target);
  if (!object) return ADD_FAILURE() << object.error().describe(), 0;
  if (object->size() <= 20) return ADD_FAILURE() << "object of " << object->size() << " bytes", 0;
  return (*object)[18] | (unsigned((*object)[19]) << 8);
}

}  // namespace flint::aot_test

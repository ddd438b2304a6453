// The start-up path of compiled modules (issue 4): code mapped without
// dlopen (CodeImage), modules decoded without their function bodies, and
// interpreter code translated only when an interpreted caller needs it.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string_view>

#include "aot/aot_module.h"
#include "aot/artifact.h"
#include "aot/code_image.h"
#include "aot/llvm/codegen.h"
#include "aot/module_shape.h"
#include "binary/decoder.h"
#include "flint/runtime.h"
#include "text/parse.h"

namespace flint {
namespace {

constexpr const char* kLibrary = R"(
(module
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $square $triple)
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "sum_squares") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (call $square (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1)))
)";

constexpr const char* kClient = R"(
(module
  (import "lib" "sum_squares" (func $sum (param i32) (result i32)))
  (import "lib" "table" (table 2 funcref))
  (type $i2i (func (param i32) (result i32)))
  (func (export "direct") (param i32) (result i32) (call $sum (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 0) (local.get 1))))  ;; argument, then table index
)";

std::vector<uint8_t> wasm_of(const char* wat) {
  auto bytes = text::parse_wat(wat);
  EXPECT_TRUE(bytes) << bytes.error().describe();
  return bytes ? *bytes : std::vector<uint8_t>{};
}

std::vector<uint8_t> artifact_of(const char* wat) {
  auto artifact = aot::compile_to_artifact(wasm_of(wat), {});
  EXPECT_TRUE(artifact) << artifact.error().describe();
  return artifact ? *artifact : std::vector<uint8_t>{};
}

int32_t call_i32(Store& store, Instance* instance, const char* name, std::vector<Value> args) {
  auto results = store.call(*instance->find_export(name), args);
  EXPECT_TRUE(results) << results.error().describe();
  return results && results->size() == 1 ? int32_t((*results)[0].i32) : -1;
}

// An interpreted instance calls a compiled one (directly and through the
// compiled module's table) through the engine seam: into its machine code.
TEST(RunPath, InterpretedCallersRunCompiledModulesMachineCode) {
  Store store;
  auto lib = load_precompiled(artifact_of(kLibrary));
  ASSERT_TRUE(lib) << lib.error().describe();
  auto lib_instance = store.instantiate(**lib, {});
  ASSERT_TRUE(lib_instance) << lib_instance.error().describe();
  EXPECT_EQ(call_i32(store, *lib_instance, "sum_squares", {Value::i32_(4)}), 30);  // machine code

  auto client = compile(wasm_of(kClient));
  ASSERT_TRUE(client) << client.error().describe();
  Linker linker;
  linker.define_instance("lib", **lib_instance);
  auto client_instance = linker.instantiate(store, **client);
  ASSERT_TRUE(client_instance) << client_instance.error().describe();
  EXPECT_EQ(call_i32(store, *client_instance, "direct", {Value::i32_(10)}), 385);
  EXPECT_EQ(call_i32(store, *client_instance, "indirect", {Value::i32_(7), Value::i32_(0)}), 49);
  EXPECT_EQ(call_i32(store, *client_instance, "indirect", {Value::i32_(7), Value::i32_(1)}), 21);
}

TEST(RunPath, ShapeKeepsEverythingButBodies) {
  std::vector<uint8_t> full = wasm_of(kLibrary);
  auto shape = aot::without_function_bodies(full);
  ASSERT_TRUE(shape) << shape.error().describe();
  EXPECT_LT(shape->size(), full.size());
  auto decoded_shape = decode_module(*shape);
  auto decoded_full = decode_module(full);
  ASSERT_TRUE(decoded_shape && decoded_full);
  ASSERT_EQ(decoded_shape->functions.size(), 3u);
  EXPECT_EQ(decoded_shape->exports.size(), decoded_full->exports.size());
  EXPECT_EQ(decoded_shape->elements.size(), 1u);
  for (const Function& f : decoded_shape->functions) EXPECT_EQ(f.body.size(), 1u);  // `end`
  EXPECT_FALSE(aot::without_function_bodies(std::vector<uint8_t>(full.begin(), full.end() - 3)));
}

// ---- CodeImage: what flint-compile produces loads; anything else is refused ----

std::vector<uint8_t> shared_object_of(const char* wat) {
  auto artifact = aot::decode_artifact(artifact_of(wat));
  EXPECT_TRUE(artifact) << artifact.error().describe();
  return artifact ? artifact->shared_object : std::vector<uint8_t>{};
}

std::string rejection(const std::vector<uint8_t>& elf) {
  auto image = aot::CodeImage::load(elf);
  return image ? "loaded" : image.error().message();
}

TEST(CodeImage, LoadsCompiledCodeAndFindsItsTable) {
  auto image = aot::CodeImage::load(shared_object_of(kLibrary));
  ASSERT_TRUE(image) << image.error().describe();
  const void* table = image->symbol(aot::kTableSymbol);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(image->symbol("no_such_symbol"), nullptr);
  // The table's first entry (fn_0) was relocated into the code segment.
  auto fn0 = reinterpret_cast<uintptr_t>(static_cast<const void* const*>(table)[0]);
  EXPECT_GE(fn0, image->code_begin());
  EXPECT_LT(fn0, image->code_end());
}

TEST(CodeImage, RefusesWhatFlintCompileDoesNotProduce) {
  std::vector<uint8_t> so = shared_object_of(kLibrary);
  EXPECT_NE(rejection({so.begin(), so.begin() + 16}).find("too short"), std::string::npos);
  std::vector<uint8_t> not_elf = so;
  not_elf[1] = 'X';
  EXPECT_NE(rejection(not_elf).find("not a 64-bit little-endian ELF object"), std::string::npos);
  std::vector<uint8_t> other_machine = so;
  uint16_t machine = EM_RISCV;
  std::memcpy(other_machine.data() + offsetof(Elf64_Ehdr, e_machine), &machine, 2);
  EXPECT_NE(rejection(other_machine).find("is for ELF machine 243"), std::string::npos);
  std::vector<uint8_t> bad_phdrs = so;
  uint64_t far = so.size();
  std::memcpy(bad_phdrs.data() + offsetof(Elf64_Ehdr, e_phoff), &far, 8);
  EXPECT_NE(rejection(bad_phdrs).find("malformed program header table"), std::string::npos);

  // A symbolic relocation (R_X86_64_64 against symbol 1) where a relative
  // one was: the loader resolves no symbols.
  Elf64_Ehdr eh;
  std::memcpy(&eh, so.data(), sizeof eh);
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, so.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type != SHT_RELA || sh.sh_size == 0) continue;
    std::vector<uint8_t> symbolic = so;
    uint64_t info = ELF64_R_INFO(1, 1);
    std::memcpy(symbolic.data() + sh.sh_offset + offsetof(Elf64_Rela, r_info), &info, 8);
    EXPECT_NE(rejection(symbolic).find("relocation of type 1"), std::string::npos);
  }
}

// The value of the symbol `name` in a shared object's symbol table, or 0.
uint64_t symbol_value(const std::vector<uint8_t>& so, std::string_view name) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, so.data(), sizeof eh);
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh, strings;
    std::memcpy(&sh, so.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type != SHT_SYMTAB) continue;
    std::memcpy(&strings, so.data() + eh.e_shoff + sh.sh_link * sizeof strings, sizeof strings);
    for (uint64_t at = sh.sh_offset; at + sizeof(Elf64_Sym) <= sh.sh_offset + sh.sh_size;
         at += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, so.data() + at, sizeof sym);
      if (reinterpret_cast<const char*>(so.data() + strings.sh_offset + sym.st_name) == name)
        return sym.st_value;
    }
  }
  return 0;
}

// A tiered run's compile adds loop entries (and their unwind tables, which
// lie before the code) to the same functions' code: the code starts on a
// page of its own, so each function still sits where `flint compile` puts
// it. Where it moved by 96 bytes, fib(44) ran 10% slower tiered than
// precompiled with the same instructions (the hot loop across a cache line).
TEST(CodeImage, LoopEntriesLeaveTheFunctionsWhereTheyWere) {
  std::vector<uint8_t> wasm = wasm_of(kLibrary);
  auto plain = aot::compile_to_artifact(wasm, {});
  aot::ArtifactOptions tiered;
  tiered.loop_entries = {aot::LoopEntry::None, aot::LoopEntry::None, aot::LoopEntry::Beside};
  auto with_entries = aot::compile_to_artifact(wasm, tiered);
  ASSERT_TRUE(plain && with_entries);
  auto a = aot::decode_artifact(*plain);
  auto b = aot::decode_artifact(*with_entries);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(symbol_value(a->shared_object, "loop2"), 0u);
  EXPECT_NE(symbol_value(b->shared_object, "loop2"), 0u);
  for (const char* function : {"wasm0", "wasm1", "wasm2"}) {
    EXPECT_NE(symbol_value(a->shared_object, function), 0u) << function;
    EXPECT_EQ(symbol_value(a->shared_object, function), symbol_value(b->shared_object, function))
        << function;
  }
}

}  // namespace
}  // namespace flint

// llvm.memset/memcpy/memmove turned into loads and stores
// (memory_intrinsics.h): none left, the IR valid, and the same bytes
// written as the C library's functions write, run by LLVM's IR interpreter
// on real buffers, for constant lengths (straight-line code) and variable
// ones (LLVM's loops), with overlap in both directions for memmove.
#include "aot/llvm/memory_intrinsics.h"

#include <gtest/gtest.h>
#include <llvm/ExecutionEngine/ExecutionEngine.h>
#include <llvm/ExecutionEngine/GenericValue.h>
#include <llvm/ExecutionEngine/Interpreter.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>

#include <array>
#include <cstring>
#include <memory>
#include <numeric>

namespace flint {
namespace {

enum class Kind { Set, Copy, Move };

/// void f(ptr dest, ptr source, i64 n): one call of the intrinsic, with the
/// length `constant_length` or, when negative, `n`. memset's value is 0xA5.
llvm::Function* one_call(llvm::Module& m, Kind kind, int64_t constant_length) {
  llvm::LLVMContext& c = m.getContext();
  llvm::Type* ptr = llvm::PointerType::get(c, 0);
  auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(c),
                                       {ptr, ptr, llvm::Type::getInt64Ty(c)}, false);
  auto* f = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, "f", m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(c, "entry", f));
  llvm::Value* length = constant_length >= 0
                            ? static_cast<llvm::Value*>(b.getInt64(uint64_t(constant_length)))
                            : f->getArg(2);
  switch (kind) {
    case Kind::Set:
      b.CreateMemSet(f->getArg(0), b.getInt8(0xA5), length, llvm::MaybeAlign(1));
      break;
    case Kind::Copy:
      b.CreateMemCpy(f->getArg(0), llvm::MaybeAlign(1), f->getArg(1), llvm::MaybeAlign(1), length);
      break;
    case Kind::Move:
      b.CreateMemMove(f->getArg(0), llvm::MaybeAlign(1), f->getArg(1), llvm::MaybeAlign(1), length);
      break;
  }
  b.CreateRetVoid();
  return f;
}

std::unique_ptr<llvm::TargetMachine> host_machine() {
  llvm::InitializeNativeTarget();
  std::string why;
  std::string triple = llvm::sys::getProcessTriple();
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, why);
  if (!target) return nullptr;
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, "", "", llvm::TargetOptions{}, std::nullopt));
}

bool has_memory_intrinsic(const llvm::Function& f) {
  for (const llvm::BasicBlock& block : f)
    for (const llvm::Instruction& in : block)
      if (llvm::isa<llvm::MemIntrinsic>(in)) return true;
  return false;
}

using Buffer = std::array<uint8_t, 300>;

/// The bytes after f(buffer + dest_at, buffer + source_at, n), expanded and
/// run by LLVM's interpreter.
Buffer run_expanded(Kind kind, int64_t constant_length, size_t dest_at, size_t source_at,
                    uint64_t n) {
  llvm::LLVMContext context;
  auto m = std::make_unique<llvm::Module>("test", context);
  llvm::Function* f = one_call(*m, kind, constant_length);
  auto machine = host_machine();
  EXPECT_TRUE(machine);
  if (!machine) return {};
  m->setDataLayout(machine->createDataLayout());
  EXPECT_EQ(aot::expand_memory_intrinsics(*m, *machine), 1u);
  EXPECT_FALSE(has_memory_intrinsic(*f));
  std::string errors;
  llvm::raw_string_ostream out(errors);
  EXPECT_FALSE(llvm::verifyFunction(*f, &out)) << errors;

  Buffer buffer;
  std::iota(buffer.begin(), buffer.end(), uint8_t(1));
  LLVMLinkInInterpreter();
  std::string engine_error;
  std::unique_ptr<llvm::ExecutionEngine> engine(llvm::EngineBuilder(std::move(m))
                                                    .setEngineKind(llvm::EngineKind::Interpreter)
                                                    .setErrorStr(&engine_error)
                                                    .create());
  EXPECT_TRUE(engine) << engine_error;
  if (!engine) return {};
  std::vector<llvm::GenericValue> args(3);
  args[0] = llvm::PTOGV(buffer.data() + dest_at);
  args[1] = llvm::PTOGV(buffer.data() + source_at);
  args[2].IntVal = llvm::APInt(64, n);
  engine->runFunction(f, args);
  return buffer;
}

/// What the C library leaves in the same buffer.
Buffer run_libc(Kind kind, size_t dest_at, size_t source_at, uint64_t n) {
  Buffer buffer;
  std::iota(buffer.begin(), buffer.end(), uint8_t(1));
  switch (kind) {
    case Kind::Set: std::memset(buffer.data() + dest_at, 0xA5, n); break;
    case Kind::Copy: std::memcpy(buffer.data() + dest_at, buffer.data() + source_at, n); break;
    case Kind::Move: std::memmove(buffer.data() + dest_at, buffer.data() + source_at, n); break;
  }
  return buffer;
}

constexpr uint64_t kLengths[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 31, 64, 127, 128, 129, 200};

TEST(MemoryIntrinsics, MemsetWritesTheSameBytesAsTheCLibrary) {
  for (uint64_t n : kLengths) {
    EXPECT_EQ(run_expanded(Kind::Set, int64_t(n), 5, 0, n), run_libc(Kind::Set, 5, 0, n))
        << "constant length " << n;
    EXPECT_EQ(run_expanded(Kind::Set, -1, 5, 0, n), run_libc(Kind::Set, 5, 0, n))
        << "variable length " << n;
  }
}

TEST(MemoryIntrinsics, MemcpyCopiesTheSameBytesAsTheCLibrary) {
  for (uint64_t n : kLengths) {
    EXPECT_EQ(run_expanded(Kind::Copy, int64_t(n), 0, 250 - n, n),
              run_libc(Kind::Copy, 0, 250 - n, n))
        << "constant length " << n;
    EXPECT_EQ(run_expanded(Kind::Copy, -1, 0, 250 - n, n), run_libc(Kind::Copy, 0, 250 - n, n))
        << "variable length " << n;
  }
}

TEST(MemoryIntrinsics, MemmoveOfOverlappingBytesMovesThemAsTheCLibrary) {
  for (uint64_t n : kLengths) {
    for (auto [dest, source] : {std::pair<size_t, size_t>{3, 0}, {0, 3}, {20, 11}, {11, 20}}) {
      EXPECT_EQ(run_expanded(Kind::Move, int64_t(n), dest, source, n),
                run_libc(Kind::Move, dest, source, n))
          << "constant length " << n << ", from " << source << " to " << dest;
      EXPECT_EQ(run_expanded(Kind::Move, -1, dest, source, n),
                run_libc(Kind::Move, dest, source, n))
          << "variable length " << n << ", from " << source << " to " << dest;
    }
  }
}

}  // namespace
}  // namespace flint

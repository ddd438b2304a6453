// Vector loads and stores (spec 4.4.7 "Memory Instructions", the v128
// forms): whole vectors, extending loads, splats, zero-filling loads, and
// single-lane loads and stores. Addresses are computed as for scalar
// accesses (effective_address: no bounds check, the guard region faults);
// all accesses are unaligned, as wasm's alignment is only a hint.
#include "aot/llvm/function_codegen.h"

namespace flint::aot {

void FunctionCodegen::emit_simd_memory(const Instr& in) {
  llvm::Type* i8 = b_.getInt8Ty();
  llvm::Type* i16 = b_.getInt16Ty();
  llvm::Type* i32 = b_.getInt32Ty();
  llvm::Type* i64 = b_.getInt64Ty();
  auto* v2i64 = llvm::FixedVectorType::get(i64, 2);
  auto vec = [](llvm::Type* lane, unsigned n) { return llvm::FixedVectorType::get(lane, n); };
  auto canonical = [&](llvm::Value* v) { push(b_.CreateBitCast(v, v2i64)); };
  auto load = [&](llvm::Value* p, llvm::Type* t) { return memory_load(t, p); };

  // Lane forms: the vector operand is above the address.
  llvm::Value* lanes = nullptr;
  if (info(in.op).imm == ImmKind::MemArgLane || in.op == Opcode::V128Store) lanes = pop();
  llvm::Value* p = effective_address(pop(), in.u64, in.b);

  // v128.loadMxN_s/u: N lanes of M bits, each extended to 2M bits.
  auto load_extend = [&](llvm::Type* lane, unsigned n, bool is_signed) {
    llvm::Value* narrow = load(p, vec(lane, n));
    llvm::Type* wide = vec(b_.getIntNTy(lane->getIntegerBitWidth() * 2), n);
    canonical(is_signed ? b_.CreateSExt(narrow, wide) : b_.CreateZExt(narrow, wide));
  };
  auto load_splat = [&](llvm::Type* lane) {
    canonical(b_.CreateVectorSplat(128 / lane->getIntegerBitWidth(), load(p, lane)));
  };
  auto load_zero = [&](llvm::Type* lane) {
    llvm::Type* shape = vec(lane, 128 / lane->getIntegerBitWidth());
    canonical(
        b_.CreateInsertElement(llvm::Constant::getNullValue(shape), load(p, lane), uint64_t(0)));
  };
  auto load_lane = [&](llvm::Type* lane) {
    llvm::Type* shape = vec(lane, 128 / lane->getIntegerBitWidth());
    canonical(b_.CreateInsertElement(b_.CreateBitCast(lanes, shape), load(p, lane), in.hi));
  };
  auto store_lane = [&](llvm::Type* lane) {
    llvm::Type* shape = vec(lane, 128 / lane->getIntegerBitWidth());
    memory_store(b_.CreateExtractElement(b_.CreateBitCast(lanes, shape), in.hi), p);
  };

  switch (in.op) {
    case Opcode::V128Load: push(load(p, v2i64)); break;
    case Opcode::V128Store: memory_store(lanes, p); break;
    case Opcode::V128Load8x8S: load_extend(i8, 8, true); break;
    case Opcode::V128Load8x8U: load_extend(i8, 8, false); break;
    case Opcode::V128Load16x4S: load_extend(i16, 4, true); break;
    case Opcode::V128Load16x4U: load_extend(i16, 4, false); break;
    case Opcode::V128Load32x2S: load_extend(i32, 2, true); break;
    case Opcode::V128Load32x2U: load_extend(i32, 2, false); break;
    case Opcode::V128Load8Splat: load_splat(i8); break;
    case Opcode::V128Load16Splat: load_splat(i16); break;
    case Opcode::V128Load32Splat: load_splat(i32); break;
    case Opcode::V128Load64Splat: load_splat(i64); break;
    case Opcode::V128Load32Zero: load_zero(i32); break;
    case Opcode::V128Load64Zero: load_zero(i64); break;
    case Opcode::V128Load8Lane: load_lane(i8); break;
    case Opcode::V128Load16Lane: load_lane(i16); break;
    case Opcode::V128Load32Lane: load_lane(i32); break;
    case Opcode::V128Load64Lane: load_lane(i64); break;
    case Opcode::V128Store8Lane: store_lane(i8); break;
    case Opcode::V128Store16Lane: store_lane(i16); break;
    case Opcode::V128Store32Lane: store_lane(i32); break;
    case Opcode::V128Store64Lane: store_lane(i64); break;
    default: break;
  }
}

}  // namespace flint::aot

// Handlers of the numeric instructions (spec 4.4.1 "Numeric Instructions"),
// generated from the operator structs in numeric.h, and the fused
// compare-and-branch handlers the translator uses for `cmp; br_if` / `cmp; if`.
#include "interp/handlers.h"
#include "interp/numeric.h"
#include "module/opcode_cases.h"

namespace flint::interp {

namespace {

using namespace num;

template <class Op>
FLINT_HANDLER(unary) {
  using In = typename Op::In;
  In a = In(fp[ip[1].u32[1]]);
  if constexpr (Op::kTraps) {
    typename Op::Out r;
    ErrorCode e;
    if (!Op::apply(a, &r, &e)) [[unlikely]]
      return raise(ctx, ip, e);
    fp[ip[1].u32[0]] = r;
  } else {
    fp[ip[1].u32[0]] = Op::apply(a);
  }
  FLINT_NEXT(2);
}

template <class Op, bool kImm>
FLINT_HANDLER(binary) {
  using In = typename Op::In;
  In a = In(fp[ip[1].u32[1]]);
  In b = kImm ? In(ip[2].u64) : In(fp[ip[2].u32[0]]);
  if constexpr (Op::kTraps) {
    typename Op::Out r;
    ErrorCode e;
    if (!Op::apply(a, b, &r, &e)) [[unlikely]]
      return raise(ctx, ip, e);
    fp[ip[1].u32[0]] = r;
  } else {
    fp[ip[1].u32[0]] = Op::apply(a, b);
  }
  FLINT_NEXT(3);
}

template <class Op, bool kImm>
FLINT_HANDLER(compare_branch_handler) {
  using In = typename Op::In;
  if (kImm) {
    if (Op::test(In(fp[ip[1].u32[0]]), In(ip[2].u64))) FLINT_JUMP(ip[1].i32[1]);
  } else {
    if (Op::test(In(fp[ip[1].u32[0]]), In(fp[ip[1].u32[1]]))) FLINT_JUMP(ip[2].i32[0]);
  }
  FLINT_NEXT(3);
}

template <class T, bool kIfZero>
FLINT_HANDLER(eqz_branch_handler) {
  if ((T(fp[ip[1].u32[0]]) == 0) == kIfZero) FLINT_JUMP(ip[1].i32[1]);
  FLINT_NEXT(2);
}

template <class T>
struct Identity {
  using In = T;
  using Out = T;
  static constexpr bool kTraps = false;
  static T apply(T a) { return a; }
};

}  // namespace

const NumericHandlers* numeric_handlers(Opcode op) {
#define UN(id, ...)                                                            \
  case Opcode::id: {                                                           \
    static constexpr NumericHandlers h{&unary<__VA_ARGS__>, nullptr, nullptr}; \
    return &h;                                                                 \
  }
#define BIN(id, ...)                                                         \
  case Opcode::id: {                                                         \
    static constexpr NumericHandlers h{nullptr, &binary<__VA_ARGS__, false>, \
                                       &binary<__VA_ARGS__, true>};          \
    return &h;                                                               \
  }
  using U32 = uint32_t;
  using U64 = uint64_t;
  // clang-format off
  switch (op) {
    UN(I32Eqz, Eqz<U32>) BIN(I32Eq, Eq<U32>) BIN(I32Ne, Ne<U32>) BIN(I32LtS, LtS<U32>)
    BIN(I32LtU, LtU<U32>) BIN(I32GtS, GtS<U32>) BIN(I32GtU, GtU<U32>) BIN(I32LeS, LeS<U32>)
    BIN(I32LeU, LeU<U32>) BIN(I32GeS, GeS<U32>) BIN(I32GeU, GeU<U32>)
    UN(I64Eqz, Eqz<U64>) BIN(I64Eq, Eq<U64>) BIN(I64Ne, Ne<U64>) BIN(I64LtS, LtS<U64>)
    BIN(I64LtU, LtU<U64>) BIN(I64GtS, GtS<U64>) BIN(I64GtU, GtU<U64>) BIN(I64LeS, LeS<U64>)
    BIN(I64LeU, LeU<U64>) BIN(I64GeS, GeS<U64>) BIN(I64GeU, GeU<U64>)
    BIN(F32Eq, FEq<float>) BIN(F32Ne, FNe<float>) BIN(F32Lt, FLt<float>) BIN(F32Gt, FGt<float>)
    BIN(F32Le, FLe<float>) BIN(F32Ge, FGe<float>)
    BIN(F64Eq, FEq<double>) BIN(F64Ne, FNe<double>) BIN(F64Lt, FLt<double>)
    BIN(F64Gt, FGt<double>) BIN(F64Le, FLe<double>) BIN(F64Ge, FGe<double>)

    UN(I32Clz, Clz<U32>) UN(I32Ctz, Ctz<U32>) UN(I32Popcnt, Popcnt<U32>)
    BIN(I32Add, Add<U32>) BIN(I32Sub, Sub<U32>) BIN(I32Mul, Mul<U32>) BIN(I32DivS, DivS<U32>)
    BIN(I32DivU, DivU<U32>) BIN(I32RemS, RemS<U32>) BIN(I32RemU, RemU<U32>) BIN(I32And, And<U32>)
    BIN(I32Or, Or<U32>) BIN(I32Xor, Xor<U32>) BIN(I32Shl, Shl<U32>) BIN(I32ShrS, ShrS<U32>)
    BIN(I32ShrU, ShrU<U32>) BIN(I32Rotl, Rotl<U32>) BIN(I32Rotr, Rotr<U32>)
    UN(I64Clz, Clz<U64>) UN(I64Ctz, Ctz<U64>) UN(I64Popcnt, Popcnt<U64>)
    BIN(I64Add, Add<U64>) BIN(I64Sub, Sub<U64>) BIN(I64Mul, Mul<U64>) BIN(I64DivS, DivS<U64>)
    BIN(I64DivU, DivU<U64>) BIN(I64RemS, RemS<U64>) BIN(I64RemU, RemU<U64>) BIN(I64And, And<U64>)
    BIN(I64Or, Or<U64>) BIN(I64Xor, Xor<U64>) BIN(I64Shl, Shl<U64>) BIN(I64ShrS, ShrS<U64>)
    BIN(I64ShrU, ShrU<U64>) BIN(I64Rotl, Rotl<U64>) BIN(I64Rotr, Rotr<U64>)

    UN(F32Abs, FAbs<float>) UN(F32Neg, FNeg<float>) UN(F32Ceil, FCeil<float>)
    UN(F32Floor, FFloor<float>) UN(F32Trunc, FTrunc<float>) UN(F32Nearest, FNearest<float>)
    UN(F32Sqrt, FSqrt<float>) BIN(F32Add, FAdd<float>) BIN(F32Sub, FSub<float>)
    BIN(F32Mul, FMul<float>) BIN(F32Div, FDiv<float>) BIN(F32Min, FMin<float>)
    BIN(F32Max, FMax<float>) BIN(F32Copysign, FCopysign<float>)
    UN(F64Abs, FAbs<double>) UN(F64Neg, FNeg<double>) UN(F64Ceil, FCeil<double>)
    UN(F64Floor, FFloor<double>) UN(F64Trunc, FTrunc<double>) UN(F64Nearest, FNearest<double>)
    UN(F64Sqrt, FSqrt<double>) BIN(F64Add, FAdd<double>) BIN(F64Sub, FSub<double>)
    BIN(F64Mul, FMul<double>) BIN(F64Div, FDiv<double>) BIN(F64Min, FMin<double>)
    BIN(F64Max, FMax<double>) BIN(F64Copysign, FCopysign<double>)

    UN(I32WrapI64, I32WrapI64)
    UN(I32TruncF32S, TruncTrap<float, int32_t>) UN(I32TruncF32U, TruncTrap<float, uint32_t>)
    UN(I32TruncF64S, TruncTrap<double, int32_t>) UN(I32TruncF64U, TruncTrap<double, uint32_t>)
    UN(I64ExtendI32S, I64ExtendI32S) UN(I64ExtendI32U, I64ExtendI32U)
    UN(I64TruncF32S, TruncTrap<float, int64_t>) UN(I64TruncF32U, TruncTrap<float, uint64_t>)
    UN(I64TruncF64S, TruncTrap<double, int64_t>) UN(I64TruncF64U, TruncTrap<double, uint64_t>)
    UN(F32ConvertI32S, Convert<int32_t, float>) UN(F32ConvertI32U, Convert<uint32_t, float>)
    UN(F32ConvertI64S, Convert<int64_t, float>) UN(F32ConvertI64U, Convert<uint64_t, float>)
    UN(F32DemoteF64, Demote)
    UN(F64ConvertI32S, Convert<int32_t, double>) UN(F64ConvertI32U, Convert<uint32_t, double>)
    UN(F64ConvertI64S, Convert<int64_t, double>) UN(F64ConvertI64U, Convert<uint64_t, double>)
    UN(F64PromoteF32, Promote)
    // Slots hold bit patterns, so reinterpretation only moves bits.
    UN(I32ReinterpretF32, Identity<U32>) UN(I64ReinterpretF64, Identity<U64>)
    UN(F32ReinterpretI32, Identity<U32>) UN(F64ReinterpretI64, Identity<U64>)

    UN(I32Extend8S, I32Extend8S) UN(I32Extend16S, I32Extend16S) UN(I64Extend8S, I64Extend8S)
    UN(I64Extend16S, I64Extend16S) UN(I64Extend32S, I64Extend32S)

    UN(I32TruncSatF32S, TruncSat<float, int32_t>) UN(I32TruncSatF32U, TruncSat<float, uint32_t>)
    UN(I32TruncSatF64S, TruncSat<double, int32_t>) UN(I32TruncSatF64U, TruncSat<double, uint32_t>)
    UN(I64TruncSatF32S, TruncSat<float, int64_t>) UN(I64TruncSatF32U, TruncSat<float, uint64_t>)
    UN(I64TruncSatF64S, TruncSat<double, int64_t>) UN(I64TruncSatF64U, TruncSat<double, uint64_t>)
    // Every row that is not a scalar operator (opcode_cases.h): the
    // translator routes only operators here, the disassembler asks of all.
#define FLINT_OP FLINT_CASE_NOT_OPERATOR
#include "module/opcodes.def"
#undef FLINT_OP
    return nullptr;
  }
  // clang-format on
#undef UN
#undef BIN
}

bool is_fusable_compare(Opcode op) {
  return (op >= Opcode::I32Eq && op <= Opcode::I32GeU) ||
         (op >= Opcode::I64Eq && op <= Opcode::I64GeU);
}

Opcode negate_compare(Opcode op) {
  // clang-format off
  switch (op) {
#define PAIR(a, b)             \
  case Opcode::I32##a: return Opcode::I32##b; \
  case Opcode::I32##b: return Opcode::I32##a; \
  case Opcode::I64##a: return Opcode::I64##b; \
  case Opcode::I64##b: return Opcode::I64##a;
    PAIR(Eq, Ne) PAIR(LtS, GeS) PAIR(LtU, GeU) PAIR(GtS, LeS) PAIR(GtU, LeU)
#undef PAIR
    default: return op;
  }
  // clang-format on
}

Opcode swap_compare(Opcode op) {
  // clang-format off
  switch (op) {
#define PAIR(a, b)             \
  case Opcode::I32##a: return Opcode::I32##b; \
  case Opcode::I32##b: return Opcode::I32##a; \
  case Opcode::I64##a: return Opcode::I64##b; \
  case Opcode::I64##b: return Opcode::I64##a;
    PAIR(LtS, GtS) PAIR(LtU, GtU) PAIR(LeS, GeS) PAIR(LeU, GeU)
#undef PAIR
    default: return op;  // eq, ne are symmetric
  }
  // clang-format on
}

Handler compare_branch(Opcode op, bool imm) {
#define CMP(id, ...)                                        \
  case Opcode::id:                                          \
    return imm ? &compare_branch_handler<__VA_ARGS__, true> \
               : &compare_branch_handler<__VA_ARGS__, false>;
  using U32 = uint32_t;
  using U64 = uint64_t;
  // clang-format off
  switch (op) {
    CMP(I32Eq, Eq<U32>) CMP(I32Ne, Ne<U32>) CMP(I32LtS, LtS<U32>) CMP(I32LtU, LtU<U32>)
    CMP(I32GtS, GtS<U32>) CMP(I32GtU, GtU<U32>) CMP(I32LeS, LeS<U32>) CMP(I32LeU, LeU<U32>)
    CMP(I32GeS, GeS<U32>) CMP(I32GeU, GeU<U32>)
    CMP(I64Eq, Eq<U64>) CMP(I64Ne, Ne<U64>) CMP(I64LtS, LtS<U64>) CMP(I64LtU, LtU<U64>)
    CMP(I64GtS, GtS<U64>) CMP(I64GtU, GtU<U64>) CMP(I64LeS, LeS<U64>) CMP(I64LeU, LeU<U64>)
    CMP(I64GeS, GeS<U64>) CMP(I64GeU, GeU<U64>)
    default: return nullptr;
  }
  // clang-format on
#undef CMP
}

Handler eqz_branch(bool wide, bool if_zero) {
  if (wide)
    return if_zero ? &eqz_branch_handler<uint64_t, true> : &eqz_branch_handler<uint64_t, false>;
  return if_zero ? &eqz_branch_handler<uint32_t, true> : &eqz_branch_handler<uint32_t, false>;
}

}  // namespace flint::interp

// The numeric operators of spec 4.3 "Numerics", one small struct per
// instruction: `apply` computes the result from operands; operators that can
// trap return false and name the trap instead. Floats travel as their bit
// patterns wherever the spec makes an operation a bit operation (abs, neg,
// copysign, reinterpret), so NaN payloads survive.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "flint/error.h"
#include "interp/float_rounding.h"

namespace flint::interp::num {

template <class To, class From>
inline To bits(From f) {
  return std::bit_cast<To>(f);
}

// ---- integer arithmetic (4.3.2) ----
#define FLINT_INT_BIN(name, expr)             \
  template <class T>                          \
  struct name {                               \
    using In = T;                             \
    using Out = T;                            \
    static constexpr bool kTraps = false;     \
    static T apply(T a, T b) { return expr; } \
  };
// clang-format off
FLINT_INT_BIN(Add, T(a + b))
FLINT_INT_BIN(Sub, T(a - b))
FLINT_INT_BIN(Mul, T(a * b))
FLINT_INT_BIN(And, T(a & b))
FLINT_INT_BIN(Or, T(a | b))
FLINT_INT_BIN(Xor, T(a ^ b))
FLINT_INT_BIN(Shl, T(a << (b & (sizeof(T) * 8 - 1))))
FLINT_INT_BIN(ShrU, T(a >> (b & (sizeof(T) * 8 - 1))))
FLINT_INT_BIN(ShrS, T(std::make_signed_t<T>(a) >> (b & (sizeof(T) * 8 - 1))))
FLINT_INT_BIN(Rotl, std::rotl(a, int(b & (sizeof(T) * 8 - 1))))
FLINT_INT_BIN(Rotr, std::rotr(a, int(b & (sizeof(T) * 8 - 1))))
// clang-format on
#undef FLINT_INT_BIN

template <class T>
struct DivS {
  using In = T;
  using Out = T;
  using S = std::make_signed_t<T>;
  static constexpr bool kTraps = true;
  static bool apply(T a, T b, T* r, ErrorCode* e) {
    if (b == 0) return *e = ErrorCode::IntegerDivideByZero, false;
    if (S(a) == std::numeric_limits<S>::min() && S(b) == -1)
      return *e = ErrorCode::IntegerOverflow, false;
    *r = T(S(a) / S(b));
    return true;
  }
};
template <class T>
struct DivU {
  using In = T;
  using Out = T;
  static constexpr bool kTraps = true;
  static bool apply(T a, T b, T* r, ErrorCode* e) {
    if (b == 0) return *e = ErrorCode::IntegerDivideByZero, false;
    *r = a / b;
    return true;
  }
};
template <class T>
struct RemS {
  using In = T;
  using Out = T;
  using S = std::make_signed_t<T>;
  static constexpr bool kTraps = true;
  static bool apply(T a, T b, T* r, ErrorCode* e) {
    if (b == 0) return *e = ErrorCode::IntegerDivideByZero, false;
    *r = S(b) == -1 ? 0 : T(S(a) % S(b));  // INT_MIN % -1 is 0, not a trap
    return true;
  }
};
template <class T>
struct RemU {
  using In = T;
  using Out = T;
  static constexpr bool kTraps = true;
  static bool apply(T a, T b, T* r, ErrorCode* e) {
    if (b == 0) return *e = ErrorCode::IntegerDivideByZero, false;
    *r = a % b;
    return true;
  }
};

#define FLINT_UN(name, In_, Out_, expr)     \
  struct name {                             \
    using In = In_;                         \
    using Out = Out_;                       \
    static constexpr bool kTraps = false;   \
    static Out apply(In a) { return expr; } \
  };
// clang-format off
template <class T> FLINT_UN(Clz, T, T, T(std::countl_zero(a)))
template <class T> FLINT_UN(Ctz, T, T, T(std::countr_zero(a)))
template <class T> FLINT_UN(Popcnt, T, T, T(std::popcount(a)))
template <class T> FLINT_UN(Eqz, T, uint32_t, uint32_t(a == 0))
FLINT_UN(I32Extend8S, uint32_t, uint32_t, uint32_t(int32_t(int8_t(a))))
FLINT_UN(I32Extend16S, uint32_t, uint32_t, uint32_t(int32_t(int16_t(a))))
FLINT_UN(I64Extend8S, uint64_t, uint64_t, uint64_t(int64_t(int8_t(a))))
FLINT_UN(I64Extend16S, uint64_t, uint64_t, uint64_t(int64_t(int16_t(a))))
FLINT_UN(I64Extend32S, uint64_t, uint64_t, uint64_t(int64_t(int32_t(a))))
FLINT_UN(I32WrapI64, uint64_t, uint32_t, uint32_t(a))
FLINT_UN(I64ExtendI32S, uint32_t, uint64_t, uint64_t(int64_t(int32_t(a))))
FLINT_UN(I64ExtendI32U, uint32_t, uint64_t, uint64_t(a))
// clang-format on

// ---- comparisons (result i32) ----
#define FLINT_CMP(name, expr)                        \
  template <class T>                                 \
  struct name {                                      \
    using In = T;                                    \
    using Out = uint32_t;                            \
    static constexpr bool kTraps = false;            \
    static uint32_t apply(T a, T b) { return expr; } \
    static bool test(T a, T b) { return expr; }      \
  };
                                template <class T>
                                using S = std::make_signed_t<T>;
FLINT_CMP(Eq, a == b)
FLINT_CMP(Ne, a != b)
FLINT_CMP(LtS, S<T>(a) < S<T>(b))
FLINT_CMP(LtU, a < b)
FLINT_CMP(GtS, S<T>(a) > S<T>(b))
FLINT_CMP(GtU, a > b)
FLINT_CMP(LeS, S<T>(a) <= S<T>(b))
FLINT_CMP(LeU, a <= b)
FLINT_CMP(GeS, S<T>(a) >= S<T>(b))
FLINT_CMP(GeU, a >= b)
#undef FLINT_CMP

// ---- floating point (4.3.3) ----
// F is float or double, B its bit type. Operands and results are bit patterns.
template <class F>
using BitsOf = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <class F>
constexpr BitsOf<F> kSignBit = BitsOf<F>(1) << (sizeof(F) * 8 - 1);

#define FLINT_FBIN(name, expr)            \
  template <class F>                      \
  struct name {                           \
    using In = BitsOf<F>;                 \
    using Out = BitsOf<F>;                \
    static constexpr bool kTraps = false; \
    static Out apply(In ab, In bb) {      \
      F a = bits<F>(ab), b = bits<F>(bb); \
      return bits<Out>(F(expr));          \
    }                                     \
  };
FLINT_FBIN(FAdd, a + b)
FLINT_FBIN(FSub, a - b)
FLINT_FBIN(FMul, a* b)
FLINT_FBIN(FDiv, a / b)
#undef FLINT_FBIN

// min/max: NaN if either is NaN; -0 < +0 (spec 4.3.3 fmin/fmax).
template <class F>
struct FMin {
  using In = BitsOf<F>;
  using Out = BitsOf<F>;
  static constexpr bool kTraps = false;
  static Out apply(In ab, In bb) {
    F a = bits<F>(ab), b = bits<F>(bb);
    if (std::isnan(a) || std::isnan(b)) return bits<Out>(F(a + b));
    if (a == b) return ab | bb;  // equal: only ±0 differ, and -0 wins
    return a < b ? ab : bb;
  }
};
template <class F>
struct FMax {
  using In = BitsOf<F>;
  using Out = BitsOf<F>;
  static constexpr bool kTraps = false;
  static Out apply(In ab, In bb) {
    F a = bits<F>(ab), b = bits<F>(bb);
    if (std::isnan(a) || std::isnan(b)) return bits<Out>(F(a + b));
    if (a == b) return ab & bb;  // +0 wins
    return a > b ? ab : bb;
  }
};
template <class F>
struct FCopysign {
  using In = BitsOf<F>;
  using Out = BitsOf<F>;
  static constexpr bool kTraps = false;
  static Out apply(In a, In b) { return (a & ~kSignBit<F>) | (b & kSignBit<F>); }
};

#define FLINT_FUN(name, expr)             \
  template <class F>                      \
  struct name {                           \
    using In = BitsOf<F>;                 \
    using Out = BitsOf<F>;                \
    static constexpr bool kTraps = false; \
    static Out apply(In ab) {             \
      F a = bits<F>(ab);                  \
      return bits<Out>(F(expr));          \
    }                                     \
  };
FLINT_FUN(FCeil, round_to_integral(a, RoundTo::Ceil))
FLINT_FUN(FFloor, round_to_integral(a, RoundTo::Floor))
FLINT_FUN(FTrunc, round_to_integral(a, RoundTo::Trunc))
FLINT_FUN(FNearest, round_to_integral(a, RoundTo::NearestEven))
// The elementwise builtin is the bare IEEE square root: std::sqrt would keep
// a libm call for errno on negative inputs.
FLINT_FUN(FSqrt, __builtin_elementwise_sqrt(a))
#undef FLINT_FUN
template <class F>
struct FAbs {
  using In = BitsOf<F>;
  using Out = BitsOf<F>;
  static constexpr bool kTraps = false;
  static Out apply(In a) { return a & ~kSignBit<F>; }
};
template <class F>
struct FNeg {
  using In = BitsOf<F>;
  using Out = BitsOf<F>;
  static constexpr bool kTraps = false;
  static Out apply(In a) { return a ^ kSignBit<F>; }
};

#define FLINT_FCMP(name, op)                                               \
  template <class F>                                                       \
  struct name {                                                            \
    using In = BitsOf<F>;                                                  \
    using Out = uint32_t;                                                  \
    static constexpr bool kTraps = false;                                  \
    static uint32_t apply(In a, In b) { return bits<F>(a) op bits<F>(b); } \
  };
FLINT_FCMP(FEq, ==)
FLINT_FCMP(FNe, !=)
FLINT_FCMP(FLt, <)
FLINT_FCMP(FGt, >)
FLINT_FCMP(FLe, <=)
FLINT_FCMP(FGe, >=)
#undef FLINT_FCMP

// ---- conversions (4.3.4) ----
// Float F to integer I. Every f32 is exact as a double, so the range test is
// done in double against bounds that are exact there: an input is in range
// iff it lies strictly between (min - 1) and (max + 1) after truncation.
template <class I>
struct IntRange;
template <>
struct IntRange<int32_t> {
  static constexpr double kBelow = -2147483649.0, kAbove = 2147483648.0;
};
template <>
struct IntRange<uint32_t> {
  static constexpr double kBelow = -1.0, kAbove = 4294967296.0;
};
template <>
struct IntRange<int64_t> {
  // -2^63 - 1 is not a double; -2^63 itself is in range, the next double below is not.
  static constexpr double kBelow = -9223372036854777856.0, kAbove = 9223372036854775808.0;
};
template <>
struct IntRange<uint64_t> {
  static constexpr double kBelow = -1.0, kAbove = 18446744073709551616.0;
};

template <class F, class I>
struct TruncTrap {
  using In = BitsOf<F>;
  using Out = std::make_unsigned_t<I>;
  static constexpr bool kTraps = true;
  static bool apply(In ab, Out* r, ErrorCode* e) {
    double a = double(bits<F>(ab));
    if (std::isnan(a)) return *e = ErrorCode::InvalidConversionToInteger, false;
    if (!(a > IntRange<I>::kBelow && a < IntRange<I>::kAbove))
      return *e = ErrorCode::IntegerOverflow, false;
    *r = Out(I(a));
    return true;
  }
};

template <class F, class I>
struct TruncSat {
  using In = BitsOf<F>;
  using Out = std::make_unsigned_t<I>;
  static constexpr bool kTraps = false;
  static Out apply(In ab) {
    double a = double(bits<F>(ab));
    if (std::isnan(a)) return 0;
    if (!(a > IntRange<I>::kBelow)) return Out(std::numeric_limits<I>::min());
    if (!(a < IntRange<I>::kAbove)) return Out(std::numeric_limits<I>::max());
    return Out(I(a));
  }
};

// Integer I (as its unsigned bits) to float F.
template <class I, class F>
struct Convert {
  using In = std::make_unsigned_t<I>;
  using Out = BitsOf<F>;
  static constexpr bool kTraps = false;
  static Out apply(In a) { return bits<Out>(F(I(a))); }
};

struct Demote {
  using In = uint64_t;
  using Out = uint32_t;
  static constexpr bool kTraps = false;
  static Out apply(In a) { return bits<uint32_t>(float(bits<double>(a))); }
};
struct Promote {
  using In = uint32_t;
  using Out = uint64_t;
  static constexpr bool kTraps = false;
  static Out apply(In a) { return bits<uint64_t>(double(bits<float>(a))); }
};

}  // namespace flint::interp::num

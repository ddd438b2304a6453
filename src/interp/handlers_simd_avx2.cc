// The SIMD handler table compiled for x86-64 with AVX2 (SSE4.1, SSSE3 and
// POPCNT with it): the same lane operators as the portable table, which the
// compiler now lowers to pminsd, pmulld, roundps, ptest, pshufb and friends.
// Only selected when the host CPU has AVX2 (host_simd_level), so the build
// needs no -mavx2. FMA is deliberately not enabled: fusing a multiply and an
// add would change results that wasm defines as two roundings.
#if defined(__x86_64__)

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>  // before the textual includes: it must not land in their namespace
#endif

#include "interp/handlers.h"
#include "interp/numeric.h"
#include "module/opcode_cases.h"

namespace flint::interp {

#pragma clang attribute push(__attribute__((target("avx2,popcnt"))), apply_to = function)
namespace avx2 {  // named apart from the portable table's copy (handlers_simd.cc)
namespace {
// The target attribute does not define __SSSE3__; tell the lane operators.
#define FLINT_SIMD_SSSE3 1
// clang-format off: the lane operators first, as the handlers use them.
#include "interp/simd_lanes.inc"
#include "interp/handlers_simd.inc"
// clang-format on
#undef FLINT_SIMD_SSSE3
}  // namespace
}  // namespace avx2
#pragma clang attribute pop

Handler simd_handler_avx2(Opcode op, bool const_b) { return avx2::lookup(op, const_b); }

}  // namespace flint::interp

#endif

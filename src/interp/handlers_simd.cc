// The portable SIMD handler table, and the choice between it and the tables
// built for wider instruction sets, made once from what the host CPU supports
// (not from the flags the interpreter was built with).
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>  // before the textual includes: it must not land in their namespace
#endif

#include "interp/handlers.h"
#include "interp/numeric.h"
#include "module/opcode_cases.h"
#include "runtime/host_cpu.h"

namespace flint::interp {

// A named namespace around the anonymous one: the AVX2 table includes the
// same text, and its symbols must not share names with these even where the
// compiler emits them as mergeable (template parameter objects of the
// lambdas are, in unoptimised builds), or the linker may keep one table's
// copy for both.
namespace portable {
namespace {
// clang-format off: the lane operators first, as the handlers use them.
#include "interp/simd_lanes.inc"
#include "interp/handlers_simd.inc"
// clang-format on
}  // namespace
}  // namespace portable

#if defined(__x86_64__)
Handler simd_handler_avx2(Opcode op, bool const_b);  // handlers_simd_avx2.cc
#endif

namespace {
SimdLevel detect_simd_level() {
  // FLINT_SIMD=portable forces the portable table, so the test suite can run
  // it on hosts that would pick a wider one.
  if (const char* forced = std::getenv("FLINT_SIMD");
      forced && std::string_view(forced) == "portable")
    return SimdLevel::Portable;
#if defined(__x86_64__)
  if (host_has(CpuFeature::Avx2)) return SimdLevel::Avx2;
#endif
  return SimdLevel::Portable;
}
}  // namespace

SimdLevel host_simd_level() {
  static const SimdLevel level = detect_simd_level();
  return level;
}

Handler simd_handler(Opcode op, SimdLevel level, bool const_b) {
#if defined(__x86_64__)
  if (level == SimdLevel::Avx2) return simd_handler_avx2(op, const_b);
#endif
  (void)level;
  return portable::lookup(op, const_b);
}

}  // namespace flint::interp

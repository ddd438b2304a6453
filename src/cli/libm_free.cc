// `flint` maps no libm (issue 4: start-up time and resident memory). The
// engine rounds floats itself (interp/float_rounding.h); the only libm
// functions still referenced come from fmt's float formatting (std::ceil in
// its fallback digit generation, std::floor through headers). The link
// redirects those references here with `-Wl,--wrap=ceil,--wrap=floor`
// (src/CMakeLists.txt), to the same exact bit-level rounding.
#include "interp/float_rounding.h"

using flint::interp::num::round_to_integral;
using flint::interp::num::RoundTo;

extern "C" double __wrap_ceil(double value) { return round_to_integral(value, RoundTo::Ceil); }
extern "C" double __wrap_floor(double value) { return round_to_integral(value, RoundTo::Floor); }

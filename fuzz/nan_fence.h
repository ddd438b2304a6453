// NaN fences: how generated code keeps the spec's allowed NaN
// nondeterminism out of everything the differential fuzzer compares.
//
// Spec 4.3.3 ("Floating-Point Operations", nans_N): when an arithmetic float
// operation returns a NaN, its sign is unspecified, and its payload is
// canonical if every NaN operand was canonical, otherwise any arithmetic NaN
// (quiet bit set, the rest unspecified). Two conforming engines may thus
// return different bits, and once those bits flow into integer code
// (reinterpret, stores, v128 integer lanes) any later value may differ.
//
// The generator therefore follows every such operation with a fence that
// maps each NaN lane the spec allows to vary -- an arithmetic NaN of any
// sign and payload -- to the positive canonical NaN, and leaves every other
// value, including a NaN WITHOUT the quiet bit, bit for bit. A conforming
// engine never produces the latter from arithmetic, so an engine that leaks
// a signalling NaN (say by folding x*1.0 to x) still differs from the other
// and is reported. Bit-exact operations (abs, neg, copysign, pmin/pmax,
// lane moves, loads, reinterpretations) are not fenced: their NaN bits are
// specified exactly and are compared exactly.
#pragma once

#include <cstdint>

#include "module/opcode.h"
#include "text/byte_writer.h"

namespace flint::fuzz {

/// The lane shape a fence works on, None for operations whose result bits
/// the spec fixes.
enum class NanFence : uint8_t { None, F32, F64, F32x4, F64x2 };

/// Whether an instruction's result needs a fence: float-producing
/// operations of the f32/f64/f32x4/f64x2 families except the bit-exact ones.
/// Decided from the opcode's text and signature, so opcodes added to the
/// table later are fenced by default.
NanFence nan_fence_for(const OpcodeInfo& op);

/// The value type of the scratch local a fence needs (f32, f64 or v128).
ValType fence_scratch_type(NanFence fence);

/// Emits the fence for the value on top of the stack, using `scratch`
/// (a local of fence_scratch_type) as a temporary.
void emit_nan_fence(text::ByteWriter& code, NanFence fence, uint32_t scratch);

}  // namespace flint::fuzz

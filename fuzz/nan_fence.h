// NaN fences: how generated code keeps the spec's allowed NaN
// nondeterminism out of everything the differential fuzzer compares, while
// still checking the spec's NaN rules.
//
// Spec 4.3.3 ("Floating-Point Operations", nans_N): when an arithmetic float
// operation returns a NaN, its sign is unspecified; its payload is the
// canonical one if every NaN operand was canonical (or there was none), and
// otherwise any arithmetic NaN (quiet bit set, the rest unspecified). Two
// conforming engines may thus return different bits, and once those bits
// flow into integer code (reinterpret, stores, v128 integer lanes) any later
// value may differ.
//
// The generator therefore follows every such operation with a fence that,
// per lane, maps the result r to
//   - r itself when r is not an arithmetic NaN (numbers, and NaNs without
//     the quiet bit, which no conforming arithmetic returns: an engine that
//     leaks a signalling NaN, say by folding x*1.0 to x, keeps its bits and
//     differs from the other engine);
//   - kViolation when r is a non-canonical NaN although no operand was a
//     non-canonical NaN (the canonical rule is broken);
//   - the positive canonical NaN otherwise (every allowed choice).
// The canonical rule needs the operands, so the generator keeps them in
// locals (FenceInputs). Operations that change lane shape
// (f64x2.promote_low_f32x4, f32x4.demote_f64x2_zero) get the arithmetic
// check only. Bit-exact operations (abs, neg, copysign, pmin/pmax, lane
// moves, loads, reinterpretations) are not fenced: their NaN bits are
// specified exactly and are compared exactly.
#pragma once

#include <cstdint>
#include <span>

#include "module/opcode.h"
#include "text/byte_writer.h"

namespace flint::fuzz {

/// The lane shape a fence works on, None for operations whose result bits
/// the spec fixes.
enum class NanFence : uint8_t { None, F32, F64, F32x4, F64x2 };

/// What a fence returns for a NaN that breaks the canonical rule.
inline constexpr uint32_t kViolationF32 = 0x7fc0fa11;
inline constexpr uint64_t kViolationF64 = 0x7ff800000000fa11;

/// Whether an instruction's result needs a fence: float-producing
/// operations of the f32/f64/f32x4/f64x2 families except the bit-exact ones.
/// Decided from the opcode's text and signature, so opcodes added to the
/// table later are fenced by default.
NanFence nan_fence_for(const OpcodeInfo& op);

/// Whether the fence of `op` can check the canonical rule lane by lane (its
/// operands have the result's lane shape, or are scalar floats).
bool fence_checks_canonical(const OpcodeInfo& op);

/// The value type of the scratch local a fence needs (f32, f64 or v128).
ValType fence_scratch_type(NanFence fence);

/// The operation's operands, kept in locals: their types and local indices.
struct FenceInputs {
  std::span<const ValType> types;
  std::span<const uint32_t> locals;
};

/// Emits the fence for the value on top of the stack, using `scratch`
/// (a local of fence_scratch_type) as a temporary; `inputs` empty skips the
/// canonical check.
void emit_nan_fence(text::ByteWriter& code, NanFence fence, uint32_t scratch, FenceInputs inputs = {});

}  // namespace flint::fuzz

// NaN fences (see nan_fence.h for why they exist).
#include "fuzz/nan_fence.h"

#include <array>
#include <string_view>

#include "fuzz/wasm_emit.h"

namespace flint::fuzz {

namespace {

// Operation names (after the shape) whose results are exact bit patterns by
// the spec: sign-bit operations (4.3.3 fabs, fneg, fcopysign), pmin/pmax
// (defined by a comparison and a select), lane and memory moves, constants,
// reinterpretations, integer-to-float conversions (never NaN), and
// comparisons (masks, not floats).
constexpr std::array<std::string_view, 12> kExactPrefixes = {
    "abs", "neg", "copysign", "pmin", "pmax", "splat", "extract_lane", "replace_lane",
    "const", "load", "reinterpret", "convert"};
constexpr std::array<std::string_view, 6> kComparisons = {"eq", "ne", "lt", "gt", "le", "ge"};

constexpr uint32_t kCanonicalF32 = 0x7fc00000;
constexpr uint64_t kCanonicalF64 = 0x7ff8000000000000;

}  // namespace

NanFence nan_fence_for(const OpcodeInfo& op) {
  if (op.sig == Signature::Special) return NanFence::None;
  SignatureTypes types = signature_types(op.sig);
  if (types.results.size() != 1) return NanFence::None;
  size_t dot = op.text.find('.');
  if (dot == std::string_view::npos) return NanFence::None;
  std::string_view shape = op.text.substr(0, dot);
  std::string_view name = op.text.substr(dot + 1);
  for (std::string_view p : kExactPrefixes)
    if (name.starts_with(p)) return NanFence::None;
  for (std::string_view c : kComparisons)
    if (name == c) return NanFence::None;
  ValType result = types.results[0];
  if (shape == "f32" && result == ValType::F32) return NanFence::F32;
  if (shape == "f64" && result == ValType::F64) return NanFence::F64;
  if (shape == "f32x4" && result == ValType::V128) return NanFence::F32x4;
  if (shape == "f64x2" && result == ValType::V128) return NanFence::F64x2;
  return NanFence::None;
}

ValType fence_scratch_type(NanFence fence) {
  switch (fence) {
    case NanFence::F32: return ValType::F32;
    case NanFence::F64: return ValType::F64;
    default: return ValType::V128;
  }
}

// Each fence computes select(canonical, x, is_arithmetic_nan(x)), where an
// arithmetic NaN is one whose exponent bits and quiet bit are all set
// (spec 4.3.3: "its most significant [payload] bit is 1").
void emit_nan_fence(text::ByteWriter& code, NanFence fence, uint32_t scratch) {
  switch (fence) {
    case NanFence::None:
      return;
    case NanFence::F32:
      emit_local(code, Opcode::LocalSet, scratch);
      emit_f32_const(code, kCanonicalF32);
      emit_local(code, Opcode::LocalGet, scratch);
      emit_local(code, Opcode::LocalGet, scratch);
      emit_op(code, Opcode::I32ReinterpretF32);
      emit_i32_const(code, kCanonicalF32);
      emit_op(code, Opcode::I32And);
      emit_i32_const(code, kCanonicalF32);
      emit_op(code, Opcode::I32Eq);
      emit_op(code, Opcode::Select);
      return;
    case NanFence::F64:
      emit_local(code, Opcode::LocalSet, scratch);
      emit_f64_const(code, kCanonicalF64);
      emit_local(code, Opcode::LocalGet, scratch);
      emit_local(code, Opcode::LocalGet, scratch);
      emit_op(code, Opcode::I64ReinterpretF64);
      emit_i64_const(code, kCanonicalF64);
      emit_op(code, Opcode::I64And);
      emit_i64_const(code, kCanonicalF64);
      emit_op(code, Opcode::I64Eq);
      emit_op(code, Opcode::Select);
      return;
    case NanFence::F32x4:
    case NanFence::F64x2: {
      // Per lane: bitselect(canonical, x, (x & canonical) == canonical).
      bool f32 = fence == NanFence::F32x4;
      uint64_t pattern = f32 ? (uint64_t(kCanonicalF32) << 32 | kCanonicalF32) : kCanonicalF64;
      emit_local(code, Opcode::LocalSet, scratch);
      emit_v128_const(code, pattern, pattern);
      emit_local(code, Opcode::LocalGet, scratch);
      emit_local(code, Opcode::LocalGet, scratch);
      emit_v128_const(code, pattern, pattern);
      emit_op(code, Opcode::V128And);
      emit_v128_const(code, pattern, pattern);
      emit_op(code, f32 ? Opcode::I32x4Eq : Opcode::I64x2Eq);
      emit_op(code, Opcode::V128Bitselect);
      return;
    }
  }
}

}  // namespace flint::fuzz

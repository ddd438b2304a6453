// NaN fences (see nan_fence.h for why they exist and what they compute).
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
constexpr uint32_t kAbsF32 = 0x7fffffff;
constexpr uint32_t kInfF32 = 0x7f800000;
constexpr uint64_t kCanonicalF64 = 0x7ff8000000000000;
constexpr uint64_t kAbsF64 = 0x7fffffffffffffff;
constexpr uint64_t kInfF64 = 0x7ff0000000000000;

// ---- scalar pieces: each leaves an i32 0/1 ----

/// The bits of f32/f64 local `x` masked to their magnitude.
void scalar_abs_bits(ByteWriter& c, ValType t, uint32_t x) {
  emit_local(c, Opcode::LocalGet, x);
  if (t == ValType::F32) {
    emit_op(c, Opcode::I32ReinterpretF32);
    emit_i32_const(c, kAbsF32);
    emit_op(c, Opcode::I32And);
  } else {
    emit_op(c, Opcode::I64ReinterpretF64);
    emit_i64_const(c, kAbsF64);
    emit_op(c, Opcode::I64And);
  }
}

/// x is an arithmetic NaN: exponent and quiet bit all set.
void scalar_is_arithmetic(ByteWriter& c, ValType t, uint32_t x) {
  emit_local(c, Opcode::LocalGet, x);
  if (t == ValType::F32) {
    emit_op(c, Opcode::I32ReinterpretF32);
    emit_i32_const(c, kCanonicalF32);
    emit_op(c, Opcode::I32And);
    emit_i32_const(c, kCanonicalF32);
    emit_op(c, Opcode::I32Eq);
  } else {
    emit_op(c, Opcode::I64ReinterpretF64);
    emit_i64_const(c, kCanonicalF64);
    emit_op(c, Opcode::I64And);
    emit_i64_const(c, kCanonicalF64);
    emit_op(c, Opcode::I64Eq);
  }
}

/// |x| != canonical (for a NaN: its payload is not the canonical one).
void scalar_not_canonical(ByteWriter& c, ValType t, uint32_t x) {
  scalar_abs_bits(c, t, x);
  if (t == ValType::F32) {
    emit_i32_const(c, kCanonicalF32);
    emit_op(c, Opcode::I32Ne);
  } else {
    emit_i64_const(c, kCanonicalF64);
    emit_op(c, Opcode::I64Ne);
  }
}

/// x is a NaN whose payload is not canonical.
void scalar_noncanonical_nan(ByteWriter& c, ValType t, uint32_t x) {
  scalar_abs_bits(c, t, x);
  if (t == ValType::F32) {
    emit_i32_const(c, kInfF32);
    emit_op(c, Opcode::I32GtU);
  } else {
    emit_i64_const(c, kInfF64);
    emit_op(c, Opcode::I64GtU);
  }
  scalar_not_canonical(c, t, x);
  emit_op(c, Opcode::I32And);
}

void scalar_fence(ByteWriter& c, ValType t, uint32_t r, FenceInputs inputs) {
  bool f32 = t == ValType::F32;
  emit_local(c, Opcode::LocalSet, r);
  // The value for an arithmetic NaN: canonical, or the violation marker.
  if (f32) {
    emit_f32_const(c, kViolationF32);
    emit_f32_const(c, kCanonicalF32);
  } else {
    emit_f64_const(c, kViolationF64);
    emit_f64_const(c, kCanonicalF64);
  }
  if (inputs.locals.empty()) {
    emit_i32_const(c, 0);
  } else {
    scalar_not_canonical(c, t, r);
    for (size_t i = 0; i < inputs.locals.size(); ++i) {
      scalar_noncanonical_nan(c, inputs.types[i], inputs.locals[i]);
      emit_op(c, Opcode::I32Eqz);
      emit_op(c, Opcode::I32And);
    }
  }
  emit_op(c, Opcode::Select);
  emit_local(c, Opcode::LocalGet, r);
  scalar_is_arithmetic(c, t, r);
  emit_op(c, Opcode::Select);
}

// ---- vector pieces: each leaves a lane mask ----

void splat_const(ByteWriter& c, bool f32, uint64_t lane) {
  uint64_t pattern = f32 ? (lane << 32 | lane) : lane;
  emit_v128_const(c, pattern, pattern);
}

void vector_abs_bits(ByteWriter& c, bool f32, uint32_t x) {
  emit_local(c, Opcode::LocalGet, x);
  splat_const(c, f32, f32 ? kAbsF32 : kAbsF64);
  emit_op(c, Opcode::V128And);
}

void vector_is_arithmetic(ByteWriter& c, bool f32, uint32_t x) {
  emit_local(c, Opcode::LocalGet, x);
  splat_const(c, f32, f32 ? kCanonicalF32 : kCanonicalF64);
  emit_op(c, Opcode::V128And);
  splat_const(c, f32, f32 ? kCanonicalF32 : kCanonicalF64);
  emit_op(c, f32 ? Opcode::I32x4Eq : Opcode::I64x2Eq);
}

void vector_not_canonical(ByteWriter& c, bool f32, uint32_t x) {
  vector_abs_bits(c, f32, x);
  splat_const(c, f32, f32 ? kCanonicalF32 : kCanonicalF64);
  emit_op(c, f32 ? Opcode::I32x4Ne : Opcode::I64x2Ne);
}

void vector_noncanonical_nan(ByteWriter& c, bool f32, uint32_t x) {
  // |x| > inf: i64x2 has only signed comparisons, fine for magnitudes.
  vector_abs_bits(c, f32, x);
  splat_const(c, f32, f32 ? kInfF32 : kInfF64);
  emit_op(c, f32 ? Opcode::I32x4GtU : Opcode::I64x2GtS);
  vector_not_canonical(c, f32, x);
  emit_op(c, Opcode::V128And);
}

void vector_fence(ByteWriter& c, bool f32, uint32_t r, FenceInputs inputs) {
  emit_local(c, Opcode::LocalSet, r);
  splat_const(c, f32, f32 ? kViolationF32 : kViolationF64);
  splat_const(c, f32, f32 ? kCanonicalF32 : kCanonicalF64);
  if (inputs.locals.empty()) {
    emit_v128_const(c, 0, 0);
  } else {
    vector_not_canonical(c, f32, r);
    for (uint32_t x : inputs.locals) {
      vector_noncanonical_nan(c, f32, x);
      emit_op(c, Opcode::V128Andnot);  // violation &= ~noncanonical(x)
    }
  }
  emit_op(c, Opcode::V128Bitselect);
  emit_local(c, Opcode::LocalGet, r);
  vector_is_arithmetic(c, f32, r);
  emit_op(c, Opcode::V128Bitselect);
}

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

bool fence_checks_canonical(const OpcodeInfo& op) {
  NanFence fence = nan_fence_for(op);
  if (fence == NanFence::None) return false;
  for (ValType t : signature_types(op.sig).params)
    if (t != ValType::F32 && t != ValType::F64 && t != ValType::V128) return false;
  if (fence == NanFence::F32 || fence == NanFence::F64) return true;
  // Vector operands must have the result's lane shape.
  return op.text.find("promote") == std::string_view::npos && op.text.find("demote") == std::string_view::npos;
}

ValType fence_scratch_type(NanFence fence) {
  switch (fence) {
    case NanFence::F32: return ValType::F32;
    case NanFence::F64: return ValType::F64;
    default: return ValType::V128;
  }
}

void emit_nan_fence(text::ByteWriter& code, NanFence fence, uint32_t scratch, FenceInputs inputs) {
  switch (fence) {
    case NanFence::None: return;
    case NanFence::F32: return scalar_fence(code, ValType::F32, scratch, inputs);
    case NanFence::F64: return scalar_fence(code, ValType::F64, scratch, inputs);
    case NanFence::F32x4: return vector_fence(code, true, scratch, inputs);
    case NanFence::F64x2: return vector_fence(code, false, scratch, inputs);
  }
}

}  // namespace flint::fuzz

// Writing instructions in the binary format (spec 5.4) for the module
// generator: opcodes from the one opcode table, with their prefix.
#pragma once

#include <cstdint>

#include "module/opcode.h"
#include "text/byte_writer.h"

namespace flint::fuzz {

using text::ByteWriter;

/// An opcode's bytes: the single byte, or the 0xFC/0xFD prefix and the
/// sub-opcode as u32 LEB128 (spec 5.4: prefixed instructions).
inline void emit_op(ByteWriter& out, Opcode op) {
  const OpcodeInfo& i = info(op);
  if (i.prefix == 0) {
    out.u8(uint8_t(i.code));
  } else {
    out.u8(i.prefix);
    out.u32(i.code);
  }
}

inline void emit_i32_const(ByteWriter& out, uint32_t v) {
  emit_op(out, Opcode::I32Const);
  out.s64(int32_t(v));
}
inline void emit_i64_const(ByteWriter& out, uint64_t v) {
  emit_op(out, Opcode::I64Const);
  out.s64(int64_t(v));
}
inline void emit_f32_const(ByteWriter& out, uint32_t bits) {
  emit_op(out, Opcode::F32Const);
  out.fixed(bits, 4);
}
inline void emit_f64_const(ByteWriter& out, uint64_t bits) {
  emit_op(out, Opcode::F64Const);
  out.fixed(bits, 8);
}
inline void emit_v128_const(ByteWriter& out, uint64_t lo, uint64_t hi) {
  emit_op(out, Opcode::V128Const);
  out.fixed(lo, 8);
  out.fixed(hi, 8);
}
inline void emit_local(ByteWriter& out, Opcode op, uint32_t index) {
  emit_op(out, op);
  out.u32(index);
}

}  // namespace flint::fuzz

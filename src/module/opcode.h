// Opcodes and their static facts, generated from the one opcode table.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

#include "flint/types.h"

namespace flint {

/// What follows an opcode in the binary (spec 5.4).
enum class ImmKind : uint8_t {
  None,
  BlockType,     // block, loop, if
  Label,         // br, br_if
  BrTable,       // br_table
  Func,          // call, ref.func
  CallIndirect,  // call_indirect typeidx tableidx
  SelectTypes,   // select t*
  Local,
  Global,
  Table,       // table.get/set/grow/size/fill
  TableInit,   // table.init elemidx tableidx
  TableCopy,   // table.copy dst src
  Elem,        // elem.drop
  MemArg,      // loads and stores: align offset
  Memory,      // memory.size/grow/fill: memory index (a reserved 0x00 byte in 2.0)
  MemoryInit,  // memory.init dataidx memidx
  MemoryCopy,  // memory.copy dst src
  Data,        // data.drop
  I32,
  I64,
  F32,
  F64,
  RefType,     // ref.null t
  V128,        // v128.const
  Shuffle,     // i8x16.shuffle: 16 lane indices
  Lane,        // extract/replace lane
  MemArgLane,  // load/store lane
  Tag,         // throw tagidx
  TryTable,    // try_table blocktype vec(catch)
};

enum class Signature : uint8_t {
#define FLINT_SIG(id, np, nr, p0, p1, p2, r0) id,
#include "module/signatures.def"
#undef FLINT_SIG
};

/// Opcodes share one 16-bit space: single-byte opcodes keep their byte,
/// 0xFC-prefixed ones are 0x100 + sub-opcode, 0xFD-prefixed 0x200 + sub-opcode.
enum class Opcode : uint16_t {
#define FLINT_OP(id, text, prefix, code, imm, sig, align) \
  id = (prefix) == 0 ? (code) : (prefix) == 0xFC ? 0x100 + (code) : 0x200 + (code),
#include "module/opcodes.def"
#undef FLINT_OP
};

constexpr uint16_t opcode_value(uint8_t prefix, uint32_t code) {
  return prefix == 0 ? code : prefix == 0xFC ? 0x100 + code : 0x200 + code;
}
constexpr uint16_t kOpcodeSpace = 0x400;

struct OpcodeInfo {
  Opcode op;
  std::string_view text;
  uint8_t prefix;
  uint32_t code;
  ImmKind imm;
  Signature sig;
  uint8_t align_log2;
};

/// Facts about an opcode, or nullptr when the value names no opcode.
const OpcodeInfo* opcode_info(uint16_t value);
inline const OpcodeInfo& info(Opcode op) { return *opcode_info(static_cast<uint16_t>(op)); }
/// Looks an instruction up by its text name ("i32.add"); nullptr when unknown.
/// `select` maps to the untyped form.
const OpcodeInfo* opcode_by_text(std::string_view text);

/// The operand and result types of a fixed signature.
struct SignatureTypes {
  std::span<const ValType> params;
  std::span<const ValType> results;
};
SignatureTypes signature_types(Signature s);

/// Every opcode in table order (for exhaustive tests and handler checks).
std::span<const OpcodeInfo> all_opcodes();

}  // namespace flint

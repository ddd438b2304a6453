#include "binary/instructions.h"

#include <fmt/format.h>

#include "binary/types.h"

namespace flint::binary {

namespace {

// The memarg alignment is a u32 exponent; 2.0 gives no meaning to values of
// 32 and above, so the reference interpreter rejects them as malformed.
// Multi-memory (5.4.7 in 3.0) takes bit 6 to mean "a memory index follows
// the alignment"; the exponent is then the bits below it. Whether the
// alignment exceeds the natural one is a validation question.
constexpr uint32_t kMaxAlignExponent = 31;
constexpr uint32_t kMemIndexFlag = 1u << 6;

// What a control frame still accepts: `else` only after the `then` arm of an `if`.
enum class Frame : uint8_t { Plain, IfThen };

class ExpressionDecoder {
 public:
  ExpressionDecoder(Reader& r, std::vector<Instr>& out, std::vector<uint32_t>& targets,
                    ExpressionFacts& facts)
      : r_(r), out_(out), targets_(targets), facts_(facts) {}

  Status run() {
    frames_.push_back(Frame::Plain);  // the expression itself, closed by its `end`
    while (!frames_.empty()) FLINT_TRY(next());
    return {};
  }

 private:
  Status next() {
    const size_t at = r_.offset();
    FLINT_ASSIGN(const OpcodeInfo* info, read_opcode());
    Instr in;
    in.op = info->op;
    in.offset = static_cast<uint32_t>(at);
    FLINT_TRY(read_immediates(*info, in));
    FLINT_TRY(track_structure(in.op, at));
    if (in.op == Opcode::MemoryInit || in.op == Opcode::DataDrop) {
      if (!facts_.first_data_index_use) facts_.first_data_index_use = at;
    }
    out_.push_back(in);
    return {};
  }

  // 5.4: one byte, or a prefix byte (0xFC, 0xFD) followed by a u32 sub-opcode.
  Result<const OpcodeInfo*> read_opcode() {
    const size_t at = r_.offset();
    FLINT_ASSIGN(uint8_t byte, r_.u8());
    if (byte != 0xFC && byte != 0xFD) {
      const OpcodeInfo* info = opcode_info(byte);
      if (!info || info->prefix != 0)
        return error_at(ErrorCode::IllegalOpcode, at, fmt::format("0x{:02x}", byte));
      return info;
    }
    FLINT_ASSIGN(uint32_t sub, r_.u32());
    // 0xFC owns 0x100 values of the shared opcode space, 0xFD the 0x200
    // after them (opcode.h); a larger sub-opcode must not alias another prefix.
    const uint32_t space = byte == 0xFC ? 0x100 : 0x200;
    const OpcodeInfo* info = sub < space ? opcode_info(opcode_value(byte, sub)) : nullptr;
    if (!info || info->prefix != byte)
      return error_at(ErrorCode::IllegalOpcode, at, fmt::format("0x{:02x} {}", byte, sub));
    return info;
  }

  Status track_structure(Opcode op, size_t at) {
    switch (op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::TryTable: frames_.push_back(Frame::Plain); break;
      case Opcode::If: frames_.push_back(Frame::IfThen); break;
      case Opcode::Else:
        // The reference decoder ends the current instruction sequence at any
        // `else` and then expects the `end` of a block that has no else arm.
        if (frames_.back() != Frame::IfThen) return error_at(ErrorCode::EndOpcodeExpected, at);
        frames_.back() = Frame::Plain;
        break;
      case Opcode::End: frames_.pop_back(); break;
      default: break;
    }
    return {};
  }

  Status read_immediates(const OpcodeInfo& info, Instr& in) {
    switch (info.imm) {
      case ImmKind::None: return {};
      case ImmKind::BlockType: return block_type(in);
      case ImmKind::Label:
      case ImmKind::Func:
      case ImmKind::Local:
      case ImmKind::Global:
      case ImmKind::Table:
      case ImmKind::Elem:
      case ImmKind::Data: return index(in.a);
      case ImmKind::BrTable: return br_table(in);
      case ImmKind::CallIndirect:
      case ImmKind::TableInit:
      case ImmKind::TableCopy: return two_indices(in);
      case ImmKind::SelectTypes: return select_types(in);
      case ImmKind::MemArg: return memarg(in);
      case ImmKind::Memory: return memory_index(in.a);
      case ImmKind::MemoryInit: FLINT_TRY(index(in.a)); return memory_index(in.b);
      case ImmKind::MemoryCopy: FLINT_TRY(memory_index(in.a)); return memory_index(in.b);
      case ImmKind::I32: return i32_const(in);
      case ImmKind::I64: return i64_const(in);
      case ImmKind::F32: return f32_const(in);
      case ImmKind::F64: return f64_const(in);
      case ImmKind::RefType: return ref_type(in);
      case ImmKind::V128:
      case ImmKind::Shuffle: return sixteen_bytes(in);
      case ImmKind::Lane: return lane(in.a);
      case ImmKind::Tag: return index(in.a);
      case ImmKind::TryTable: return try_table(in);
      case ImmKind::MemArgLane: {
        FLINT_TRY(memarg(in));
        uint32_t lane_index = 0;
        FLINT_TRY(lane(lane_index));
        in.hi = lane_index;
        return {};
      }
    }
    return {};
  }

  Status index(uint32_t& out) {
    FLINT_ASSIGN(out, r_.u32());
    return {};
  }

  // A memory index (multi-memory), or in 2.0 the reserved zero byte that
  // stands for memory 0.
  Status memory_index(uint32_t& out) {
    out = 0;
    if (!r_.features().multi_memory) return r_.zero_byte();
    return index(out);
  }

  Status two_indices(Instr& in) {
    FLINT_TRY(index(in.a));
    return index(in.b);
  }

  // 5.4.1 blocktype: 0x40 (empty), a value type (one byte whose two top bits
  // are 01, i.e. a negative one-byte s33), or a non-negative s33 type index.
  Status block_type(Instr& in) {
    if (!r_.at_end() && r_.peek() == 0x40) {
      (void)r_.u8();
      in.a = uint32_t(BlockKind::Empty);
      return {};
    }
    if (!r_.at_end() && (r_.peek() & 0xC0) == 0x40) {
      FLINT_ASSIGN(ValType t, read_value_type(r_));
      in.a = uint32_t(BlockKind::Value);
      in.b = uint32_t(t);
      return {};
    }
    const size_t at = r_.offset();
    FLINT_ASSIGN(int64_t x, r_.s33());
    if (x < 0) return error_at(ErrorCode::MalformedValueType, at, "negative block type index");
    in.a = uint32_t(BlockKind::TypeIndex);
    in.b = static_cast<uint32_t>(x);
    return {};
  }

  // try_table blocktype vec(catch): each catch is a kind byte (0 catch,
  // 1 catch_ref, 2 catch_all, 3 catch_all_ref), a tag index for the first
  // two, and a label; kept as three entries of `targets_` (module.h, Instr).
  Status try_table(Instr& in) {
    FLINT_TRY(block_type(in));
    FLINT_ASSIGN(uint32_t n, r_.count());
    in.u64 = targets_.size();
    in.hi = n;
    for (uint32_t i = 0; i < n; ++i) {
      const size_t at = r_.offset();
      FLINT_ASSIGN(uint8_t kind, r_.u8());
      if (kind > uint8_t(CatchKind::CatchAllRef))
        return error_at(ErrorCode::MalformedCatchKind, at, fmt::format("0x{:02x}", kind));
      uint32_t tag = 0;
      if (kind <= uint8_t(CatchKind::CatchRef)) FLINT_TRY(index(tag));
      uint32_t label = 0;
      FLINT_TRY(index(label));
      targets_.insert(targets_.end(), {kind, tag, label});
    }
    return {};
  }

  Status br_table(Instr& in) {
    FLINT_ASSIGN(uint32_t n, r_.count());
    in.a = static_cast<uint32_t>(targets_.size());
    // Each label takes a byte, so a count of 2^32-1 fails before n + 1 wraps.
    in.b = n + 1;
    for (uint64_t i = 0; i <= n; ++i) {  // the n labels, then the default
      FLINT_ASSIGN(uint32_t label, r_.u32());
      targets_.push_back(label);
    }
    return {};
  }

  // 5.4.3: `select t*`. 2.0 allows exactly one type; the validator checks
  // the count ("invalid result arity"), so all are read and the first kept.
  Status select_types(Instr& in) {
    FLINT_ASSIGN(uint32_t n, r_.count());
    in.a = n;
    for (uint32_t i = 0; i < n; ++i) {
      FLINT_ASSIGN(ValType t, read_value_type(r_));
      if (i == 0) in.b = uint32_t(t);
    }
    return {};
  }

  Status memarg(Instr& in) {
    const size_t at = r_.offset();
    FLINT_ASSIGN(uint32_t align, r_.u32());
    in.b = 0;  // memory 0 unless bit 6 names another
    if (r_.features().multi_memory && align < 2 * kMemIndexFlag && (align & kMemIndexFlag)) {
      align &= ~kMemIndexFlag;
      FLINT_TRY(index(in.b));
    }
    if (align > kMaxAlignExponent)
      return error_at(ErrorCode::MalformedMemopFlags, at,
                      fmt::format("alignment exponent {}", align));
    FLINT_ASSIGN(uint32_t offset, r_.u32());
    in.a = align;
    in.u64 = offset;
    return {};
  }

  Status i32_const(Instr& in) {
    FLINT_ASSIGN(int32_t v, r_.s32());
    in.u64 = static_cast<uint32_t>(v);
    return {};
  }
  Status i64_const(Instr& in) {
    FLINT_ASSIGN(int64_t v, r_.s64());
    in.u64 = static_cast<uint64_t>(v);
    return {};
  }
  Status f32_const(Instr& in) {
    FLINT_ASSIGN(in.u64, r_.fixed_u32());
    return {};
  }
  Status f64_const(Instr& in) {
    FLINT_ASSIGN(in.u64, r_.fixed_u64());
    return {};
  }

  Status ref_type(Instr& in) {
    FLINT_ASSIGN(ValType t, read_reference_type(r_));
    in.a = uint32_t(t);
    return {};
  }

  Status sixteen_bytes(Instr& in) {
    FLINT_ASSIGN(in.u64, r_.fixed_u64());
    FLINT_ASSIGN(in.hi, r_.fixed_u64());
    return {};
  }

  // A lane index is a single byte; whether it is in range is validation.
  Status lane(uint32_t& out) {
    FLINT_ASSIGN(uint8_t b, r_.u8());
    out = b;
    return {};
  }

  Reader& r_;
  std::vector<Instr>& out_;
  std::vector<uint32_t>& targets_;
  ExpressionFacts& facts_;
  std::vector<Frame> frames_;
};

}  // namespace

Status decode_expression(Reader& r, std::vector<Instr>& out,
                         std::vector<uint32_t>& br_table_targets, ExpressionFacts& facts) {
  return ExpressionDecoder(r, out, br_table_targets, facts).run();
}

Result<ConstExpr> decode_const_expr(Reader& r) {
  ConstExpr expr;
  std::vector<uint32_t> unused_targets;
  ExpressionFacts unused_facts;
  FLINT_TRY(decode_expression(r, expr.instrs, unused_targets, unused_facts));
  return expr;
}

}  // namespace flint::binary

// Preconditions the translator relies on, checked before each instruction.
// compile() validates every module first, so these never fail for a valid
// module; they keep a validator bug from turning into an out-of-range index
// or an empty-stack pop while translating (the fuzzer's concern).
#include <fmt/format.h>

#include "interp/translator.h"

namespace flint::interp {

Status FunctionTranslator::check_operands(const Instr& in) const {
  const Control& c = controls_.back();
  size_t available = stack_.size() - c.height;
  auto fail = [&](std::string_view why) -> Status {
    Error e = make_error(
        ErrorCode::TypeMismatch,
        fmt::format("translator: {} at {} (module not validated?)", why, flint::info(in.op).text));
    e.offset = in.offset;
    e.function = out_.index;
    return e;
  };
  auto label_ok = [&](uint32_t depth) { return depth < controls_.size(); };
  auto arity = [&](uint32_t depth) {
    return label_types(controls_[controls_.size() - 1 - depth]).size();
  };
  size_t need = 0;
  const OpcodeInfo& info = flint::info(in.op);
  if (info.sig != Signature::Special) need = signature_types(info.sig).params.size();
  bool needs_memory = info.imm == ImmKind::MemArg || info.imm == ImmKind::MemArgLane ||
                      info.imm == ImmKind::Memory || info.imm == ImmKind::MemoryInit ||
                      info.imm == ImmKind::MemoryCopy;
  if (needs_memory && mod_.memory_count() == 0) return fail("no memory");
  if (needs_memory) {
    const uint32_t count = mod_.memory_count();
    bool known = true;
    switch (info.imm) {
      case ImmKind::MemArg:
      case ImmKind::MemArgLane:
      case ImmKind::MemoryInit: known = in.b < count; break;
      case ImmKind::Memory: known = in.a < count; break;
      case ImmKind::MemoryCopy: known = in.a < count && in.b < count; break;
      default: break;
    }
    if (!known) return fail("unknown memory");
  }
  switch (in.op) {
    case Opcode::Drop:
    case Opcode::LocalSet:
    case Opcode::LocalTee:
    case Opcode::GlobalSet:
    case Opcode::RefIsNull:
    case Opcode::TableGet: need = 1; break;
    case Opcode::TableSet:
    case Opcode::TableGrow: need = 2; break;
    case Opcode::Select:
    case Opcode::SelectTyped:
    case Opcode::TableFill:
    case Opcode::TableCopy:
    case Opcode::TableInit: need = 3; break;
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
      if (BlockKind(in.a) == BlockKind::TypeIndex) {
        if (in.b >= mod_.types.size()) return fail("unknown block type");
        need = mod_.types[in.b].params.size();
      }
      if (in.op == Opcode::If) ++need;
      break;
    case Opcode::Else:
      if (c.op != Opcode::If) return fail("else outside if");
      need = c.unreachable ? 0 : c.results.size();
      break;
    case Opcode::End: need = c.unreachable ? 0 : c.results.size(); break;
    case Opcode::Br:
      if (!label_ok(in.a)) return fail("unknown label");
      need = arity(in.a);
      break;
    case Opcode::BrIf:
      if (!label_ok(in.a)) return fail("unknown label");
      need = arity(in.a) + 1;
      break;
    case Opcode::BrTable: {
      if (in.b == 0 || uint64_t(in.a) + in.b > func_.br_table_targets.size())
        return fail("bad br_table");
      for (uint32_t i = 0; i < in.b; ++i) {
        uint32_t depth = func_.br_table_targets[in.a + i];
        if (!label_ok(depth) || arity(depth) != arity(func_.br_table_targets[in.a]))
          return fail("bad br_table");
      }
      need = arity(func_.br_table_targets[in.a]) + 1;
      break;
    }
    case Opcode::Return: need = type_.results.size(); break;
    case Opcode::Call:
      if (in.a >= mod_.function_count()) return fail("unknown function");
      need = mod_.function_type(in.a).params.size();
      break;
    case Opcode::CallIndirect:
      if (in.a >= mod_.types.size() || in.b >= mod_.table_count())
        return fail("unknown type or table");
      need = mod_.types[in.a].params.size() + 1;
      break;
    case Opcode::LocalGet:
      if (in.a >= local_types_.size()) return fail("unknown local");
      break;
    case Opcode::GlobalGet:
      if (in.a >= mod_.global_count()) return fail("unknown global");
      break;
    case Opcode::RefFunc:
      if (in.a >= mod_.function_count()) return fail("unknown function");
      break;
    case Opcode::TableSize:
      if (in.a >= mod_.table_count()) return fail("unknown table");
      break;
    case Opcode::ElemDrop:
      if (in.a >= mod_.elements.size()) return fail("unknown elem segment");
      break;
    case Opcode::MemoryInit:
    case Opcode::DataDrop:
      if (in.a >= mod_.data.size()) return fail("unknown data segment");
      break;
    default: break;
  }
  switch (in.op) {
    case Opcode::LocalSet:
    case Opcode::LocalTee:
      if (in.a >= local_types_.size()) return fail("unknown local");
      break;
    case Opcode::GlobalSet:
      if (in.a >= mod_.global_count()) return fail("unknown global");
      break;
    case Opcode::TableGet:
    case Opcode::TableSet:
    case Opcode::TableGrow:
    case Opcode::TableFill:
      if (in.a >= mod_.table_count()) return fail("unknown table");
      break;
    case Opcode::TableCopy:
      if (in.a >= mod_.table_count() || in.b >= mod_.table_count()) return fail("unknown table");
      break;
    case Opcode::TableInit:
      if (in.b >= mod_.table_count() || in.a >= mod_.elements.size())
        return fail("unknown table or segment");
      break;
    default: break;
  }
  if (available < need) return fail("operand stack underflow");
  return {};
}

}  // namespace flint::interp

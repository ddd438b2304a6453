// The instruction loop of spec appendix A.3: each instruction's immediates
// are checked, then its operand types are popped and its results pushed,
// either from the opcode table's fixed signature or by its `Special` rule.
#include "valid/function_validator.h"

#include <string>

#include "valid/lanes.h"

namespace flint::valid {

namespace {

using Rule = FunctionValidator::Rule;

// The one list of hand-written rules; the static_asserts below prove every
// `Special` row of the opcode table has one.
constexpr Rule special_rule(Opcode op) {
  using V = FunctionValidator;
  switch (op) {
    case Opcode::Unreachable: return &V::on_unreachable;
    case Opcode::Nop: return &V::on_nop;
    case Opcode::Block: return &V::on_block;
    case Opcode::Loop: return &V::on_block;
    case Opcode::If: return &V::on_if;
    case Opcode::Else: return &V::on_else;
    case Opcode::End: return &V::on_end;
    case Opcode::Br: return &V::on_br;
    case Opcode::BrIf: return &V::on_br_if;
    case Opcode::BrTable: return &V::on_br_table;
    case Opcode::Return: return &V::on_return;
    case Opcode::Call: return &V::on_call;
    case Opcode::CallIndirect: return &V::on_call_indirect;
    case Opcode::Throw: return &V::on_throw;
    case Opcode::ThrowRef: return &V::on_throw_ref;
    case Opcode::TryTable: return &V::on_try_table;
    case Opcode::Drop: return &V::on_drop;
    case Opcode::Select: return &V::on_select;
    case Opcode::SelectTyped: return &V::on_select_typed;
    case Opcode::LocalGet: return &V::on_local_get;
    case Opcode::LocalSet: return &V::on_local_set;
    case Opcode::LocalTee: return &V::on_local_tee;
    case Opcode::GlobalGet: return &V::on_global_get;
    case Opcode::GlobalSet: return &V::on_global_set;
    case Opcode::TableGet: return &V::on_table_get;
    case Opcode::TableSet: return &V::on_table_set;
    case Opcode::TableInit: return &V::on_table_init;
    case Opcode::ElemDrop: return &V::on_elem_drop;
    case Opcode::TableCopy: return &V::on_table_copy;
    case Opcode::TableGrow: return &V::on_table_grow;
    case Opcode::TableSize: return &V::on_table_size;
    case Opcode::TableFill: return &V::on_table_fill;
    case Opcode::DataDrop: return &V::on_data_drop;
    case Opcode::RefNull: return &V::on_ref_null;
    case Opcode::RefIsNull: return &V::on_ref_is_null;
    case Opcode::RefFunc: return &V::on_ref_func;
    default: return nullptr;
  }
}

#define FLINT_OP(id, text, prefix, code, imm, sig, align)                         \
  static_assert(Signature::sig != Signature::Special || special_rule(Opcode::id), \
                "the validator has no rule for " text);
#include "module/opcodes.def"
#undef FLINT_OP

Error invalid_lane(uint64_t lane) {
  return make_error(ErrorCode::InvalidLaneIndex, std::to_string(lane));
}

}  // namespace

FunctionValidator::FunctionValidator(const ModuleContext& context, uint32_t func_index,
                                     const Function& function, const FuncType& type)
    : context_(context), func_index_(func_index), function_(function), type_(type) {}

Status FunctionValidator::validate() {
  // The body is one block whose label and results are the function's
  // results (spec 3.4.1): `return` and a branch to depth 0 both target it.
  stack_.push_frame(Opcode::Block, BlockSignature::function_body(type_));
  for (const Instr& in : function_.body) {
    Status s = stack_.frame_count() == 0
                   ? Status(make_error(ErrorCode::EndOpcodeExpected,
                                       "instructions after the function's final end"))
                   : check(in);
    if (!s.ok()) {
      Error e = std::move(s).error();
      if (!e.offset) e.offset = in.offset;
      e.function = func_index_;
      return e;
    }
  }
  if (stack_.frame_count() != 0) {
    Error e = make_error(ErrorCode::EndOpcodeExpected, "the body ends inside a block");
    e.offset = function_.body.empty() ? function_.code_offset : function_.body.back().offset;
    e.function = func_index_;
    return e;
  }
  return {};
}

Status FunctionValidator::check(const Instr& in) {
  const OpcodeInfo* info = opcode_info(static_cast<uint16_t>(in.op));
  if (!info) return make_error(ErrorCode::IllegalOpcode);
  FLINT_TRY(check_immediates(in, *info));
  if (info->sig != Signature::Special) return apply_signature(info->sig);
  return (this->*special_rule(in.op))(in);
}

Status FunctionValidator::check_immediates(const Instr& in, const OpcodeInfo& info) {
  switch (info.imm) {
    case ImmKind::MemArg:
    case ImmKind::MemArgLane:
      // Spec 3.3.7 "Memory Instructions": 2^align must not exceed the width.
      FLINT_TRY(context_.memory(in.b));
      if (in.a > info.align_log2) return make_error(ErrorCode::AlignmentTooLarge);
      if (info.imm == ImmKind::MemArgLane && in.hi >= lane_count(info)) return invalid_lane(in.hi);
      return {};
    case ImmKind::Memory: FLINT_TRY(context_.memory(in.a)); return {};
    case ImmKind::MemoryInit: FLINT_TRY(context_.memory(in.b)); return context_.data(in.a);
    case ImmKind::MemoryCopy:
      FLINT_TRY(context_.memory(in.a));
      FLINT_TRY(context_.memory(in.b));
      return {};
    case ImmKind::Lane:
      if (in.a >= lane_count(info)) return invalid_lane(in.a);
      return {};
    case ImmKind::Shuffle:
      // Spec 3.3.3: each of the 16 lane indices picks from 32 input lanes.
      for (int i = 0; i < 16; ++i) {
        uint8_t lane = uint8_t((i < 8 ? in.u64 : in.hi) >> (8 * (i % 8)));
        if (lane >= kShuffleInputLanes) return invalid_lane(lane);
      }
      return {};
    // The indices, types and constants these name are checked by the
    // instruction's own rule (rules_*.cc) or need no check.
    case ImmKind::None:
    case ImmKind::BlockType:
    case ImmKind::Tag:
    case ImmKind::TryTable:
    case ImmKind::Label:
    case ImmKind::BrTable:
    case ImmKind::Func:
    case ImmKind::CallIndirect:
    case ImmKind::SelectTypes:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::TableInit:
    case ImmKind::TableCopy:
    case ImmKind::Elem:
    case ImmKind::Data:
    case ImmKind::I32:
    case ImmKind::I64:
    case ImmKind::F32:
    case ImmKind::F64:
    case ImmKind::RefType:
    case ImmKind::V128: return {};
  }
  return {};
}

Status FunctionValidator::apply_signature(Signature signature) {
  SignatureTypes types = signature_types(signature);
  FLINT_TRY(stack_.pop(types.params));
  stack_.push(types.results);
  return {};
}

Result<BlockSignature> FunctionValidator::block_signature(const Instr& in) const {
  switch (static_cast<BlockKind>(in.a)) {
    case BlockKind::Empty: return BlockSignature();
    case BlockKind::Value: {
      ValType t = static_cast<ValType>(in.b);
      if (!is_value_type(t)) return make_error(ErrorCode::MalformedValueType, "block type");
      return BlockSignature::single(t);
    }
    case BlockKind::TypeIndex: {
      FLINT_ASSIGN(const FuncType* type, context_.type(in.b));
      return BlockSignature::of(*type);
    }
  }
  return make_error(ErrorCode::MalformedValueType, "block type");
}

Result<ValType> FunctionValidator::local_type(uint32_t index) const {
  // Parameters come first in the local index space (spec 3.4.1).
  if (index < type_.params.size()) return type_.params[index];
  uint64_t declared = uint64_t(index) - type_.params.size();
  if (declared < function_.locals.size()) return function_.locals[declared];
  return make_error(ErrorCode::UnknownLocal, std::to_string(index));
}

Result<const ControlFrame*> FunctionValidator::label(uint32_t depth) const {
  const ControlFrame* frame = stack_.frame_at_depth(depth);
  if (!frame) return make_error(ErrorCode::UnknownLabel, std::to_string(depth));
  return frame;
}

}  // namespace flint::valid

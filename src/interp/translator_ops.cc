// Translation of the non-control instructions: numeric operators (with
// constant operands folded into immediates), variables, memory, tables,
// references and calls.
#include <fmt/format.h>

#include "interp/handlers.h"
#include "interp/translator.h"

namespace flint::interp {

namespace {
bool commutative(Opcode op) {
  switch (op) {
    case Opcode::I32Add:
    case Opcode::I32Mul:
    case Opcode::I32And:
    case Opcode::I32Or:
    case Opcode::I32Xor:
    case Opcode::I32Eq:
    case Opcode::I32Ne:
    case Opcode::I64Add:
    case Opcode::I64Mul:
    case Opcode::I64And:
    case Opcode::I64Or:
    case Opcode::I64Xor:
    case Opcode::I64Eq:
    case Opcode::I64Ne: return true;
    default: return false;
  }
}
}  // namespace

Status FunctionTranslator::numeric(const Instr& in) {
  const NumericHandlers* h = numeric_handlers(in.op);
  if (!h)
    return make_error(ErrorCode::Usage, fmt::format("no handler for {}", flint::info(in.op).text));
  ValType result = signature_types(flint::info(in.op).sig).results[0];
  if (h->unary) {
    Entry a = pop();
    uint32_t as = operand(a);
    Entry& r = push(result);
    uint32_t at = begin(h->unary);
    pair(r.home, as);
    set_result(at);
    if (in.op == Opcode::I32Eqz || in.op == Opcode::I64Eqz) compare_ = Compare{in.op, as};
    return {};
  }
  Entry b = pop();
  Entry a = pop();
  Opcode op = in.op;
  // A constant goes into the immediate operand where the operator allows it.
  // (The result's home does not depend on the order: it is the lower entry's.)
  if (a.where == Where::Const && b.where != Where::Const) {
    if (commutative(op))
      std::swap(a, b);
    else if (is_fusable_compare(op))
      std::swap(a, b), op = swap_compare(op);
  }
  const NumericHandlers* hs = numeric_handlers(op);
  bool use_imm = b.where == Where::Const;
  uint32_t as = operand(a);
  uint32_t bs = use_imm ? 0 : operand(b);
  Entry& r = push(result);
  uint32_t at = begin(use_imm ? hs->si : hs->ss);
  pair(r.home, as);
  if (use_imm)
    imm(b.lo);
  else
    pair(bs, 0);
  set_result(at);
  if (is_fusable_compare(op)) compare_ = Compare{op, as, bs, use_imm, b.lo};
  return {};
}

Status FunctionTranslator::variable(const Instr& in) {
  switch (in.op) {
    case Opcode::LocalGet: push_local(local_types_[in.a], local_slots_[in.a]); return {};
    case Opcode::LocalSet:
    case Opcode::LocalTee: {
      uint32_t slot = local_slots_[in.a];
      Entry& top = stack_.back();
      bool referenced_below = false;
      for (size_t i = 0; i + 1 < stack_.size(); ++i)
        if (stack_[i].where == Where::Local && stack_[i].local == slot) referenced_below = true;
      if (last_producer_ && last_producer_->end == code_.size() && top.where == Where::Home &&
          !referenced_below) {
        // Retarget the instruction that just computed the value.
        code_[last_producer_->instr + 1].u32[0] = slot;
        top.where = Where::Local;
        top.local = slot;
      } else if (!(top.where == Where::Local && top.local == slot)) {
        Entry v = top;
        materialize_local(slot);
        store_to(slot, v);
        if (stack_.back().where != Where::Const) {
          stack_.back().where = Where::Local;
          stack_.back().local = slot;
        }
      }
      if (in.op == Opcode::LocalSet) pop();
      return {};
    }
    case Opcode::GlobalGet: {
      ValType t = mod_.global_type(in.a).type;
      Entry& r = push(t);
      uint32_t at = begin(slot_count(t) == 2 ? &op::global_get2 : &op::global_get1);
      pair(r.home, in.a);
      set_result(at);
      return {};
    }
    case Opcode::GlobalSet: {
      Entry v = pop();
      uint32_t vs = operand(v);
      begin(slot_count(v.type) == 2 ? &op::global_set2 : &op::global_set1);
      pair(vs, in.a);
      return {};
    }
    case Opcode::I32Const: push_const(ValType::I32, uint32_t(in.u64)); return {};
    case Opcode::I64Const: push_const(ValType::I64, in.u64); return {};
    case Opcode::F32Const: push_const(ValType::F32, uint32_t(in.u64)); return {};
    case Opcode::F64Const: push_const(ValType::F64, in.u64); return {};
    case Opcode::RefNull: push_const(ValType(in.a), 0); return {};
    case Opcode::RefIsNull: {
      Entry a = pop();
      uint32_t as = operand(a);
      Entry& r = push(ValType::I32);
      uint32_t at = begin(numeric_handlers(Opcode::I64Eqz)->unary);  // a reference is a pointer
      pair(r.home, as);
      set_result(at);
      compare_ = Compare{Opcode::I64Eqz, as};
      return {};
    }
    case Opcode::RefFunc: {
      Entry& r = push(ValType::FuncRef);
      uint32_t at = begin(&op::ref_func);
      pair(r.home, in.a);
      set_result(at);
      return {};
    }
    default: break;
  }
  return make_error(ErrorCode::Usage, "not a variable instruction");
}

namespace {

// The memory an instruction works on, when a select_memory bracket must
// point the handlers at it (handlers_memory.cc); memory.copy names two and
// has a handler of its own instead.
uint32_t bracketed_memory(const Instr& in) {
  switch (flint::info(in.op).imm) {
    case ImmKind::MemArg:
    case ImmKind::MemArgLane:
    case ImmKind::MemoryInit: return in.b;
    case ImmKind::Memory: return in.a;
    default: return 0;
  }
}

}  // namespace

Status FunctionTranslator::on_memory(const Instr& in,
                                     Status (FunctionTranslator::*emit)(const Instr&)) {
  const uint32_t m = bracketed_memory(in);
  if (m == 0) return (this->*emit)(in);  // memory 0: the handlers' own
  begin(&op::select_memory);
  pair(m, 0);
  FLINT_TRY((this->*emit)(in));
  // Back to memory 0. Coming after the instruction's result, this also keeps
  // the peepholes that rewrite the last instruction (they check that it
  // ends the code) away from it.
  begin(&op::select_memory);
  pair(0, 0);
  return {};
}

Status FunctionTranslator::memory(const Instr& in) {
  const OpcodeInfo& info = flint::info(in.op);
  if (info.imm == ImmKind::MemArg) {
    if (in.u64 > UINT32_MAX)  // validation bounds offsets of 32-bit memories
      return make_error(ErrorCode::Usage, "memory offset out of range");
    uint32_t offset = uint32_t(in.u64);
    SignatureTypes sig = signature_types(info.sig);
    if (sig.results.empty()) {
      Entry v = pop();
      Entry addr = pop();
      uint32_t as = operand(addr), vs = operand(v);
      begin(store_handler(in.op));
      pair(as, vs);
      pair(offset, 0);
      return {};
    }
    Entry addr = pop();
    uint32_t as = operand(addr);
    Entry& r = push(sig.results[0]);
    uint32_t at = begin(load_handler(in.op));
    pair(r.home, as);
    pair(offset, 0);
    set_result(at);
    return {};
  }
  switch (in.op) {
    case Opcode::MemorySize: {
      Entry& r = push(ValType::I32);
      uint32_t at = begin(&op::memory_size);
      pair(r.home, 0);
      set_result(at);
      return {};
    }
    case Opcode::MemoryGrow: {
      Entry d = pop();
      uint32_t ds = operand(d);
      Entry& r = push(ValType::I32);
      uint32_t at = begin(&op::memory_grow);
      pair(r.home, ds);
      set_result(at);
      return {};
    }
    case Opcode::MemoryFill:
    case Opcode::MemoryCopy:
    case Opcode::MemoryInit: {
      size_t first = stack_.size() - 3;
      materialize_from(first);
      uint32_t base = stack_[first].home;
      stack_.resize(first);
      if (in.op == Opcode::MemoryCopy && (in.a != 0 || in.b != 0)) {
        begin(&op::memory_copy_between);
        pair(base, 0);
        pair(in.a, in.b);
        return {};
      }
      begin(in.op == Opcode::MemoryFill   ? &op::memory_fill
            : in.op == Opcode::MemoryCopy ? &op::memory_copy
                                          : &op::memory_init);
      pair(base, in.op == Opcode::MemoryInit ? in.a : 0);
      return {};
    }
    case Opcode::DataDrop:
      begin(&op::data_drop);
      pair(in.a, 0);
      return {};
    default: break;
  }
  return make_error(ErrorCode::Usage, "not a memory instruction");
}

Status FunctionTranslator::table(const Instr& in) {
  switch (in.op) {
    case Opcode::TableGet: {
      Entry i = pop();
      uint32_t is = operand(i);
      Entry& r = push(mod_.table_type(in.a).element);
      uint32_t at = begin(&op::table_get);
      pair(r.home, is);
      pair(in.a, 0);
      set_result(at);
      return {};
    }
    case Opcode::TableSet: {
      Entry v = pop();
      Entry i = pop();
      uint32_t is = operand(i), vs = operand(v);
      begin(&op::table_set);
      pair(is, vs);
      pair(in.a, 0);
      return {};
    }
    case Opcode::TableSize: {
      Entry& r = push(ValType::I32);
      uint32_t at = begin(&op::table_size);
      pair(r.home, in.a);
      set_result(at);
      return {};
    }
    case Opcode::TableGrow: {
      size_t first = stack_.size() - 2;
      materialize_from(first);
      uint32_t base = stack_[first].home;
      stack_.resize(first);
      push(ValType::I32);
      begin(&op::table_grow);
      pair(base, in.a);
      return {};
    }
    case Opcode::TableFill:
    case Opcode::TableCopy:
    case Opcode::TableInit: {
      size_t first = stack_.size() - 3;
      materialize_from(first);
      uint32_t base = stack_[first].home;
      stack_.resize(first);
      if (in.op == Opcode::TableFill) {
        begin(&op::table_fill);
        pair(base, in.a);
      } else if (in.op == Opcode::TableCopy) {
        begin(&op::table_copy);
        pair(base, 0);
        pair(in.a, in.b);
      } else {
        begin(&op::table_init);
        pair(base, in.a);
        pair(in.b, 0);
      }
      return {};
    }
    case Opcode::ElemDrop:
      begin(&op::elem_drop);
      pair(in.a, 0);
      return {};
    default: break;
  }
  return make_error(ErrorCode::Usage, "not a table instruction");
}

Status FunctionTranslator::call(const Instr& in) {
  bool indirect = in.op == Opcode::CallIndirect;
  const FuncType& callee = indirect ? mod_.types[in.a] : mod_.function_type(in.a);
  uint32_t index_slot = 0;
  if (indirect) {
    Entry index = pop();
    index_slot = operand(index);
  }
  // The callee's frame starts at the first argument's home.
  size_t first = stack_.size() - callee.params.size();
  materialize_from(first);
  uint32_t frame = first < stack_.size() ? stack_[first].home : next_home();
  stack_.resize(first);
  // Inside a try_table, the variants that look for a catch clause when the
  // callee fails (handlers_exception.cc); elsewhere the plain handlers.
  const bool in_try = !open_tables_.empty();
  uint32_t at;
  if (indirect) {
    at = begin(in_try ? &op::call_indirect_eh : &op::call_indirect);
    pair(module_.type_id(in.a), in.b);
    pair(index_slot, frame);
  } else if (in.a >= mod_.imported_functions) {
    at = begin(in_try ? &op::call_direct_eh : &op::call_direct);
    Word w;
    w.ptr = &module_.function(in.a - mod_.imported_functions);
    code_.push_back(w);
    pair(frame, 0);
  } else {
    at = begin(in_try ? &op::call_import_eh : &op::call_import);
    pair(in.a, frame);
  }
  if (in_try) pair(uint32_t(catch_table_rel(at)), 0);
  for (ValType t : callee.results) push(t);
  return {};
}

}  // namespace flint::interp

// The translator's driver, abstract stack and control instructions
// (spec 3.3.8 typing of control instructions, mirrored to assign slots).
#include "interp/translator.h"

#include <fmt/format.h>

#include <algorithm>

#include "interp/handlers.h"
#include "module/opcode_cases.h"
#include "module/outermost_loops.h"

namespace flint::interp {

Status translate_function(const InterpModule& module, uint32_t defined_index,
                          const TranslateOptions& options, CompiledFunction& out) {
  return FunctionTranslator(module, defined_index, options, out).run();
}

FunctionTranslator::FunctionTranslator(const InterpModule& module, uint32_t defined_index,
                                       const TranslateOptions& options, CompiledFunction& out)
    : module_(module),
      mod_(module.module()),
      func_(mod_.functions[defined_index]),
      type_(mod_.types[func_.type_index]),
      options_(options),
      out_(out),
      code_(out.code) {}

Status FunctionTranslator::run() {
  uint32_t slot = 0;
  for (ValType t : type_.params) {
    local_types_.push_back(t);
    local_slots_.push_back(slot);
    slot += slot_count(t);
  }
  out_.param_slots = slot;
  for (ValType t : func_.locals) {
    local_types_.push_back(t);
    local_slots_.push_back(slot);
    slot += slot_count(t);
  }
  out_.local_slots = slot;
  for (ValType t : type_.results) out_.result_slots += slot_count(t);
  max_slots_ = std::max(slot, out_.result_slots);

  Control body{Opcode::End, 0, slot, {}, type_.results, 0, {}, std::nullopt, false};
  controls_.push_back(std::move(body));
  // Both at function entry, located at the function's first instruction.
  if (!func_.body.empty()) offset_ = func_.body.front().offset;
  if (options_.tier_up) {
    outermost_loops_ = outermost_loops(func_);
    begin(&op::tier_check);
    pair(out_.index, 0);
    Word w;
    w.ptr = options_.tier_up;
    code_.push_back(w);
  }
  if (options_.interruptible) begin(&op::check_interrupt);
  for (const Instr& in : func_.body) {
    if (done_)
      return make_error(ErrorCode::Usage,
                        fmt::format("code after the end of function {}", out_.index));
    offset_ = in.offset;
    last_producer_ = producer_;
    last_compare_ = compare_;
    producer_.reset();
    compare_.reset();
    FLINT_TRY(translate(in));
  }
  if (!done_)
    return make_error(ErrorCode::Usage, fmt::format("function {} has no end", out_.index));
  out_.frame_slots = max_slots_;
  thread_jumps();
  return {};
}

Status FunctionTranslator::translate(const Instr& in) {
  Control& c = controls_.back();
  if (c.unreachable) {
    // Dead code is not translated; only its block structure is followed.
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If:
      case Opcode::TryTable: ++dead_depth_; return {};
      case Opcode::Else:
        if (dead_depth_ > 0) return {};
        break;
      case Opcode::End:
        if (dead_depth_ > 0) {
          --dead_depth_;
          return {};
        }
        break;
      default: return {};
    }
  }
  FLINT_TRY(check_operands(in));
  // Every row named (-Werror=switch): tables, memory, vector rows and scalar
  // operators by the opcode table's columns (opcode_cases.h); the handler
  // tables they use name every row they leave out.
  switch (in.op) {
    case Opcode::Unreachable: unreachable(); return {};
    case Opcode::Nop: return {};
    case Opcode::Block: block(in); return {};
    case Opcode::Loop: loop(in); return {};
    case Opcode::If: if_then(in); return {};
    case Opcode::Else: else_arm(); return {};
    case Opcode::End: close_control(); return {};
    case Opcode::Br: br(in.a); return {};
    case Opcode::BrIf: br_if(in.a); return {};
    case Opcode::BrTable: br_table(in); return {};
    case Opcode::Return: ret(); return {};
    case Opcode::TryTable: try_table(in); return {};
    case Opcode::Throw: throw_(in); return {};
    case Opcode::ThrowRef: throw_ref(); return {};
    case Opcode::Drop: pop(); return {};
    case Opcode::Select:
    case Opcode::SelectTyped: select(); return {};
    case Opcode::Call:
    case Opcode::CallIndirect: return call(in);
    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee:
    case Opcode::GlobalGet:
    case Opcode::GlobalSet:
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const:
    case Opcode::RefNull:
    case Opcode::RefIsNull:
    case Opcode::RefFunc: return variable(in);
#define FLINT_OP FLINT_CASE_TABLE
#include "module/opcodes.def"
#undef FLINT_OP
      return table(in);
#define FLINT_OP FLINT_CASE_MEMORY_BULK
#include "module/opcodes.def"
#undef FLINT_OP
#define FLINT_OP FLINT_CASE_MEMORY_ACCESS
#include "module/opcodes.def"
#undef FLINT_OP
      return on_memory(in, &FunctionTranslator::memory);
#define FLINT_OP FLINT_CASE_VECTOR
#include "module/opcodes.def"
#undef FLINT_OP
      return on_memory(in, &FunctionTranslator::simd);
#define FLINT_OP FLINT_CASE_OPERATOR
#include "module/opcodes.def"
#undef FLINT_OP
      return numeric(in);
  }
  return make_error(ErrorCode::Usage, "not an opcode");
}

// ---- the abstract stack ----

uint32_t FunctionTranslator::next_home() const {
  if (stack_.empty()) return out_.local_slots;
  const Entry& top = stack_.back();
  return top.home + slot_count(top.type);
}

FunctionTranslator::Entry& FunctionTranslator::push(ValType t) {
  Entry e;
  e.type = t;
  e.home = next_home();
  max_slots_ = std::max(max_slots_, e.home + slot_count(t));
  stack_.push_back(e);
  return stack_.back();
}

void FunctionTranslator::push_local(ValType t, uint32_t slot) {
  Entry& e = push(t);
  e.where = Where::Local;
  e.local = slot;
}

void FunctionTranslator::push_const(ValType t, uint64_t lo, uint64_t hi) {
  Entry& e = push(t);
  e.where = Where::Const;
  e.lo = lo;
  e.hi = hi;
}

FunctionTranslator::Entry FunctionTranslator::pop() {
  Entry e = stack_.back();
  stack_.pop_back();
  return e;
}

void FunctionTranslator::store_to(uint32_t dst, const Entry& e) {
  bool wide = slot_count(e.type) == 2;
  switch (e.where) {
    case Where::Home:
    case Where::Local: {
      uint32_t src = e.where == Where::Home ? e.home : e.local;
      if (src == dst) return;
      begin(wide ? &op::copy2 : &op::copy1);
      pair(dst, src);
      return;
    }
    case Where::Const:
      if (wide) {
        begin(&op::const128);
        pair(dst, 0);
        imm(e.lo);
        imm(e.hi);
      } else {
        begin(&op::const64);
        pair(dst, 0);
        imm(e.lo);
      }
      return;
  }
}

void FunctionTranslator::materialize(Entry& e) {
  if (e.where == Where::Home) return;
  store_to(e.home, e);
  e.where = Where::Home;
}

void FunctionTranslator::materialize_from(size_t first) {
  for (size_t i = first; i < stack_.size(); ++i) materialize(stack_[i]);
}

void FunctionTranslator::materialize_local(uint32_t slot) {
  for (Entry& e : stack_)
    if (e.where == Where::Local && e.local == slot) materialize(e);
}

uint32_t FunctionTranslator::operand(Entry& e) {
  if (e.where == Where::Local) return e.local;
  materialize(e);
  return e.home;
}

// ---- code ----

uint32_t FunctionTranslator::begin(Handler h) {
  uint32_t at = uint32_t(code_.size());
  last_instr_ = at;
  Word w;
  w.handler = h;
  code_.push_back(w);
  if (out_.offsets.empty() || out_.offsets.back().second != offset_)
    out_.offsets.push_back({at, offset_});
  return at;
}

void FunctionTranslator::pair(uint32_t a, uint32_t b) {
  Word w;
  w.u32[0] = a;
  w.u32[1] = b;
  code_.push_back(w);
}

void FunctionTranslator::imm(uint64_t v) {
  Word w;
  w.u64 = v;
  code_.push_back(w);
}

void FunctionTranslator::set_result(uint32_t instr) {
  producer_ = Producer{instr, uint32_t(code_.size())};
}

void FunctionTranslator::bind(const Fixup& f, uint32_t to) {
  code_[f.word].i32[f.half] = int32_t(to) - int32_t(f.instr);
}

void FunctionTranslator::bind_here(const Fixup& f) {
  bind(f, uint32_t(code_.size()));
  label_here();
}

void FunctionTranslator::label_here() {
  // Code after a label is reached from elsewhere too: no peephole may span it.
  producer_.reset();
  compare_.reset();
  last_producer_.reset();
  last_compare_.reset();
}

// ---- branches ----

bool FunctionTranslator::needs_transfer(const Control& t) {
  const std::vector<ValType>& types = label_types(t);
  uint32_t dst = t.base;
  size_t first = stack_.size() - types.size();
  for (size_t i = 0; i < types.size(); ++i) {
    const Entry& e = stack_[first + i];
    if (e.where != Where::Home || e.home != dst) return true;
    dst += slot_count(types[i]);
  }
  return false;
}

void FunctionTranslator::transfer(const Control& t) {
  // A branch to the function's label is a return, and emit_return gathers
  // the values from where the stack entries say they are: moving them first
  // would overwrite a source it still reads (a value below the results).
  if (t.op == Opcode::End) return;
  // Sources sit at or above their destinations (the target is an enclosing
  // construct), so copying in ascending order never overwrites a source.
  const std::vector<ValType>& types = label_types(t);
  uint32_t dst = t.base;
  size_t first = stack_.size() - types.size();
  for (size_t i = 0; i < types.size(); ++i) {
    store_to(dst, stack_[first + i]);
    dst += slot_count(types[i]);
  }
}

void FunctionTranslator::target(Control& c, const Fixup& f) {
  if (c.op == Opcode::Loop)
    bind(f, c.loop_start);
  else
    c.end_fixups.push_back(f);
}

void FunctionTranslator::jump_to(Control& t) {
  if (t.op == Opcode::End) {  // the function body's label: return
    emit_return();
    return;
  }
  uint32_t previous = last_instr_;
  uint32_t at = begin(&op::br);
  pair(0, 0);
  target(t, Fixup{at, at + 1, 0});
  jumps_.push_back(Jump{at, previous});
}

void FunctionTranslator::thread_jumps() {
  // `br` and the return instructions are both two words, so a jump to the
  // function's return (the usual end of an `if` arm) becomes the return.
  // When the arm moved its result into the slot the return reads, the move
  // itself becomes a return of the result's source.
  for (const Jump& j : jumps_) {
    uint32_t to = uint32_t(int32_t(j.at) + code_[j.at + 1].i32[0]);
    if (to >= code_.size()) continue;
    Handler h = code_[to].handler;
    if (h != &op::ret0 && h != &op::ret1 && h != &op::retn) continue;
    code_[j.at] = code_[to];
    code_[j.at + 1] = code_[to + 1];
    if (h == &op::ret1 && j.previous + 2 == j.at && code_[j.previous].handler == &op::copy1 &&
        code_[j.previous + 1].u32[0] == code_[to + 1].u32[0]) {
      uint32_t source = code_[j.previous + 1].u32[1];
      code_[j.previous].handler = &op::ret1;
      code_[j.previous + 1].u32[0] = source;
      code_[j.previous + 1].u32[1] = 0;
    }
  }
}

FunctionTranslator::Fixup FunctionTranslator::branch_on(Entry& cond, bool when_true) {
  // Fuse with the comparison computed just before, dropping its code.
  if (last_compare_ && last_producer_ && last_producer_->end == code_.size() &&
      cond.where == Where::Home) {
    Compare c = *last_compare_;
    code_.resize(last_producer_->instr);
    while (!out_.offsets.empty() && out_.offsets.back().first >= code_.size())
      out_.offsets.pop_back();
    last_compare_.reset();
    last_producer_.reset();
    if (c.op == Opcode::I32Eqz || c.op == Opcode::I64Eqz) {
      uint32_t at = begin(eqz_branch(c.op == Opcode::I64Eqz, /*if_zero=*/when_true));
      pair(c.a, 0);
      return Fixup{at, at + 1, 1};
    }
    Opcode op = when_true ? c.op : negate_compare(c.op);
    uint32_t at = begin(compare_branch(op, c.b_imm));
    if (c.b_imm) {
      pair(c.a, 0);
      imm(c.imm);
      return Fixup{at, at + 1, 1};
    }
    pair(c.a, c.b);
    pair(0, 0);
    return Fixup{at, at + 2, 0};
  }
  uint32_t slot = operand(cond);
  uint32_t at = begin(eqz_branch(false, /*if_zero=*/!when_true));
  pair(slot, 0);
  return Fixup{at, at + 1, 1};
}

void FunctionTranslator::emit_return() {
  const std::vector<ValType>& results = type_.results;
  size_t first = stack_.size() - results.size();
  if (results.empty()) {
    begin(&op::ret0);
    pair(0, 0);  // two words like `br`, which jump threading may replace with it
    return;
  }
  if (results.size() == 1 && slot_count(results[0]) == 1) {
    Entry& e = stack_[first];
    if (e.where == Where::Const) {
      store_to(0, e);
      begin(&op::ret0);
      pair(0, 0);
      return;
    }
    begin(&op::ret1);
    pair(e.where == Where::Local ? e.local : e.home, 0);
    return;
  }
  // Several results: gather them in their homes, then move them down as one
  // run. The entries stay as they are: after a conditional return (br_if to
  // the function's label) the fall-through path still sees them deferred.
  for (size_t i = first; i < stack_.size(); ++i) store_to(stack_[i].home, stack_[i]);
  begin(&op::retn);
  pair(stack_[first].home, out_.result_slots);
}

void FunctionTranslator::set_unreachable() {
  Control& c = controls_.back();
  c.unreachable = true;
  stack_.resize(c.height);
}

std::pair<std::vector<ValType>, std::vector<ValType>> FunctionTranslator::block_type(
    const Instr& in) const {
  switch (BlockKind(in.a)) {
    case BlockKind::Empty: return {};
    case BlockKind::Value: return {{}, {ValType(in.b)}};
    case BlockKind::TypeIndex: {
      const FuncType& t = mod_.types[in.b];
      return {t.params, t.results};
    }
  }
  return {};
}

// ---- control instructions (spec 4.4.8), in the order of translate() ----

// Spec 4.4.8 unreachable: a trap; what follows in the block is dead.
void FunctionTranslator::unreachable() {
  begin(&op::unreachable);
  set_unreachable();
}

// Spec 4.4.8.1 block: a label at its end, the parameters in their homes.
void FunctionTranslator::block(const Instr& in) {
  materialize_from(0);
  open_control(in, std::nullopt);
}

// Spec 4.4.8.2 loop: a label at its start, where every iteration is charged
// fuel and checks the interruption flag.
void FunctionTranslator::loop(const Instr& in) {
  materialize_from(0);
  // A loop the compiled code can take over while it runs (on-stack
  // replacement, the loop entries of aot/abi.h): an outermost loop
  // (module/outermost_loops.h), nothing on the operand stack (so no loop
  // parameters either), no try_table around it. The compiler applies the
  // same rule; every local is in its slot here.
  bool enterable = stack_.empty() && open_tables_.empty() &&
                   std::binary_search(outermost_loops_.begin(), outermost_loops_.end(), in.offset);
  Control& c = open_control(in, std::nullopt);
  c.loop_start = uint32_t(code_.size());
  label_here();
  if (options_.tier_up) {
    if (enterable) {
      begin(&op::tier_loop);
      pair(in.offset, out_.index);
      pair(std::max(out_.local_slots, out_.result_slots), 0);
    } else {
      begin(&op::tier_count);
    }
    Word w;
    w.ptr = options_.tier_up;
    code_.push_back(w);
  }
  if (options_.loop_fuel) begin(&op::fuel);
  if (options_.interruptible) begin(&op::check_interrupt);
}

// Spec 4.4.8.3 if: a jump to the else arm (or the end) when the condition is
// zero, then the then arm.
void FunctionTranslator::if_then(const Instr& in) { open_control(in, else_jump()); }

// The jump of an `if` on a zero condition, the other entries already in their
// homes: fused with the comparison just before it where that is still the
// last code emitted.
FunctionTranslator::Fixup FunctionTranslator::else_jump() {
  Entry cond = pop();
  // The fused branch is emitted after the other entries are in their homes;
  // moving them writes no slot the comparison reads.
  bool fusable = last_compare_ && last_producer_ && last_producer_->end == code_.size();
  // A fused compare's result is in its home.
  uint32_t slot = fusable ? cond.home : operand(cond);
  materialize_from(0);
  // Re-check: materializing may have emitted code after the compare.
  if (fusable && last_producer_->end == code_.size()) return branch_on(cond, /*when_true=*/false);
  uint32_t at = begin(eqz_branch(false, true));
  pair(slot, 0);
  return Fixup{at, at + 1, 1};
}

// Opens the construct of a block, loop or if (spec 3.3.8 block types): its
// parameters are the top entries, its values go to the home of the first.
FunctionTranslator::Control& FunctionTranslator::open_control(const Instr& in,
                                                              std::optional<Fixup> else_fixup) {
  auto [params, results] = block_type(in);
  Control c{in.op,
            stack_.size() - params.size(),
            0,
            std::move(params),
            std::move(results),
            0,
            {},
            std::nullopt,
            false};
  c.base = c.params.empty() ? next_home() : stack_[c.height].home;
  c.else_fixup = else_fixup;
  controls_.push_back(std::move(c));
  return controls_.back();
}

// Spec 4.4.8.3 else: the then arm jumps to the end; the else arm starts with
// the construct's parameters again.
void FunctionTranslator::else_arm() {
  Control& c = controls_.back();
  if (!c.unreachable) {
    materialize_from(c.height);
    uint32_t previous = last_instr_;
    uint32_t at = begin(&op::br);
    pair(0, 0);
    c.end_fixups.push_back(Fixup{at, at + 1, 0});
    jumps_.push_back(Jump{at, previous});
  }
  if (c.else_fixup) bind_here(*c.else_fixup);
  c.else_fixup.reset();
  label_here();
  stack_.resize(c.height);
  for (ValType t : c.params) push(t);
  c.unreachable = false;
}

// Spec 4.4.8 end: the construct's label binds its branches, its results are
// the stack's top; the function body's end returns.
void FunctionTranslator::close_control() {
  Control& c = controls_.back();
  if (c.op == Opcode::End) {
    if (!c.unreachable) emit_return();
    done_ = true;
    return;
  }
  if (!c.unreachable) materialize_from(c.height);
  // An `if` without `else` passes its parameters through as results.
  if (c.else_fixup) bind_here(*c.else_fixup);
  for (const Fixup& f : c.end_fixups) bind(f, uint32_t(code_.size()));
  if (!c.end_fixups.empty()) label_here();
  if (c.op == Opcode::TryTable) open_tables_.pop_back();
  size_t height = c.height;
  std::vector<ValType> results = std::move(c.results);
  controls_.pop_back();
  stack_.resize(height);
  for (ValType t : results) push(t);
}

// Spec 4.4.8.6 br: the label's values moved to its homes, then a jump.
void FunctionTranslator::br(uint32_t depth) {
  Control& t = label(depth);
  transfer(t);
  jump_to(t);
  set_unreachable();
}

// Spec 4.4.8.7 br_if: a conditional jump straight to the label when no value
// moves, else one skipping the moves and the jump.
void FunctionTranslator::br_if(uint32_t depth) {
  Entry cond = pop();
  Control& t = label(depth);
  if (t.op != Opcode::End && !needs_transfer(t)) {
    target(t, branch_on(cond, /*when_true=*/true));
    return;
  }
  // Values to move first: skip over the moves when the branch is not taken.
  Fixup skip = branch_on(cond, /*when_true=*/false);
  transfer(t);
  jump_to(t);
  bind_here(skip);
}

// Spec 4.4.8.8 br_table: a table of offsets, straight to each label that
// needs no value moved, else to a stub moving them and jumping.
void FunctionTranslator::br_table(const Instr& in) {
  Entry index = pop();
  uint32_t index_slot = operand(index);
  uint32_t count = in.b;
  uint32_t at = begin(&op::br_table);
  pair(index_slot, count);
  for (uint32_t i = 0; i < count; i += 2) pair(0, 0);
  std::vector<uint32_t> stubs;  // targets needing value moves or a return
  for (uint32_t i = 0; i < count; ++i) {
    Control& t = label(func_.br_table_targets[in.a + i]);
    if (t.op != Opcode::End && !needs_transfer(t))
      target(t, Fixup{at, at + 1 + 1 + i / 2, uint8_t(i % 2)});
    else
      stubs.push_back(i);
  }
  for (uint32_t i : stubs) {
    Control& t = label(func_.br_table_targets[in.a + i]);
    bind(Fixup{at, at + 2 + i / 2, uint8_t(i % 2)}, uint32_t(code_.size()));
    transfer(t);
    jump_to(t);
  }
  set_unreachable();
}

// Spec 4.4.8.9 return: the function's results returned; what follows is dead.
void FunctionTranslator::ret() {
  emit_return();
  set_unreachable();
}

// Spec 4.4.4 select: one of two values by a condition, one- or two-slot.
void FunctionTranslator::select() {
  Entry cond = pop();
  Entry b = pop();
  Entry a = pop();
  uint32_t cs = operand(cond), bs = operand(b), as = operand(a);
  bool wide = slot_count(a.type) == 2;
  Entry& r = push(a.type);
  uint32_t at = begin(wide ? &op::select2 : &op::select1);
  pair(r.home, cs);
  pair(as, bs);
  set_result(at);
}

}  // namespace flint::interp

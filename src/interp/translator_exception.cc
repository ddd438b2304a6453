// Translation of the exception-handling instructions (wasm 3.0, spec 4.4.8
// try_table, throw, throw_ref) into the catch tables and handlers described
// in handlers_exception.cc.
#include "interp/handlers.h"
#include "interp/translator.h"

namespace flint::interp {

// try_table: a block whose catch table is written in the code here. Each
// clause's label is resolved outside the try_table, as
// validation does; its values go where a branch to it would put them.
void FunctionTranslator::try_table(const Instr& in) {
  materialize_from(0);
  const std::vector<CatchClause> clauses = func_.catches(in);
  const uint32_t table = begin(&op::catch_table);
  const int32_t parent = open_tables_.empty() ? 0 : int32_t(open_tables_.back()) - int32_t(table);
  pair(uint32_t(parent), uint32_t(clauses.size()));
  for (const CatchClause& c : clauses) {
    Control& t = label(c.label);
    const bool returns = t.op == Opcode::End;
    pair(uint32_t(c.kind) | (returns ? 0x80 : 0), c.tag);
    const uint32_t word = uint32_t(code_.size());
    pair(returns ? 0 : t.base, 0);
    if (!returns) target(t, Fixup{table, word, 1});
  }
  label_here();
  open_control(in, std::nullopt);
  open_tables_.push_back(table);
}

// throw x: the payload (the tag's parameters) in consecutive homes.
void FunctionTranslator::throw_(const Instr& in) {
  const FuncType& tag = mod_.types[mod_.tag_type_index(in.a)];
  size_t first = stack_.size() - tag.params.size();
  materialize_from(first);
  uint32_t payload = first < stack_.size() ? stack_[first].home : next_home();
  uint32_t at = begin(&op::throw_);
  pair(in.a, payload);
  pair(uint32_t(catch_table_rel(at)), 0);
  set_unreachable();
}

void FunctionTranslator::throw_ref() {
  Entry exn = pop();
  uint32_t slot = operand(exn);
  uint32_t at = begin(&op::throw_ref);
  pair(slot, 0);
  pair(uint32_t(catch_table_rel(at)), 0);
  set_unreachable();
}

}  // namespace flint::interp

// Validation of one function body (spec 3.3 "Instructions", 3.4.1
// "Functions") with the algorithm of spec appendix A.3. Instructions whose
// typing is fixed are checked from the opcode table's Signature column; the
// `Special` rows each have a small rule, grouped by family in rules_*.cc.
#pragma once

#include <cstdint>

#include "flint/result.h"
#include "module/module.h"
#include "valid/module_context.h"
#include "valid/type_stack.h"

namespace flint::valid {

class FunctionValidator {
 public:
  /// `func_index` is the function's index in the function index space; its
  /// type must already be known to exist.
  FunctionValidator(const ModuleContext& context, uint32_t func_index, const Function& function,
                    const FuncType& type);

  /// Checks the whole body. Errors carry the instruction's offset and the
  /// function index.
  Status validate();

  /// The rule of one `Special` opcode.
  using Rule = Status (FunctionValidator::*)(const Instr&);

  // ---- control (rules_control.cc), spec 3.3.8 ----
  Status on_unreachable(const Instr&);
  Status on_nop(const Instr&);
  Status on_block(const Instr&);  // block and loop
  Status on_if(const Instr&);
  Status on_else(const Instr&);
  Status on_end(const Instr&);
  Status on_br(const Instr&);
  Status on_br_if(const Instr&);
  Status on_br_table(const Instr&);
  Status on_return(const Instr&);
  Status on_call(const Instr&);
  Status on_call_indirect(const Instr&);
  Status on_throw(const Instr&);
  Status on_throw_ref(const Instr&);
  Status on_try_table(const Instr&);

  // ---- parametric, variable and reference (rules_variable.cc), spec 3.3.2-3.3.5 ----
  Status on_drop(const Instr&);
  Status on_select(const Instr&);
  Status on_select_typed(const Instr&);
  Status on_local_get(const Instr&);
  Status on_local_set(const Instr&);
  Status on_local_tee(const Instr&);
  Status on_global_get(const Instr&);
  Status on_global_set(const Instr&);
  Status on_ref_null(const Instr&);
  Status on_ref_is_null(const Instr&);
  Status on_ref_func(const Instr&);

  // ---- table and segment (rules_table.cc), spec 3.3.6-3.3.7 ----
  Status on_table_get(const Instr&);
  Status on_table_set(const Instr&);
  Status on_table_size(const Instr&);
  Status on_table_grow(const Instr&);
  Status on_table_fill(const Instr&);
  Status on_table_copy(const Instr&);
  Status on_table_init(const Instr&);
  Status on_elem_drop(const Instr&);
  Status on_data_drop(const Instr&);

 private:
  Status check(const Instr& in);
  /// Index and alignment checks on immediates that fixed-signature
  /// instructions carry (memory arguments, lanes, data segments).
  Status check_immediates(const Instr& in, const OpcodeInfo& info);
  Status apply_signature(Signature signature);

  Result<BlockSignature> block_signature(const Instr& in) const;
  Result<ValType> local_type(uint32_t index) const;
  /// The frame a branch to `depth` targets ("unknown label" when absent).
  Result<const ControlFrame*> label(uint32_t depth) const;

  const ModuleContext& context_;
  uint32_t func_index_;
  const Function& function_;
  const FuncType& type_;
  TypeStack stack_;
};

}  // namespace flint::valid

// Typing rules of the table instructions (spec 3.3.6) and of the segment
// instructions that have no fixed signature (elem.drop, data.drop; 3.3.7).
#include <fmt/format.h>

#include "valid/function_validator.h"

namespace flint::valid {

namespace {
Error element_mismatch(ValType into, ValType from) {
  return make_error(ErrorCode::TypeMismatch, fmt::format("cannot copy {} elements into a {} table",
                                                         to_string(from), to_string(into)));
}
}  // namespace

Status FunctionValidator::on_table_get(const Instr& in) {
  FLINT_ASSIGN(TableType table, context_.table(in.a));
  FLINT_TRY(stack_.pop(ValType::I32));
  stack_.push(table.element);
  return {};
}

Status FunctionValidator::on_table_set(const Instr& in) {
  FLINT_ASSIGN(TableType table, context_.table(in.a));
  FLINT_TRY(stack_.pop(table.element));
  FLINT_TRY(stack_.pop(ValType::I32));
  return {};
}

Status FunctionValidator::on_table_size(const Instr& in) {
  FLINT_TRY(context_.table(in.a));
  stack_.push(ValType::I32);
  return {};
}

// table.grow: [init n] -> [old size or -1]
Status FunctionValidator::on_table_grow(const Instr& in) {
  FLINT_ASSIGN(TableType table, context_.table(in.a));
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_TRY(stack_.pop(table.element));
  stack_.push(ValType::I32);
  return {};
}

// table.fill: [offset value n] -> []
Status FunctionValidator::on_table_fill(const Instr& in) {
  FLINT_ASSIGN(TableType table, context_.table(in.a));
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_TRY(stack_.pop(table.element));
  FLINT_TRY(stack_.pop(ValType::I32));
  return {};
}

Status FunctionValidator::on_table_copy(const Instr& in) {
  FLINT_ASSIGN(TableType destination, context_.table(in.a));
  FLINT_ASSIGN(TableType source, context_.table(in.b));
  if (destination.element != source.element)
    return element_mismatch(destination.element, source.element);
  const ValType operands[] = {ValType::I32, ValType::I32, ValType::I32};
  return stack_.pop(operands);
}

Status FunctionValidator::on_table_init(const Instr& in) {
  FLINT_ASSIGN(TableType table, context_.table(in.b));
  FLINT_ASSIGN(ValType segment, context_.elem(in.a));
  if (table.element != segment) return element_mismatch(table.element, segment);
  const ValType operands[] = {ValType::I32, ValType::I32, ValType::I32};
  return stack_.pop(operands);
}

Status FunctionValidator::on_elem_drop(const Instr& in) {
  FLINT_TRY(context_.elem(in.a));
  return {};
}

Status FunctionValidator::on_data_drop(const Instr& in) { return context_.data(in.a); }

}  // namespace flint::valid

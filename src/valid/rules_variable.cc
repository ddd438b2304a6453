// Typing rules of the parametric (spec 3.3.4), variable (3.3.5) and
// reference (3.3.2) instructions.
#include <fmt/format.h>

#include "valid/function_validator.h"

namespace flint::valid {

namespace {
// The appendix's is_num/is_vec, for which Unknown qualifies.
bool selectable_without_type(ValType t) { return t == kUnknown || !is_reference(t); }
}  // namespace

Status FunctionValidator::on_drop(const Instr&) {
  FLINT_TRY(stack_.pop());
  return {};
}

// Untyped select only chooses between numbers or vectors; references need the
// typed form, since a validator must know the type without look-ahead.
Status FunctionValidator::on_select(const Instr&) {
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_ASSIGN(ValType t1, stack_.pop());
  FLINT_ASSIGN(ValType t2, stack_.pop());
  if (!selectable_without_type(t1) || !selectable_without_type(t2)) {
    return make_error(ErrorCode::TypeMismatch,
                      "select without a type needs numeric or vector operands");
  }
  if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) {
    return make_error(ErrorCode::TypeMismatch, fmt::format("select operands {} and {} differ",
                                                           to_string(t2), to_string(t1)));
  }
  stack_.push(t1 == kUnknown ? t2 : t1);
  return {};
}

// select t*: WebAssembly 2.0 allows exactly one type.
Status FunctionValidator::on_select_typed(const Instr& in) {
  if (in.a != 1) {
    return make_error(ErrorCode::InvalidResultArity,
                      fmt::format("select takes one type, found {}", in.a));
  }
  ValType t = static_cast<ValType>(in.b);
  if (!is_value_type(t)) return make_error(ErrorCode::MalformedValueType, "select type");
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_TRY(stack_.pop(t));
  FLINT_TRY(stack_.pop(t));
  stack_.push(t);
  return {};
}

Status FunctionValidator::on_local_get(const Instr& in) {
  FLINT_ASSIGN(ValType t, local_type(in.a));
  stack_.push(t);
  return {};
}

Status FunctionValidator::on_local_set(const Instr& in) {
  FLINT_ASSIGN(ValType t, local_type(in.a));
  FLINT_TRY(stack_.pop(t));
  return {};
}

Status FunctionValidator::on_local_tee(const Instr& in) {
  FLINT_ASSIGN(ValType t, local_type(in.a));
  FLINT_TRY(stack_.pop(t));
  stack_.push(t);
  return {};
}

Status FunctionValidator::on_global_get(const Instr& in) {
  FLINT_ASSIGN(GlobalType g, context_.global(in.a));
  stack_.push(g.type);
  return {};
}

Status FunctionValidator::on_global_set(const Instr& in) {
  FLINT_ASSIGN(GlobalType g, context_.global(in.a));
  if (!g.is_mutable)
    return make_error(ErrorCode::GlobalIsImmutable, fmt::format("global.set of global {}", in.a));
  FLINT_TRY(stack_.pop(g.type));
  return {};
}

Status FunctionValidator::on_ref_null(const Instr& in) {
  ValType t = static_cast<ValType>(in.a);
  if (!is_reference(t)) return make_error(ErrorCode::MalformedReferenceType);
  stack_.push(t);
  return {};
}

Status FunctionValidator::on_ref_is_null(const Instr&) {
  FLINT_ASSIGN(ValType t, stack_.pop());
  if (t != kUnknown && !is_reference(t)) {
    return make_error(ErrorCode::TypeMismatch,
                      fmt::format("ref.is_null needs a reference, found {}", to_string(t)));
  }
  stack_.push(ValType::I32);
  return {};
}

// ref.func x in a body needs x declared outside bodies (spec 3.3.2, C.refs),
// so that engines know up front which functions may become references.
Status FunctionValidator::on_ref_func(const Instr& in) {
  FLINT_TRY(context_.function_type(in.a));
  if (!context_.is_declared_reference(in.a))
    return make_error(ErrorCode::UndeclaredFunctionReference, std::to_string(in.a));
  stack_.push(ValType::FuncRef);
  return {};
}

}  // namespace flint::valid

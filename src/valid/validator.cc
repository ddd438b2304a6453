// Module validation (spec 3.4 "Modules"). The checks run in the order of the
// reference interpreter, so a module with several faults reports the one the
// spec test suite expects: imports, function types, globals, tables,
// memories, element and data segments, function bodies, start, exports, and
// last the number of memories.
#include "valid/validator.h"

#include <fmt/format.h>

#include <string_view>
#include <unordered_set>

#include "valid/const_expr.h"
#include "valid/function_validator.h"
#include "valid/module_context.h"

namespace flint {

namespace {

using valid::ModuleContext;
using valid::validate_const_expr;

// Spec 3.2.1 "Limits": both bounds within `range`, and min <= max.
Status check_limits(const Limits& limits, uint64_t range, ErrorCode too_large) {
  if (limits.min > range) return make_error(too_large, fmt::format("minimum {}", limits.min));
  if (limits.max) {
    if (*limits.max > range) return make_error(too_large, fmt::format("maximum {}", *limits.max));
    if (limits.min > *limits.max) return make_error(ErrorCode::SizeMinimumGreaterThanMaximum);
  }
  return {};
}

Status check_table_type(const TableType& t) {
  return check_limits(t.limits, 0xFFFF'FFFFu, ErrorCode::TableSizeTooLarge);
}

// Spec 3.2.4 "Memory Types"; the threads proposal adds that a shared
// memory has a maximum, since it may never move to grow past a reservation.
Status check_memory_type(const MemoryType& m) {
  FLINT_TRY(check_limits(m.limits, kMaxPages32, ErrorCode::MemorySizeTooLarge));
  if (m.shared && !m.limits.max) return make_error(ErrorCode::SharedMemoryWithoutMaximum);
  return {};
}

// Spec appendix A.2 lets an implementation bound a function type's arity.
// Flint takes the JS API's limits, which every browser enforces: without a
// bound, a block of a type with n params and results costs O(n) to check, so
// a few bytes of body could claim quadratic time.
constexpr size_t kMaxParams = 1000;
constexpr size_t kMaxResults = 1000;

Status check_types(const Module& module) {
  for (size_t i = 0; i < module.types.size(); ++i) {
    const FuncType& t = module.types[i];
    if (t.params.size() > kMaxParams || t.results.size() > kMaxResults) {
      return make_error(ErrorCode::ImplementationLimit,
                        fmt::format("type {} has {} params and {} results, at most {} and {}", i,
                                    t.params.size(), t.results.size(), kMaxParams, kMaxResults));
    }
  }
  return {};
}

// Exception handling, "Tags": a tag's type is a function type with no results.
Status check_tag_type(const ModuleContext& context, uint32_t type_index) {
  FLINT_ASSIGN(const FuncType* type, context.type(type_index));
  if (!type->results.empty()) return make_error(ErrorCode::NonEmptyTagResult, to_string(*type));
  return {};
}

Status check_imports(const ModuleContext& context) {
  for (const Import& imp : context.module().imports) {
    switch (imp.kind) {
      case ExternKind::Func: FLINT_TRY(context.type(imp.func_type)); break;
      case ExternKind::Table: FLINT_TRY(check_table_type(imp.table)); break;
      case ExternKind::Memory: FLINT_TRY(check_memory_type(imp.memory)); break;
      case ExternKind::Global: break;
      case ExternKind::Tag: FLINT_TRY(check_tag_type(context, imp.tag_type)); break;
    }
  }
  return {};
}

// Spec 3.4.6 "Element Segments": items of the segment's type; an active
// segment's offset is an i32 and its table holds the same reference type.
Status check_element_segment(const ModuleContext& context, const ElemSegment& seg) {
  if (!is_reference(seg.type)) return make_error(ErrorCode::MalformedReferenceType);
  for (const ConstExpr& item : seg.items) FLINT_TRY(validate_const_expr(context, item, seg.type));
  if (seg.mode != SegmentMode::Active) return {};
  FLINT_ASSIGN(TableType table, context.table(seg.table));
  FLINT_TRY(validate_const_expr(context, seg.offset, ValType::I32));
  if (table.element != seg.type) {
    return make_error(
        ErrorCode::TypeMismatch,
        fmt::format("{} segment for a {} table", to_string(seg.type), to_string(table.element)));
  }
  return {};
}

// Spec 3.4.7 "Data Segments".
Status check_data_segment(const ModuleContext& context, const DataSegment& seg) {
  if (seg.mode != SegmentMode::Active) return {};
  FLINT_TRY(context.memory(seg.memory));
  return validate_const_expr(context, seg.offset, ValType::I32);
}

// Spec 3.4.1: each defined function names an existing type.
Status check_function_types(const ModuleContext& context) {
  const Module& m = context.module();
  for (size_t i = 0; i < m.functions.size(); ++i) {
    Result<const FuncType*> type = context.type(m.functions[i].type_index);
    if (!type.ok()) {
      Error e = std::move(type).error();
      e.function = m.imported_functions + uint32_t(i);
      return e;
    }
  }
  return {};
}

Status check_functions(const ModuleContext& context) {
  const Module& m = context.module();
  for (size_t i = 0; i < m.functions.size(); ++i) {
    const Function& f = m.functions[i];
    uint32_t index = m.imported_functions + uint32_t(i);
    FLINT_ASSIGN(const FuncType* type, context.type(f.type_index));  // checked before
    FLINT_TRY(valid::FunctionValidator(context, index, f, *type).validate());
  }
  return {};
}

// Spec 3.4.8 "Start Function": [] -> [].
Status check_start(const ModuleContext& context, uint32_t start) {
  FLINT_ASSIGN(const FuncType* type, context.function_type(start));
  if (!type->params.empty() || !type->results.empty())
    return make_error(ErrorCode::StartFunctionType, to_string(*type));
  return {};
}

// Spec 3.4.9 "Exports" and 3.4.10: indices exist, names are distinct.
Status check_exports(const ModuleContext& context) {
  std::unordered_set<std::string_view> names;
  for (const Export& e : context.module().exports) {
    switch (e.kind) {
      case ExternKind::Func: FLINT_TRY(context.function_type(e.index)); break;
      case ExternKind::Table: FLINT_TRY(context.table(e.index)); break;
      case ExternKind::Memory: FLINT_TRY(context.memory(e.index)); break;
      case ExternKind::Global: FLINT_TRY(context.global(e.index)); break;
      case ExternKind::Tag: FLINT_TRY(context.tag(e.index)); break;
    }
    if (!names.insert(e.name).second)
      return make_error(ErrorCode::DuplicateExportName, fmt::format("\"{}\"", e.name));
  }
  return {};
}

}  // namespace

Status validate(const Module& module, const Features& features) {
  ModuleContext context(module);
  FLINT_TRY(check_types(module));
  FLINT_TRY(check_imports(context));
  FLINT_TRY(check_function_types(context));
  for (const Global& g : module.globals)
    FLINT_TRY(validate_const_expr(context, g.init, g.type.type));
  for (const TableType& t : module.tables) FLINT_TRY(check_table_type(t));
  for (const MemoryType& m : module.memories) FLINT_TRY(check_memory_type(m));
  for (uint32_t type_index : module.tags) FLINT_TRY(check_tag_type(context, type_index));
  for (const ElemSegment& seg : module.elements) FLINT_TRY(check_element_segment(context, seg));
  for (const DataSegment& seg : module.data) FLINT_TRY(check_data_segment(context, seg));
  FLINT_TRY(check_functions(context));
  if (module.start) FLINT_TRY(check_start(context, *module.start));
  FLINT_TRY(check_exports(context));
  // WebAssembly 2.0 allows many tables but at most one memory (spec 3.4.10);
  // multi-memory lifts the limit.
  if (!features.multi_memory && module.memory_count() > 1)
    return make_error(ErrorCode::MultipleMemories);
  return {};
}

}  // namespace flint

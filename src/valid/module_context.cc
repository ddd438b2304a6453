#include "valid/module_context.h"

#include <string>

namespace flint::valid {

namespace {

Error unknown(ErrorCode code, uint32_t index) { return make_error(code, std::to_string(index)); }

// Records every function a constant expression names with ref.func.
void declare_references(const ConstExpr& expr, std::vector<bool>& declared) {
  for (const Instr& in : expr.instrs)
    if (in.op == Opcode::RefFunc && in.a < declared.size()) declared[in.a] = true;
}

}  // namespace

ModuleContext::ModuleContext(const Module& module) : module_(module) {
  for (const Import& imp : module.imports) {
    switch (imp.kind) {
      case ExternKind::Func: function_types_.push_back(imp.func_type); break;
      case ExternKind::Table: tables_.push_back(imp.table); break;
      case ExternKind::Memory: memories_.push_back(imp.memory); break;
      case ExternKind::Global: globals_.push_back(imp.global); break;
      case ExternKind::Tag: tag_types_.push_back(imp.tag_type); break;
    }
  }
  for (const Function& f : module.functions) function_types_.push_back(f.type_index);
  tables_.insert(tables_.end(), module.tables.begin(), module.tables.end());
  memories_.insert(memories_.end(), module.memories.begin(), module.memories.end());
  for (const Global& g : module.globals) globals_.push_back(g.type);
  tag_types_.insert(tag_types_.end(), module.tags.begin(), module.tags.end());

  // C.refs (spec 3.4.10): function indices in globals, element segments,
  // data segments and exports; bodies and the start function do not count.
  declared_.assign(function_types_.size(), false);
  for (const Global& g : module.globals) declare_references(g.init, declared_);
  for (const ElemSegment& seg : module.elements) {
    declare_references(seg.offset, declared_);
    for (const ConstExpr& item : seg.items) declare_references(item, declared_);
  }
  for (const DataSegment& seg : module.data) declare_references(seg.offset, declared_);
  for (const Export& e : module.exports)
    if (e.kind == ExternKind::Func && e.index < declared_.size()) declared_[e.index] = true;

  // The data count section, when present, is what instructions are checked
  // against (spec 5.5.16); it must agree with the data section anyway.
  data_count_ = module.data_count.value_or(uint32_t(module.data.size()));
}

Result<const FuncType*> ModuleContext::type(uint32_t index) const {
  if (index >= module_.types.size()) return unknown(ErrorCode::UnknownType, index);
  return &module_.types[index];
}

Result<const FuncType*> ModuleContext::function_type(uint32_t func) const {
  if (func >= function_types_.size()) return unknown(ErrorCode::UnknownFunction, func);
  return type(function_types_[func]);
}

Result<TableType> ModuleContext::table(uint32_t index) const {
  if (index >= tables_.size()) return unknown(ErrorCode::UnknownTable, index);
  return tables_[index];
}

Result<MemoryType> ModuleContext::memory(uint32_t index) const {
  if (index >= memories_.size()) return unknown(ErrorCode::UnknownMemory, index);
  return memories_[index];
}

Result<GlobalType> ModuleContext::global(uint32_t index) const {
  if (index >= globals_.size()) return unknown(ErrorCode::UnknownGlobal, index);
  return globals_[index];
}

Result<const FuncType*> ModuleContext::tag(uint32_t index) const {
  if (index >= tag_types_.size()) return unknown(ErrorCode::UnknownTag, index);
  return type(tag_types_[index]);
}

Result<ValType> ModuleContext::elem(uint32_t index) const {
  if (index >= module_.elements.size()) return unknown(ErrorCode::UnknownElemSegment, index);
  return module_.elements[index].type;
}

Status ModuleContext::data(uint32_t index) const {
  if (index >= data_count_) return unknown(ErrorCode::UnknownDataSegment, index);
  return {};
}

}  // namespace flint::valid

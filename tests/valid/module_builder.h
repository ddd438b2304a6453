// Builds Module IR by hand for validator tests, without a decoder: each
// instruction gets its position in the function as its byte offset, so tests
// can check where an error points.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "module/module.h"

namespace flint::test {

/// An instruction with immediates a and b (see Instr for their meaning).
inline Instr op(Opcode o, uint32_t a = 0, uint32_t b = 0) {
  Instr in;
  in.op = o;
  in.a = a;
  in.b = b;
  return in;
}
inline Instr i32_const(uint32_t v = 0) {
  Instr in = op(Opcode::I32Const);
  in.u64 = v;
  return in;
}
inline Instr i64_const(uint64_t v = 0) {
  Instr in = op(Opcode::I64Const);
  in.u64 = v;
  return in;
}
inline Instr f32_const() { return op(Opcode::F32Const); }
inline Instr f64_const() { return op(Opcode::F64Const); }
inline Instr block(Opcode o, ValType result) {
  return op(o, uint32_t(BlockKind::Value), uint32_t(result));
}
inline Instr block_empty(Opcode o) { return op(o, uint32_t(BlockKind::Empty)); }
inline Instr block_type(Opcode o, uint32_t type) {
  return op(o, uint32_t(BlockKind::TypeIndex), type);
}
inline Instr end() { return op(Opcode::End); }
inline Instr ref_null(ValType t) { return op(Opcode::RefNull, uint32_t(t)); }
/// A load or store: alignment exponent, memory 0, offset 0.
inline Instr mem(Opcode o, uint32_t align) { return op(o, align, 0); }

class ModuleBuilder {
 public:
  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    m_.types.push_back(FuncType{std::move(params), std::move(results)});
    return uint32_t(m_.types.size() - 1);
  }

  /// Adds a function; its body gets the final `end` appended and the
  /// instructions are numbered 0, 1, 2, ... as their offsets.
  uint32_t function(uint32_t type_index, std::vector<Instr> body, std::vector<ValType> locals = {},
                    std::vector<uint32_t> br_targets = {}) {
    Function f;
    f.type_index = type_index;
    f.locals = std::move(locals);
    f.body = std::move(body);
    f.body.push_back(end());
    for (size_t i = 0; i < f.body.size(); ++i) f.body[i].offset = uint32_t(i);
    f.br_table_targets = std::move(br_targets);
    m_.functions.push_back(std::move(f));
    return m_.imported_functions + uint32_t(m_.functions.size() - 1);
  }

  /// Adds `[] -> results` and a function of that type with `body`.
  uint32_t func(std::vector<ValType> results, std::vector<Instr> body,
                std::vector<ValType> locals = {}) {
    return function(type({}, std::move(results)), std::move(body), std::move(locals));
  }

  void import_function(uint32_t type_index) {
    Import imp = named_import("f", ExternKind::Func);
    imp.func_type = type_index;
    m_.imports.push_back(imp);
    ++m_.imported_functions;
  }
  void import_global(ValType t, bool is_mutable) {
    Import imp = named_import("g", ExternKind::Global);
    imp.global = GlobalType{t, is_mutable};
    m_.imports.push_back(imp);
    ++m_.imported_globals;
  }
  void import_memory(uint64_t min) {
    Import imp = named_import("mem", ExternKind::Memory);
    imp.memory.limits.min = min;
    m_.imports.push_back(imp);
    ++m_.imported_memories;
  }

  void memory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m_.memories.push_back(MemoryType{Limits{min, max}});
  }
  void table(ValType element, uint64_t min = 1, std::optional<uint64_t> max = std::nullopt) {
    m_.tables.push_back(TableType{element, Limits{min, max}});
  }
  void global(ValType t, bool is_mutable, std::vector<Instr> init) {
    m_.globals.push_back(Global{GlobalType{t, is_mutable}, ConstExpr{std::move(init)}});
  }
  void export_(std::string name, ExternKind kind, uint32_t index) {
    m_.exports.push_back(Export{std::move(name), kind, index});
  }
  /// A segment of `ref.func` items, declarative unless a table is given.
  void elem_funcs(std::vector<uint32_t> funcs, std::optional<uint32_t> table = std::nullopt,
                  ValType type = ValType::FuncRef) {
    ElemSegment seg;
    seg.type = type;
    seg.mode = table ? SegmentMode::Active : SegmentMode::Declarative;
    if (table) {
      seg.table = *table;
      seg.offset.instrs = {i32_const(0), end()};
    }
    for (uint32_t f : funcs) seg.items.push_back(ConstExpr{{op(Opcode::RefFunc, f), end()}});
    m_.elements.push_back(std::move(seg));
  }
  void passive_data(size_t count = 1) {
    for (size_t i = 0; i < count; ++i) m_.data.push_back(DataSegment{});
    m_.data_count = uint32_t(m_.data.size());
  }

  Module& module() { return m_; }

 private:
  Import named_import(const std::string& prefix, ExternKind kind) {
    Import imp;
    imp.module = "m";
    imp.name = prefix + std::to_string(m_.imports.size());
    imp.kind = kind;
    return imp;
  }

  Module m_;
};

}  // namespace flint::test

// Module instantiation (spec 4.5.4 "Instantiation"): import checks, then
// allocation of functions, tables, memories and globals, exports, element and
// data segments applied in order, and the start function.
#include <fmt/format.h>

#include <cstring>

#include "runtime/engine.h"
#include "runtime/host_call.h"
#include "runtime/memory_image.h"
#include "runtime/store_state.h"

namespace flint {

namespace {

// Import subtyping of limits (spec 4.5.2 "Limits"): the actual size is at
// least the declared minimum, and if a maximum is declared the actual one
// exists and is no larger.
bool limits_match(const Limits& actual, const Limits& declared) {
  if (actual.min < declared.min) return false;
  if (!declared.max) return true;
  return actual.max && *actual.max <= *declared.max;
}

std::string limits_text(const Limits& l) {
  return l.max ? fmt::format("{{min {}, max {}}}", l.min, *l.max)
               : fmt::format("{{min {}}}", l.min);
}

Error incompatible(const Import& imp, std::string why) {
  return make_error(ErrorCode::IncompatibleImportType,
                    fmt::format("\"{}\" \"{}\": {}", imp.module, imp.name, why));
}

Status check_import(const ValidatedModule& module, const Import& imp, const Extern& ext) {
  if (ext.kind != imp.kind)
    return incompatible(
        imp, fmt::format("expected a {}, got a {}", to_string(imp.kind), to_string(ext.kind)));
  switch (imp.kind) {
    case ExternKind::Func:
      if (ext.func->type_id != module.type_id(imp.func_type))
        return incompatible(
            imp, fmt::format("expected {}, got {}", to_string(module.module().types[imp.func_type]),
                             to_string(ext.func->type)));
      return {};
    case ExternKind::Table: {
      TableType actual = ext.table->type();
      if (actual.element != imp.table.element || !limits_match(actual.limits, imp.table.limits))
        return incompatible(imp,
                            fmt::format("expected {} {}, got {} {}", to_string(imp.table.element),
                                        limits_text(imp.table.limits), to_string(actual.element),
                                        limits_text(actual.limits)));
      return {};
    }
    case ExternKind::Memory: {
      MemoryType actual = ext.memory->type();
      // Spec 4.5.2 (threads): the shared flags must be equal.
      if (actual.shared != imp.memory.shared)
        return incompatible(imp, "mismatch in the shared flag for memories");
      if (!limits_match(actual.limits, imp.memory.limits))
        return incompatible(
            imp, fmt::format("expected memory {}, got {}", limits_text(imp.memory.limits),
                             limits_text(actual.limits)));
      return {};
    }
    case ExternKind::Global: {
      const GlobalType& actual = ext.global->type;
      if (actual != imp.global)
        return incompatible(
            imp, fmt::format("expected {}{}, got {}{}", imp.global.is_mutable ? "mut " : "",
                             to_string(imp.global.type), actual.is_mutable ? "mut " : "",
                             to_string(actual.type)));
      return {};
    }
    case ExternKind::Tag:
      // Tags match by their (canonical) function type.
      if (ext.tag->type_id != module.type_id(imp.tag_type))
        return incompatible(imp, fmt::format("expected tag {}, got tag {}",
                                             to_string(module.module().types[imp.tag_type]),
                                             to_string(ext.tag->type)));
      return {};
  }
  return {};
}

// Evaluates a constant expression (spec 3.3.10, 4.4.10) in `inst`.
Result<Value> evaluate(const ConstExpr& expr, const InstanceImpl& inst) {
  std::vector<Value> stack;
  for (const Instr& in : expr.instrs) {
    switch (in.op) {
      case Opcode::I32Const: stack.push_back(Value::i32_(uint32_t(in.u64))); break;
      case Opcode::I64Const: stack.push_back(Value::i64_(in.u64)); break;
      case Opcode::F32Const: stack.push_back(Value::f32_bits_(uint32_t(in.u64))); break;
      case Opcode::F64Const: stack.push_back(Value::f64_bits_(in.u64)); break;
      case Opcode::V128Const: {  // Instr holds the 16 bytes as two little-endian halves
        V128 v;
        std::memcpy(v.bytes, &in.u64, 8);
        std::memcpy(v.bytes + 8, &in.hi, 8);
        stack.push_back(Value::v128_(v));
        break;
      }
      case Opcode::RefNull: stack.push_back(Value::null_(ValType(in.a))); break;
      case Opcode::RefFunc:
        stack.push_back(Value::ref_(ValType::FuncRef, inst.funcs.at(in.a)));
        break;
      case Opcode::GlobalGet: {
        const GlobalInst* g = inst.globals.at(in.a);
        stack.push_back(load_value(g->type.type, g->value));
        break;
      }
      // Extended constant expressions: integer add, sub, mul.
      case Opcode::I32Add:
      case Opcode::I32Sub:
      case Opcode::I32Mul:
      case Opcode::I64Add:
      case Opcode::I64Sub:
      case Opcode::I64Mul: {
        if (stack.size() < 2) return make_error(ErrorCode::ConstantExpressionRequired);
        Value b = stack.back();
        stack.pop_back();
        Value& a = stack.back();
        switch (in.op) {
          case Opcode::I32Add: a.i32 += b.i32; break;
          case Opcode::I32Sub: a.i32 -= b.i32; break;
          case Opcode::I32Mul: a.i32 *= b.i32; break;
          case Opcode::I64Add: a.i64 += b.i64; break;
          case Opcode::I64Sub: a.i64 -= b.i64; break;
          default: a.i64 *= b.i64; break;
        }
        break;
      }
      case Opcode::End: break;
      default:
        return make_error(ErrorCode::ConstantExpressionRequired, std::string(info(in.op).text));
    }
  }
  if (stack.size() != 1) return make_error(ErrorCode::ConstantExpressionRequired);
  return stack.back();
}

// An element segment's item: `ref.func`, nearly every item of a module's
// function table, is read without the general evaluator (a table of
// thousands of functions is filled at every instantiation).
Result<void*> element_item(const ConstExpr& item, const InstanceImpl& inst) {
  const std::vector<Instr>& code = item.instrs;
  if (!code.empty() && code[0].op == Opcode::RefFunc &&
      (code.size() == 1 || (code.size() == 2 && code[1].op == Opcode::End)) &&
      code[0].a < inst.funcs.size())
    return static_cast<void*>(inst.funcs[code[0].a]);
  FLINT_ASSIGN(Value v, evaluate(item, inst));
  return v.ref;
}

// Whether anything of a new instance may be reachable from outside it after
// its code ran or its segments were applied: through a table or a mutable
// reference global it imports, or a reference handed to an imported
// function. If not, a failed instantiation can release everything it made.
bool may_leak_references(const Module& m) {
  for (const Import& imp : m.imports) {
    if (imp.kind == ExternKind::Table) return true;
    if (imp.kind == ExternKind::Global && imp.global.is_mutable && is_reference(imp.global.type))
      return true;
    if (imp.kind == ExternKind::Func)
      for (ValType t : m.types[imp.func_type].params)
        if (is_reference(t)) return true;
  }
  return false;
}

// The sizes of a store's object lists at one moment: a failed
// instantiation truncates them back to where it began, releasing what it
// made (memory reservations return to their pool).
struct StoreMark {
  size_t funcs, tables, memories, globals, tags, instances;
  bool operator==(const StoreMark&) const = default;
};

StoreMark mark_of(const Store::State& s) {
  return {s.funcs.size(),   s.tables.size(), s.memories.size(),
          s.globals.size(), s.tags.size(),   s.instances.size()};
}

void release_since(Store::State& s, const StoreMark& mark) {
  s.instances.resize(mark.instances);
  s.funcs.resize(mark.funcs);
  s.tables.resize(mark.tables);
  s.memories.resize(mark.memories);
  s.globals.resize(mark.globals);
  s.tags.resize(mark.tags);
}

}  // namespace

Result<Instance*> Store::instantiate(const CompiledModule& compiled,
                                     std::span<const Extern> imports) {
  const StoreMark begun = mark_of(*state_);
  Result<InstanceImpl*> created = instantiate_without_start(compiled, imports);
  if (!created) {
    // No code ran: only an element segment may have placed this instance's
    // functions where others reach them, in a table it imports.
    bool committed = state_->instances.size() > begun.instances;
    if (!committed || !may_leak_references(compiled.module())) release_since(*state_, begun);
    return std::move(created).error();
  }
  InstanceImpl* instance = *created;
  const Module& m = compiled.module();
  if (!m.start) return instance;
  const StoreMark before_start = mark_of(*state_);
  auto started = call_with_values(*instance->funcs.at(*m.start), state_->exec, instance, {});
  if (!started) {
    // The start function may have handed references out, or made objects of
    // its own through host functions: then everything stays.
    if (mark_of(*state_) == before_start && !may_leak_references(m)) release_since(*state_, begun);
    return std::move(started).error();
  }
  return instance;
}

Result<InstanceImpl*> Store::instantiate_without_start(const CompiledModule& compiled,
                                                       std::span<const Extern> imports) {
  const auto& module = static_cast<const EngineModule&>(compiled);
  const ValidatedModule& validated = module.validated();
  const Module& m = validated.module();
  if (imports.size() != m.imports.size())
    return make_error(ErrorCode::UnknownImport, fmt::format("{} imports given, the module has {}",
                                                            imports.size(), m.imports.size()));
  auto inst = std::make_unique<InstanceImpl>();
  inst->compiled = std::static_pointer_cast<const EngineModule>(module.shared_from_this());
  // At its final size at once: a component's instance per request makes
  // thousands of functions, and growing by doubling showed in its profile.
  inst->funcs.reserve(imports.size() + m.functions.size());

  for (size_t i = 0; i < imports.size(); ++i) {
    const Import& imp = m.imports[i];
    const Extern& ext = imports[i];
    if (!ext.func) return incompatible(imp, "no object given");
    FLINT_TRY(check_import(validated, imp, ext));
    switch (imp.kind) {
      case ExternKind::Func: inst->funcs.push_back(ext.func); break;
      case ExternKind::Table: inst->tables.push_back(ext.table); break;
      case ExternKind::Memory: inst->memories.push_back(ext.memory); break;
      case ExternKind::Global: inst->globals.push_back(ext.global); break;
      case ExternKind::Tag: inst->tags.push_back(ext.tag); break;
    }
  }

  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    auto f = std::make_unique<FuncInst>();
    f->type = m.types[m.functions[i].type_index];
    f->type_id = validated.type_id(m.functions[i].type_index);
    f->instance = inst.get();
    inst->funcs.push_back(f.get());
    state_->funcs.push_back(std::move(f));
  }
  for (const TableType& t : m.tables) {
    if (t.limits.min > kMaxTableElements)
      return make_error(ErrorCode::OutOfMemory, fmt::format("table of {} elements", t.limits.min));
    auto table = std::make_unique<TableInst>();
    table->element = t.element;
    table->max = t.limits.max;
    table->elements.assign(t.limits.min, nullptr);
    inst->tables.push_back(table.get());
    state_->tables.push_back(std::move(table));
  }
  // With images, the memories start with their data segments applied.
  const std::vector<std::shared_ptr<const MemoryImage>>& images = validated.memory_images();
  for (size_t i = 0; i < m.memories.size(); ++i) {
    FLINT_ASSIGN(std::unique_ptr<MemoryInst> memory,
                 MemoryInst::create(m.memories[i], config_.max_memory_pages,
                                    images.empty() ? nullptr : images[i]));
    inst->memories.push_back(memory.get());
    state_->memories.push_back(std::move(memory));
  }
  for (uint32_t type_index : m.tags) {
    auto tag = std::make_unique<TagInst>();
    tag->type = m.types[type_index];
    tag->type_id = validated.type_id(type_index);
    inst->tags.push_back(tag.get());
    state_->tags.push_back(std::move(tag));
  }
  for (const Global& g : m.globals) {
    FLINT_ASSIGN(Value v, evaluate(g.init, *inst));
    auto global = std::make_unique<GlobalInst>();
    global->type = g.type;
    v.type = g.type.type;
    store_value(v, global->value);
    inst->globals.push_back(global.get());
    state_->globals.push_back(std::move(global));
  }
  for (const Export& e : m.exports) {
    Extern x;
    x.kind = e.kind;
    switch (e.kind) {
      case ExternKind::Func: x.func = inst->funcs.at(e.index); break;
      case ExternKind::Table: x.table = inst->tables.at(e.index); break;
      case ExternKind::Memory: x.memory = inst->memories.at(e.index); break;
      case ExternKind::Global: x.global = inst->globals.at(e.index); break;
      case ExternKind::Tag: x.tag = inst->tags.at(e.index); break;
    }
    inst->exports.emplace(e.name, x);
  }
  for (const ElemSegment& seg : m.elements) {
    std::vector<void*> refs;
    refs.reserve(seg.items.size());
    for (const ConstExpr& item : seg.items) {
      FLINT_ASSIGN(void* ref, element_item(item, *inst));
      refs.push_back(ref);
    }
    inst->elems.push_back(std::move(refs));
  }
  for (const DataSegment& seg : m.data) inst->datas.push_back(seg.bytes);

  FLINT_TRY(module.prepare_instance(*inst, state_->exec));

  // From here on the instance exists in the store even if a segment or the
  // start function traps: writes already made to shared tables and memories
  // stay, and functions placed in them must remain callable (instantiate()
  // releases it only where nothing else can reach it).
  InstanceImpl* instance = inst.get();
  state_->instances.push_back(std::move(inst));

  for (size_t i = 0; i < m.elements.size(); ++i) {
    const ElemSegment& seg = m.elements[i];
    if (seg.mode == SegmentMode::Active) {
      FLINT_ASSIGN(Value offset, evaluate(seg.offset, *instance));
      TableInst* table = instance->tables.at(seg.table);
      std::vector<void*>& refs = instance->elems[i];
      uint64_t start = offset.i32;
      if (start + refs.size() > table->elements.size())
        return make_error(
            ErrorCode::OutOfBoundsTableAccess,
            fmt::format("element segment {} at {} does not fit in the table", i, start));
      std::copy(refs.begin(), refs.end(), table->elements.begin() + start);
    }
    if (seg.mode != SegmentMode::Passive) instance->elems[i].clear();  // elem.drop
  }
  for (size_t i = 0; i < m.data.size(); ++i) {
    const DataSegment& seg = m.data[i];
    if (seg.mode != SegmentMode::Active) continue;
    if (!images.empty()) {  // already in place, and known to fit
      instance->datas[i] = {};
      continue;
    }
    FLINT_ASSIGN(Value offset, evaluate(seg.offset, *instance));
    MemoryInst* memory = instance->memories.at(seg.memory);
    uint64_t start = offset.i32;
    if (start + seg.bytes.size() > memory->size)
      return make_error(ErrorCode::OutOfBoundsMemoryAccess,
                        fmt::format("data segment {} at {} does not fit in the memory", i, start));
    if (!seg.bytes.empty()) std::memcpy(memory->base + start, seg.bytes.data(), seg.bytes.size());
    instance->datas[i] = {};  // data.drop
  }
  return instance;
}

}  // namespace flint

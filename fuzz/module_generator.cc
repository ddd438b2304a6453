// The module generator (see module_generator.h for what a module holds).
// Binary layout follows spec 5.5 "Modules"; every instruction choice keeps
// the validation rules of spec 3.3 by construction, and the harness checks
// each module with Flint's validator anyway.
#include "fuzz/module_generator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "fuzz/byte_source.h"
#include "fuzz/interesting_values.h"
#include "fuzz/nan_fence.h"
#include "fuzz/wasm_emit.h"
#include "module/opcode.h"
#include "valid/lanes.h"

namespace flint::fuzz {

namespace {

// Function index space: the two helpers first, then the generated functions.
constexpr uint32_t kTickFunc = 0;
constexpr uint32_t kResetFunc = 1;
constexpr uint32_t kFirstUserFunc = 2;
constexpr uint32_t kFuelGlobal = 0;
constexpr uint32_t kTickType = 0;  // [] -> []

constexpr uint32_t kMaxExprDepth = 6;
constexpr size_t kMaxLabels = 6;  // the function's own label included
constexpr uint8_t kEmptyBlockType = 0x40;
constexpr uint8_t kFuncRefByte = 0x70;

size_t slot_of(ValType t) {
  switch (t) {
    case ValType::I32: return 0;
    case ValType::I64: return 1;
    case ValType::F32: return 2;
    case ValType::F64: return 3;
    default: return 4;
  }
}

bool is_memory_access(const OpcodeInfo& op) {
  return op.imm == ImmKind::MemArg || op.imm == ImmKind::MemArgLane;
}

/// Every opcode with a fixed signature, indexed by what it produces: the
/// generator's menu. Built from the one opcode table, so new rows join it.
struct OpMenu {
  std::array<std::vector<const OpcodeInfo*>, 5> by_result;
  std::vector<const OpcodeInfo*> statements;  // no result: stores, bulk memory

  explicit OpMenu(bool simd) {
    for (const OpcodeInfo& op : all_opcodes()) {
      if (op.sig == Signature::Special) continue;
      switch (op.imm) {  // constants are leaves, generated with chosen values
        case ImmKind::I32: case ImmKind::I64: case ImmKind::F32: case ImmKind::F64: case ImmKind::V128:
          continue;
        default: break;
      }
      SignatureTypes st = signature_types(op.sig);
      bool vector = op.prefix == 0xFD;
      for (ValType t : st.params) vector |= t == ValType::V128;
      for (ValType t : st.results) vector |= t == ValType::V128;
      if (vector && !simd) continue;
      if (st.results.empty())
        statements.push_back(&op);
      else
        by_result[slot_of(st.results[0])].push_back(&op);
    }
  }
};

struct GlobalDecl {
  ValType type;
  bool is_mutable;
  Value init;
};

struct DataDecl {
  bool passive;
  uint32_t offset;
  std::vector<uint8_t> bytes;
};

/// A label in scope while generating a body: what a branch to it carries.
struct Label {
  std::vector<ValType> types;
  bool loop;
};

class Generator {
 public:
  Generator(std::span<const uint8_t> input, const GeneratorOptions& options)
      : in_(input), options_(options), menu_(options.simd) {}

  GeneratedModule run() {
    declare_module();
    std::vector<ByteWriter> bodies;
    bodies.push_back(tick_body());
    bodies.push_back(reset_body());
    for (uint32_t f = kFirstUserFunc; f < func_types_.size(); ++f) bodies.push_back(function_body(f));
    GeneratedModule out;
    out.wasm = encode(bodies);
    out.calls = plan_calls();
    out.exported_globals = uint32_t(globals_.size());
    return out;
  }

 private:
  // ---------------------------------------------------------------- module

  ValType random_type() { return ValType(kTypes[in_.below(options_.simd ? 5 : 4)]); }
  static constexpr std::array<uint8_t, 5> kTypes = {0x7F, 0x7E, 0x7D, 0x7C, 0x7B};

  std::vector<ValType> random_types(uint32_t max) {
    std::vector<ValType> v(in_.below(max + 1));
    for (ValType& t : v) t = random_type();
    return v;
  }

  void declare_module() {
    types_.push_back({});  // kTickType
    func_types_ = {kTickType, kTickType};
    uint32_t user_functions = 1 + in_.below(6);
    for (uint32_t i = 0; i < user_functions; ++i) {
      FuncType t{random_types(4), random_types(3)};
      // Reuse an equal type now and then: call_indirect compares structurally.
      auto same = std::find(types_.begin(), types_.end(), t);
      if (same != types_.end() && in_.chance(128)) {
        func_types_.push_back(uint32_t(same - types_.begin()));
      } else {
        types_.push_back(t);
        func_types_.push_back(uint32_t(types_.size() - 1));
      }
    }
    // Types for multi-value blocks (spec 3.2.2 blocktype as a type index).
    for (uint32_t n = in_.below(4); n > 0; --n) {
      types_.push_back({random_types(2), random_types(2)});
      block_types_.push_back(uint32_t(types_.size() - 1));
    }

    globals_.push_back({ValType::I32, true, Value::i32_(options_.fuel_per_call)});
    for (uint32_t n = in_.below(6); n > 0; --n) {
      ValType t = random_type();
      globals_.push_back({t, in_.chance(160), interesting_value(in_, t)});
    }

    memory_min_ = 1 + in_.below(2);
    memory_max_ = memory_min_ + in_.below(3);
    for (uint32_t n = in_.below(4); n > 0; --n) {
      uint32_t size = in_.below(48);
      data_.push_back({false, in_.below(memory_min_ * kPageSize - size + 1), in_.bytes(size)});
    }
    data_.push_back({true, 0, in_.bytes(in_.below(32))});
    passive_data_ = uint32_t(data_.size() - 1);

    uint32_t functions = uint32_t(func_types_.size());
    table_min_ = functions + in_.below(4);
    for (uint32_t n = in_.below(table_min_ + 1); n > 0; --n) active_elems_.push_back(callable_function());
    for (uint32_t n = in_.below(4); n > 0; --n) passive_elems_.push_back(callable_function());
  }

  /// A function calls, tables and ref.func may name: any but fuel.reset,
  /// which would refill the fuel and let a call run for ever.
  uint32_t callable_function() {
    uint32_t f = in_.below(uint32_t(func_types_.size()) - 1);
    return f == kResetFunc ? kTickFunc : f;
  }
  uint32_t user_function() { return kFirstUserFunc + in_.below(uint32_t(func_types_.size()) - kFirstUserFunc); }

  ByteWriter tick_body() {
    ByteWriter c;
    c.u32(0);  // no locals
    emit_local(c, Opcode::GlobalGet, kFuelGlobal);
    emit_op(c, Opcode::I32Eqz);
    emit_op(c, Opcode::If);
    c.u8(kEmptyBlockType);
    emit_op(c, Opcode::Unreachable);
    emit_op(c, Opcode::End);
    emit_local(c, Opcode::GlobalGet, kFuelGlobal);
    emit_i32_const(c, 1);
    emit_op(c, Opcode::I32Sub);
    emit_local(c, Opcode::GlobalSet, kFuelGlobal);
    emit_op(c, Opcode::End);
    return c;
  }

  ByteWriter reset_body() {
    ByteWriter c;
    c.u32(0);
    emit_i32_const(c, options_.fuel_per_call);
    emit_local(c, Opcode::GlobalSet, kFuelGlobal);
    emit_op(c, Opcode::End);
    return c;
  }

  std::vector<PlannedCall> plan_calls() {
    std::vector<PlannedCall> calls;
    for (uint32_t f = kFirstUserFunc; f < func_types_.size(); ++f) {
      for (uint32_t n = 1 + in_.below(2); n > 0; --n) {
        PlannedCall call{"f" + std::to_string(f - kFirstUserFunc), {}};
        for (ValType t : types_[func_types_[f]].params) call.args.push_back(interesting_value(in_, t));
        calls.push_back(std::move(call));
      }
    }
    // Call in a random order: later calls see earlier calls' memory and globals.
    for (size_t i = calls.size(); i > 1; --i) std::swap(calls[i - 1], calls[in_.below(uint32_t(i))]);
    return calls;
  }

  static void section(ByteWriter& out, uint8_t id, const ByteWriter& content) {
    out.u8(id);
    out.sized(content);
  }

  static void const_expr(ByteWriter& out, const Value& v) {
    switch (v.type) {
      case ValType::I32: emit_i32_const(out, v.i32); break;
      case ValType::I64: emit_i64_const(out, v.i64); break;
      case ValType::F32: emit_f32_const(out, v.f32_bits); break;
      case ValType::F64: emit_f64_const(out, v.f64_bits); break;
      default: {
        uint64_t lo, hi;
        std::memcpy(&lo, v.v128.bytes, 8);
        std::memcpy(&hi, v.v128.bytes + 8, 8);
        emit_v128_const(out, lo, hi);
      }
    }
    emit_op(out, Opcode::End);
  }

  std::vector<uint8_t> encode(const std::vector<ByteWriter>& bodies) const {
    ByteWriter out;
    out.raw(std::string_view("\0asm\1\0\0\0", 8));

    ByteWriter types;
    types.u32(types_.size());
    for (const FuncType& t : types_) {
      types.u8(0x60);
      types.u32(t.params.size());
      for (ValType v : t.params) types.u8(uint8_t(v));
      types.u32(t.results.size());
      for (ValType v : t.results) types.u8(uint8_t(v));
    }
    section(out, 1, types);

    ByteWriter funcs;
    funcs.u32(func_types_.size());
    for (uint32_t t : func_types_) funcs.u32(t);
    section(out, 3, funcs);

    ByteWriter table;  // one funcref table with a maximum (spec 5.3.9)
    table.u32(1);
    table.u8(kFuncRefByte);
    table.u8(1);
    table.u32(table_min_);
    table.u32(table_min_ + 4);
    section(out, 4, table);

    ByteWriter memory;
    memory.u32(1);
    memory.u8(1);
    memory.u32(memory_min_);
    memory.u32(memory_max_);
    section(out, 5, memory);

    ByteWriter globals;
    globals.u32(globals_.size());
    for (const GlobalDecl& g : globals_) {
      globals.u8(uint8_t(g.type));
      globals.u8(g.is_mutable ? 1 : 0);
      const_expr(globals, g.init);
    }
    section(out, 6, globals);

    ByteWriter exports;
    exports.u32(2 + (func_types_.size() - kFirstUserFunc) + globals_.size());
    exports.name(kFuelResetExport);
    exports.u8(0);
    exports.u32(kResetFunc);
    for (uint32_t f = kFirstUserFunc; f < func_types_.size(); ++f) {
      exports.name("f" + std::to_string(f - kFirstUserFunc));
      exports.u8(0);
      exports.u32(f);
    }
    exports.name(kMemoryExport);
    exports.u8(2);
    exports.u32(0);
    for (uint32_t g = 0; g < globals_.size(); ++g) {
      exports.name("g" + std::to_string(g));
      exports.u8(3);
      exports.u32(g);
    }
    section(out, 7, exports);

    ByteWriter elems;  // active at offset 0 (flags 0), passive (flags 1)
    elems.u32(2);
    elems.u32(0);
    const_expr(elems, Value::i32_(0));
    elems.u32(active_elems_.size());
    for (uint32_t f : active_elems_) elems.u32(f);
    elems.u32(1);
    elems.u8(0x00);  // elemkind funcref
    elems.u32(passive_elems_.size());
    for (uint32_t f : passive_elems_) elems.u32(f);
    section(out, 9, elems);

    ByteWriter data_count;  // needed by memory.init and data.drop (spec 5.5.13)
    data_count.u32(data_.size());
    section(out, 12, data_count);

    ByteWriter code;
    code.u32(bodies.size());
    for (const ByteWriter& b : bodies) code.sized(b);
    section(out, 10, code);

    ByteWriter data;
    data.u32(data_.size());
    for (const DataDecl& d : data_) {
      data.u32(d.passive ? 1 : 0);
      if (!d.passive) const_expr(data, Value::i32_(d.offset));
      data.u32(d.bytes.size());
      data.raw(d.bytes);
    }
    section(out, 11, data);
    return out.take();
  }

  // -------------------------------------------------------------- functions

  ByteWriter function_body(uint32_t func) {
    const FuncType& type = types_[func_types_[func]];
    locals_ = type.params;
    params_ = uint32_t(locals_.size());
    reserved_.assign(locals_.size(), false);
    for (ValType t : random_types(4)) new_local(t);
    fence_scratch_.fill(UINT32_MAX);
    labels_ = {{type.results, false}};
    results_ = type.results;
    budget_ = int(options_.max_instructions_per_function);
    code_ = ByteWriter();

    emit_op(code_, Opcode::Call);  // every entry costs fuel: bounds recursion
    code_.u32(kTickFunc);
    if (!statements(10))
      for (ValType t : results_) expr(t, 0);
    emit_op(code_, Opcode::End);

    ByteWriter body;
    std::vector<std::pair<uint32_t, ValType>> runs;
    for (size_t i = params_; i < locals_.size(); ++i) {
      if (!runs.empty() && runs.back().second == locals_[i])
        ++runs.back().first;
      else
        runs.push_back({1, locals_[i]});
    }
    body.u32(runs.size());
    for (auto [n, t] : runs) {
      body.u32(n);
      body.u8(uint8_t(t));
    }
    body.raw(code_.bytes());
    return body;
  }

  uint32_t new_local(ValType t, bool reserved = false) {
    locals_.push_back(t);
    reserved_.push_back(reserved);
    return uint32_t(locals_.size() - 1);
  }

  /// A local of type t the body may read and write, made if there is none.
  uint32_t local_of(ValType t) {
    std::vector<uint32_t> found;
    for (uint32_t i = 0; i < locals_.size(); ++i)
      if (locals_[i] == t && !reserved_[i]) found.push_back(i);
    if (found.empty() || in_.chance(16)) return new_local(t);
    return found[in_.below(uint32_t(found.size()))];
  }

  std::vector<uint32_t> globals_of(ValType t, bool writable) const {
    std::vector<uint32_t> found;
    for (uint32_t g = kFuelGlobal + 1; g < globals_.size(); ++g)
      if (globals_[g].type == t && (!writable || globals_[g].is_mutable)) found.push_back(g);
    return found;
  }

  void tick() {
    emit_op(code_, Opcode::Call);
    code_.u32(kTickFunc);
  }

  // ------------------------------------------------------------ statements

  /// Up to `max` statements (net stack effect zero). True when the last one
  /// made the rest of the block unreachable (br, br_table, return, unreachable).
  bool statements(uint32_t max) {
    for (uint32_t n = in_.below(max + 1); n > 0 && budget_ > 0; --n)
      if (statement()) return true;
    return false;
  }

  bool statement() {
    --budget_;
    switch (in_.below(18)) {
      case 0: case 1: {
        ValType t = random_type();
        uint32_t local = local_of(t);
        expr(t, 0);
        emit_local(code_, Opcode::LocalSet, local);
        return false;
      }
      case 2:
        drop_expr();
        return false;
      case 3: case 4: case 5:
        numeric(*menu_.statements[in_.below(uint32_t(menu_.statements.size()))], 0);
        return false;
      case 6: {
        ValType t = random_type();
        std::vector<uint32_t> g = globals_of(t, true);
        if (g.empty()) return drop_expr(), false;
        expr(t, 0);
        emit_local(code_, Opcode::GlobalSet, g[in_.below(uint32_t(g.size()))]);
        return false;
      }
      case 7: case 8:
        block_statement();
        return false;
      case 9:
        counted_loop();
        return false;
      case 10: case 11:
        return branch();
      case 12:
        call_statement();
        return false;
      case 13:
        call_indirect(types_[in_.below(uint32_t(types_.size()))], 0, false);
        return false;
      case 14:
        table_statement();
        return false;
      case 15:
        if (in_.chance(24)) {
          emit_op(code_, Opcode::Unreachable);
          return true;
        }
        emit_op(code_, Opcode::Nop);
        return false;
      default: {  // local.tee as a statement
        ValType t = random_type();
        uint32_t local = local_of(t);
        expr(t, 0);
        emit_local(code_, Opcode::LocalTee, local);
        emit_op(code_, Opcode::Drop);
        return false;
      }
    }
  }

  void drop_expr() {
    expr(random_type(), 0);
    emit_op(code_, Opcode::Drop);
  }

  void drop_all(const std::vector<ValType>& types) {
    for (size_t i = types.size(); i > 0; --i) {
      if (in_.chance(128)) {
        emit_op(code_, Opcode::Drop);
      } else {
        emit_local(code_, Opcode::LocalSet, local_of(types[i - 1]));
      }
    }
  }

  void block_statement() {
    if (labels_.size() >= kMaxLabels) return drop_expr();
    static constexpr Opcode kinds[] = {Opcode::Block, Opcode::Loop, Opcode::If};
    Opcode kind = kinds[in_.below(3)];
    FuncType bt;
    int64_t encoded = kEmptyBlockType;
    uint32_t c = in_.below(3);
    if (c == 1) {
      bt.results = {random_type()};
      encoded = uint8_t(bt.results[0]);
    } else if (c == 2 && !block_types_.empty()) {
      uint32_t index = block_types_[in_.below(uint32_t(block_types_.size()))];
      bt = types_[index];
      encoded = -int64_t(index) - 1;  // marks a type index for block()
    }
    block(kind, bt, encoded, 0);
    drop_all(bt.results);
  }

  /// block/loop/if with its block type: operands, body, results. `encoded`
  /// is 0x40, a value type byte, or -(type index)-1.
  void block(Opcode kind, const FuncType& bt, int64_t encoded, uint32_t depth) {
    for (ValType t : bt.params) expr(t, depth + 1);
    if (kind == Opcode::If) expr(ValType::I32, depth + 1);
    emit_op(code_, kind);
    if (encoded < 0)
      code_.s64(-(encoded + 1));  // s33 type index (spec 5.4.1)
    else
      code_.u8(uint8_t(encoded));
    labels_.push_back({kind == Opcode::Loop ? bt.params : bt.results, kind == Opcode::Loop});
    block_arm(bt, depth);
    if (kind == Opcode::If) {
      emit_op(code_, Opcode::Else);
      block_arm(bt, depth);
    }
    labels_.pop_back();
    emit_op(code_, Opcode::End);
  }

  /// One arm of a block: its parameters go to fresh locals (so the body can
  /// read them), then statements, then the results.
  void block_arm(const FuncType& bt, uint32_t depth) {
    for (size_t i = bt.params.size(); i > 0; --i)
      emit_local(code_, Opcode::LocalSet, new_local(bt.params[i - 1]));
    if (statements(labels_.size() < 3 ? 6 : 3)) return;
    for (ValType t : bt.results) expr(t, depth + 1);
  }

  /// for (c = N; c != 0; --c) { ... }: a loop LLVM can see is bounded.
  void counted_loop() {
    if (labels_.size() >= kMaxLabels) return drop_expr();
    uint32_t counter = new_local(ValType::I32, true);
    emit_i32_const(code_, 1 + in_.below(16));
    emit_local(code_, Opcode::LocalSet, counter);
    emit_op(code_, Opcode::Loop);
    code_.u8(kEmptyBlockType);
    labels_.push_back({{}, true});
    if (!statements(5)) {
      tick();
      emit_local(code_, Opcode::LocalGet, counter);
      emit_i32_const(code_, 1);
      emit_op(code_, Opcode::I32Sub);
      emit_local(code_, Opcode::LocalTee, counter);
      emit_op(code_, Opcode::BrIf);
      code_.u32(0);
    }
    labels_.pop_back();
    emit_op(code_, Opcode::End);
  }

  /// br, br_if, br_table or return to a random enclosing label; a branch to
  /// a loop pays a tick first. True when the code after it is unreachable.
  bool branch() {
    uint32_t depth = in_.below(uint32_t(labels_.size()));
    // Copies: generating operands pushes labels and may move the vector.
    const std::vector<ValType> types = labels_[labels_.size() - 1 - depth].types;
    bool loop = labels_[labels_.size() - 1 - depth].loop;
    switch (in_.below(4)) {
      case 0:
        for (ValType t : types) expr(t, 1);
        if (loop) tick();
        emit_op(code_, Opcode::Br);
        code_.u32(depth);
        return true;
      case 1: {
        for (ValType t : types) expr(t, 1);
        expr(ValType::I32, 1);
        if (loop) tick();
        emit_op(code_, Opcode::BrIf);
        code_.u32(depth);
        drop_all(types);
        return false;
      }
      case 2: {
        std::vector<uint32_t> same;
        for (uint32_t d = 0; d < labels_.size(); ++d)
          if (labels_[labels_.size() - 1 - d].types == types) same.push_back(d);
        std::vector<uint32_t> targets(in_.below(5));
        for (uint32_t& d : targets) {
          d = same[in_.below(uint32_t(same.size()))];
          loop |= labels_[labels_.size() - 1 - d].loop;
        }
        for (ValType t : types) expr(t, 1);
        if (in_.chance(192))
          emit_i32_const(code_, in_.below(uint32_t(targets.size()) + 2));
        else
          expr(ValType::I32, 1);
        if (loop) tick();
        emit_op(code_, Opcode::BrTable);
        code_.u32(targets.size());
        for (uint32_t d : targets) code_.u32(d);
        code_.u32(depth);
        return true;
      }
      default:
        for (ValType t : results_) expr(t, 1);
        emit_op(code_, Opcode::Return);
        return true;
    }
  }

  void call_statement() {
    uint32_t f = user_function();
    const FuncType& type = types_[func_types_[f]];
    for (ValType t : type.params) expr(t, 1);
    emit_op(code_, Opcode::Call);
    code_.u32(f);
    drop_all(type.results);
  }

  /// call_indirect through table 0 with the given type; as an expression
  /// the type has exactly one result, as a statement its results are dropped.
  void call_indirect(FuncType type, uint32_t depth, bool keep_result) {
    for (ValType t : type.params) expr(t, depth + 1);
    if (in_.chance(200))
      emit_i32_const(code_, in_.below(table_min_ + 2));
    else
      expr(ValType::I32, depth + 1);
    uint32_t index = uint32_t(std::find(types_.begin(), types_.end(), type) - types_.begin());
    emit_op(code_, Opcode::CallIndirect);
    code_.u32(index);
    code_.u32(0);
    if (!keep_result) drop_all(type.results);
  }

  void small_i32(uint32_t below) { emit_i32_const(code_, in_.below(below)); }

  void table_index() {
    if (in_.chance(220))
      small_i32(table_min_ + 2);
    else
      expr(ValType::I32, 2);
  }

  void table_statement() {
    switch (in_.below(7)) {
      case 0:
        table_index();
        ref_expr(1);
        emit_local(code_, Opcode::TableSet, 0);
        return;
      case 1:
        table_index();
        ref_expr(1);
        small_i32(6);
        emit_local(code_, Opcode::TableFill, 0);
        return;
      case 2:
        table_index();
        table_index();
        small_i32(6);
        emit_op(code_, Opcode::TableCopy);
        code_.u32(0);
        code_.u32(0);
        return;
      case 3:
        table_index();
        small_i32(uint32_t(passive_elems_.size()) + 2);
        small_i32(4);
        emit_op(code_, Opcode::TableInit);
        code_.u32(1);  // the passive segment
        code_.u32(0);
        return;
      case 4:
        emit_local(code_, Opcode::ElemDrop, 1);
        return;
      case 5:
        emit_local(code_, Opcode::DataDrop, passive_data_);
        return;
      default:
        ref_expr(1);
        small_i32(3);
        emit_local(code_, Opcode::TableGrow, 0);
        emit_op(code_, Opcode::Drop);
        return;
    }
  }

  // ----------------------------------------------------------- expressions

  /// Code that pushes exactly one value of type t.
  void expr(ValType t, uint32_t depth) {
    --budget_;
    if (budget_ <= 0 || depth >= kMaxExprDepth) return leaf(t);
    switch (in_.below(24)) {
      case 0: case 1: case 2: case 3: case 4: case 5:
        return leaf(t);
      case 6: case 7: case 8: case 9: case 10: case 11: case 12: case 13: case 14: case 15: {
        const auto& ops = menu_.by_result[slot_of(t)];
        return numeric(*ops[in_.below(uint32_t(ops.size()))], depth);
      }
      case 16:
        expr(t, depth + 1);
        expr(t, depth + 1);
        expr(ValType::I32, depth + 1);
        if (in_.chance(128)) {
          emit_op(code_, Opcode::Select);
        } else {
          emit_op(code_, Opcode::SelectTyped);
          code_.u32(1);
          code_.u8(uint8_t(t));
        }
        return;
      case 17: case 18: {
        if (labels_.size() >= kMaxLabels) return leaf(t);
        static constexpr Opcode kinds[] = {Opcode::Block, Opcode::Loop, Opcode::If};
        FuncType bt{{}, {t}};
        return block(kinds[in_.below(3)], bt, uint8_t(t), depth);
      }
      case 19: {
        std::vector<uint32_t> candidates;
        for (uint32_t f = kFirstUserFunc; f < func_types_.size(); ++f)
          if (types_[func_types_[f]].results == std::vector<ValType>{t}) candidates.push_back(f);
        if (candidates.empty()) return leaf(t);
        uint32_t f = candidates[in_.below(uint32_t(candidates.size()))];
        for (ValType p : types_[func_types_[f]].params) expr(p, depth + 1);
        emit_op(code_, Opcode::Call);
        code_.u32(f);
        return;
      }
      case 20: {
        std::vector<uint32_t> candidates;
        for (uint32_t i = 0; i < types_.size(); ++i)
          if (types_[i].results == std::vector<ValType>{t}) candidates.push_back(i);
        if (candidates.empty()) return leaf(t);
        return call_indirect(types_[candidates[in_.below(uint32_t(candidates.size()))]], depth, true);
      }
      case 21: {
        uint32_t local = local_of(t);
        expr(t, depth + 1);
        emit_local(code_, Opcode::LocalTee, local);
        return;
      }
      default:
        if (t != ValType::I32) return leaf(t);
        switch (in_.below(3)) {
          case 0:
            ref_expr(depth + 1);
            emit_op(code_, Opcode::RefIsNull);
            return;
          case 1:
            emit_local(code_, Opcode::TableSize, 0);
            return;
          default:
            ref_expr(depth + 1);
            small_i32(3);
            emit_local(code_, Opcode::TableGrow, 0);
            return;
        }
    }
  }

  void leaf(ValType t) {
    switch (in_.below(3)) {
      case 1: {
        std::vector<uint32_t> found;
        for (uint32_t i = 0; i < locals_.size(); ++i)
          if (locals_[i] == t) found.push_back(i);
        if (found.empty()) break;
        emit_local(code_, Opcode::LocalGet, found[in_.below(uint32_t(found.size()))]);
        return;
      }
      case 2: {
        std::vector<uint32_t> found = globals_of(t, false);
        if (found.empty()) break;
        emit_local(code_, Opcode::GlobalGet, found[in_.below(uint32_t(found.size()))]);
        return;
      }
      default: break;
    }
    Value v = interesting_value(in_, t);
    switch (t) {
      case ValType::I32: return emit_i32_const(code_, v.i32);
      case ValType::I64: return emit_i64_const(code_, v.i64);
      case ValType::F32: return emit_f32_const(code_, v.f32_bits);
      case ValType::F64: return emit_f64_const(code_, v.f64_bits);
      default: {
        uint64_t lo, hi;
        std::memcpy(&lo, v.v128.bytes, 8);
        std::memcpy(&hi, v.v128.bytes + 8, 8);
        return emit_v128_const(code_, lo, hi);
      }
    }
  }

  /// A funcref: null, ref.func, table.get or a typed select of two.
  void ref_expr(uint32_t depth) {
    switch (depth >= kMaxExprDepth ? 0 : in_.below(4)) {
      case 0:
        emit_op(code_, Opcode::RefNull);
        code_.u8(kFuncRefByte);
        return;
      case 1:
        emit_local(code_, Opcode::RefFunc, user_function());
        return;
      case 2:
        table_index();
        emit_local(code_, Opcode::TableGet, 0);
        return;
      default:
        ref_expr(depth + 1);
        ref_expr(depth + 1);
        expr(ValType::I32, depth + 1);
        emit_op(code_, Opcode::SelectTyped);
        code_.u32(1);
        code_.u8(kFuncRefByte);
        return;
    }
  }

  /// A memory address: mostly inside the first page (so accesses mostly
  /// succeed), sometimes at the end of memory or anywhere (traps).
  void address(uint32_t depth) {
    switch (in_.below(8)) {
      case 0: case 1: case 2:
        return small_i32(kPageSize);
      case 3: case 4:
        expr(ValType::I32, depth + 1);
        emit_i32_const(code_, 0xffff);
        emit_op(code_, Opcode::I32And);
        return;
      case 5:
        return emit_i32_const(code_, memory_min_ * kPageSize - in_.below(24));
      case 6:
        return expr(ValType::I32, depth + 1);
      default:
        return emit_i32_const(code_, in_.u32());
    }
  }

  uint32_t memory_offset() {
    uint32_t c = in_.below(16);
    if (c < 12) return in_.below(32);
    if (c < 15) return in_.below(70000);
    return in_.u32();
  }

  void length(uint32_t depth) {
    if (in_.chance(224))
      small_i32(40);
    else
      expr(ValType::I32, depth + 1);
  }

  /// An opcode with a fixed signature: its operands, itself, its
  /// immediates, and a NaN fence when its result may vary (nan_fence.h).
  void numeric(const OpcodeInfo& op, uint32_t depth) {
    SignatureTypes st = signature_types(op.sig);
    bool bulk = op.op == Opcode::MemoryCopy || op.op == Opcode::MemoryFill || op.op == Opcode::MemoryInit;
    for (size_t i = 0; i < st.params.size(); ++i) {
      if ((is_memory_access(op) || bulk) && i == 0) {
        address(depth);
      } else if (bulk && i == 2) {
        length(depth);
      } else if (op.op == Opcode::MemoryCopy && i == 1) {
        address(depth);
      } else if (op.op == Opcode::MemoryInit && i == 1) {
        small_i32(40);
      } else {
        expr(st.params[i], depth + 1);
      }
    }
    // The canonical-NaN check of the fence reads the operands: keep them.
    NanFence fence = nan_fence_for(op);
    std::array<uint32_t, 3> inputs{};
    bool keep_inputs = fence_checks_canonical(op);
    if (keep_inputs) {
      for (size_t i = st.params.size(); i > 0; --i) {
        inputs[i - 1] = scratch(st.params[i - 1], i);
        emit_local(code_, Opcode::LocalSet, inputs[i - 1]);
      }
      for (size_t i = 0; i < st.params.size(); ++i) emit_local(code_, Opcode::LocalGet, inputs[i]);
    }
    emit_op(code_, op.op);
    switch (op.imm) {
      case ImmKind::MemArg:
      case ImmKind::MemArgLane:
        code_.u32(in_.below(op.align_log2 + 1u));  // 2^align <= natural (spec 3.3.7)
        code_.u32(memory_offset());
        if (op.imm == ImmKind::MemArgLane) code_.u8(uint8_t(in_.below(valid::lane_count(op))));
        break;
      case ImmKind::Lane:
        code_.u8(uint8_t(in_.below(valid::lane_count(op))));
        break;
      case ImmKind::Shuffle:
        for (int i = 0; i < 16; ++i) code_.u8(uint8_t(in_.below(valid::kShuffleInputLanes)));
        break;
      case ImmKind::Memory:
        code_.u8(0);
        break;
      case ImmKind::MemoryInit:
        code_.u32(passive_data_);
        code_.u8(0);
        break;
      case ImmKind::MemoryCopy:
        code_.u8(0);
        code_.u8(0);
        break;
      default:
        break;
    }
    if (fence != NanFence::None) {
      FenceInputs kept;
      if (keep_inputs) kept = {st.params, std::span<const uint32_t>(inputs.data(), st.params.size())};
      emit_nan_fence(code_, fence, scratch(fence_scratch_type(fence), 0), kept);
    }
  }

  /// A reserved local of type t for fences: slot 0 holds the result,
  /// slots 1-3 the operands. Used only between two instructions, so nested
  /// operations can share them.
  uint32_t scratch(ValType t, size_t slot) {
    uint32_t& local = fence_scratch_[slot_of(t) * 4 + slot];
    if (local == UINT32_MAX) local = new_local(t, true);
    return local;
  }

  ByteSource in_;
  const GeneratorOptions& options_;
  OpMenu menu_;

  // The module.
  std::vector<FuncType> types_;
  std::vector<uint32_t> func_types_;
  std::vector<uint32_t> block_types_;
  std::vector<GlobalDecl> globals_;
  std::vector<DataDecl> data_;
  uint32_t passive_data_ = 0;
  uint32_t memory_min_ = 1, memory_max_ = 1;
  uint32_t table_min_ = 0;
  std::vector<uint32_t> active_elems_, passive_elems_;

  // The function being generated.
  ByteWriter code_;
  std::vector<ValType> locals_;
  std::vector<bool> reserved_;  // loop counters and fence scratch: never written by the body
  uint32_t params_ = 0;
  std::vector<Label> labels_;  // innermost last; [0] is the function's own label
  std::vector<ValType> results_;
  std::array<uint32_t, 20> fence_scratch_{};  // by slot_of(type) * 4 + slot
  int budget_ = 0;
};

}  // namespace

GeneratedModule generate_module(std::span<const uint8_t> input, const GeneratorOptions& options) {
  return Generator(input, options).run();
}

}  // namespace flint::fuzz

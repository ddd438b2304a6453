// The decoded module (spec 2.5 "Modules"): what the binary decoder produces
// and the validator, the engines and the runtime consume. Immutable once
// decoded; shared between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flint/types.h"
#include "module/opcode.h"

namespace flint {

/// Block types (spec 5.4.1): empty, a single value type, or a type index.
enum class BlockKind : uint8_t { Empty, Value, TypeIndex };

/// One decoded instruction. Immediates are already decoded, so nothing after
/// the decoder reads LEB128. Their meaning depends on the opcode's ImmKind:
///
///   BlockType     a = BlockKind, b = ValType (Value) or type index
///   Label         a = label depth
///   BrTable       a = first entry in Function::br_table_targets, b = count of
///                 entries including the default, which is the last one
///   Func          a = function index
///   CallIndirect  a = type index, b = table index
///   SelectTypes   a = number of types, b = the first type (2.0 allows one)
///   Local/Global/Table/Elem/Data   a = index
///   TableInit     a = elem index, b = table index
///   TableCopy     a = destination table, b = source table
///   MemArg        a = alignment exponent, b = memory index, u64 = offset
///   Memory        a = memory index
///   MemoryInit    a = data index, b = memory index
///   MemoryCopy    a = destination memory, b = source memory
///   I32/I64/F32/F64  u64 = the bit pattern (zero-extended)
///   RefType       a = ValType
///   V128/Shuffle  u64 = low 8 bytes, hi = high 8 bytes (little-endian)
///   Lane          a = lane index
///   MemArgLane    as MemArg, and hi = lane index
///   Tag           a = tag index
///   TryTable      a, b as BlockType; u64 = first entry in
///                 Function::br_table_targets, hi = number of catch clauses,
///                 each taking three entries: CatchKind, tag index, label
struct Instr {
  Opcode op = Opcode::Nop;
  uint32_t offset = 0;  ///< byte offset of the opcode in the binary module
  uint32_t a = 0;
  uint32_t b = 0;
  uint64_t u64 = 0;
  uint64_t hi = 0;
};

/// The four catch clauses of try_table (exception handling, wasm 3.0 spec
/// 5.4.1), numbered by their binary encoding.
enum class CatchKind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 };

/// One catch clause of a try_table, as read from Function::br_table_targets.
struct CatchClause {
  CatchKind kind = CatchKind::Catch;
  uint32_t tag = 0;  ///< Catch and CatchRef only
  uint32_t label = 0;
};

/// A constant expression (spec 3.3.10): instructions ending with `end`.
struct ConstExpr {
  std::vector<Instr> instrs;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  ///< kind == Func: type index
  TableType table;         ///< kind == Table
  MemoryType memory;       ///< kind == Memory
  GlobalType global;       ///< kind == Global
  uint32_t tag_type = 0;   ///< kind == Tag: type index of its function type
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

/// A function defined in the module (not imported).
struct Function {
  uint32_t type_index = 0;
  /// Declared locals after the parameters, expanded one entry per local.
  std::vector<ValType> locals;
  /// The body, ending with the function's final `end`.
  std::vector<Instr> body;
  /// Label depths of every br_table in the body (see Instr, BrTable), and
  /// the catch clauses of every try_table (see Instr, TryTable).
  std::vector<uint32_t> br_table_targets;

  /// The catch clauses of a try_table instruction of this body.
  std::vector<CatchClause> catches(const Instr& try_table) const {
    std::vector<CatchClause> out;
    for (uint64_t i = 0; i < try_table.hi; ++i) {
      const uint32_t* c = &br_table_targets[try_table.u64 + 3 * i];
      out.push_back(CatchClause{CatchKind(c[0]), c[1], c[2]});
    }
    return out;
  }
  uint32_t code_offset = 0;  ///< byte offset of the body's size field
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

/// An element segment (spec 2.5.7). Segments written as a vector of function
/// indices are decoded into `ref.func` expressions, so `items` is uniform.
struct ElemSegment {
  SegmentMode mode = SegmentMode::Passive;
  ValType type = ValType::FuncRef;
  uint32_t table = 0;  ///< Active only
  ConstExpr offset;    ///< Active only
  std::vector<ConstExpr> items;
};

/// A data segment (spec 2.5.8).
struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;  ///< Active or Passive
  uint32_t memory = 0;                      ///< Active only
  ConstExpr offset;                         ///< Active only
  std::vector<uint8_t> bytes;
};

struct CustomSection {
  std::string name;
  std::vector<uint8_t> bytes;
  uint32_t offset = 0;
};

/// Contents of the "name" custom section (spec 7.4), when present and well formed.
struct Names {
  std::optional<std::string> module;
  std::map<uint32_t, std::string> functions;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;
};

struct Module {
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;   ///< defined functions, after imported ones
  std::vector<TableType> tables;     ///< defined tables
  std::vector<MemoryType> memories;  ///< defined memories
  std::vector<Global> globals;       ///< defined globals
  /// Defined tags (exception handling): the type index of each one's
  /// function type, whose results are empty.
  std::vector<uint32_t> tags;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elements;
  std::vector<DataSegment> data;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;
  Names names;

  // Index spaces (spec 2.5.1) number imports first, then definitions.
  uint32_t imported_functions = 0;
  uint32_t imported_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t imported_globals = 0;
  uint32_t imported_tags = 0;

  uint32_t function_count() const { return imported_functions + uint32_t(functions.size()); }
  uint32_t table_count() const { return imported_tables + uint32_t(tables.size()); }
  uint32_t memory_count() const { return imported_memories + uint32_t(memories.size()); }
  uint32_t global_count() const { return imported_globals + uint32_t(globals.size()); }
  uint32_t tag_count() const { return imported_tags + uint32_t(tags.size()); }

  /// Type index of any function in the index space; index must be in range.
  uint32_t function_type_index(uint32_t func) const;
  const FuncType& function_type(uint32_t func) const { return types[function_type_index(func)]; }
  TableType table_type(uint32_t table) const;
  MemoryType memory_type(uint32_t memory) const;
  GlobalType global_type(uint32_t global) const;
  /// Type index of any tag in the index space; index must be in range.
  uint32_t tag_type_index(uint32_t tag) const;
  /// The function's name from the name section, or from an export, or empty.
  std::string function_name(uint32_t func) const;
};

}  // namespace flint

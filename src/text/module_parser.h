// Text modules (spec 6.6 "Modules") parsed and encoded in the binary format
// (spec 5.5) in one go.
//
// Identifiers may be used before their definition (a function calls one
// defined later; an elem segment names a table declared below), so a module
// is read twice over its tokens:
//   1. scan: every field's kind and `$id` are recorded in its index space,
//      explicit types are parsed, duplicate identifiers and imports after
//      definitions are rejected;
//   2. encode: every field is parsed fully, in text order, and written to its
//      section; names resolve against the spaces from step 1; type uses
//      without a matching type append one (spec 6.6.3: after all explicit ones).
// Numeric indices are written as given, even out of range: rejecting them is
// the validator's job (assert_invalid relies on that). Names that resolve to
// nothing are malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "flint/result.h"
#include "flint/types.h"
#include "module/opcode.h"
#include "text/byte_writer.h"
#include "text/cursor.h"

namespace flint::text {

/// Parses module fields from `begin` up to the first token that cannot start a
/// field (the `)` closing `(module ...` or the end of input) and returns the
/// binary module. `*end` receives the position of that token. `module_name`
/// (the `$id` of `(module $id ...)`) goes to the name section.
Result<std::vector<uint8_t>> encode_module_fields(
    const std::vector<Token>& tokens, size_t begin, size_t* end,
    const std::optional<std::string>& module_name = {});

/// One index space (spec 6.6.1 "Indices"): its size and its named entries.
struct IndexSpace {
  uint32_t count = 0;
  std::unordered_map<std::string, uint32_t> names;
  /// Entry names by index, for the name section (empty when unnamed).
  std::vector<std::string> by_index;
};

/// The per-function state of instruction parsing: locals and the label stack.
struct FunctionScope {
  std::unordered_map<std::string, uint32_t> local_names;
  std::vector<std::pair<uint32_t, std::string>> named_locals;  ///< for the name section
  uint32_t local_count = 0;
  /// Enclosing labels, innermost last; unnamed labels hold an empty string.
  std::vector<std::string> labels;
};

/// A parsed type use (spec 6.6.3): `(type x)?` with inline `(param)`/`(result)`.
struct TypeUse {
  std::optional<uint32_t> index;
  const Token* index_token = nullptr;
  bool has_inline = false;
  FuncType inline_type;
  /// Names of inline params, parallel to inline_type.params (empty = unnamed).
  std::vector<std::string> param_names;
};

class ModuleParser {
 public:
  ModuleParser(const std::vector<Token>& tokens, size_t begin, std::optional<std::string> name)
      : cur_(tokens, begin), begin_(begin), module_name_(std::move(name)) {}
  Result<std::vector<uint8_t>> run(size_t* end);

 private:
  enum class Space : uint8_t { Type, Func, Table, Memory, Global, Elem, Data, Tag };

  // ---- phase 1: module_scan.cc --------------------------------------------
  Status scan_fields();
  Status scan_field();
  Status scan_type_field();
  Status scan_import_field();
  Status scan_definition(Space space, ExternKind kind);
  Status define(Space space, const std::optional<std::string>& id, const Token& at);
  Status note_import(const Token& at);
  Result<FuncType> parse_func_type_body(std::vector<std::string>* param_names, bool allow_names);

  // ---- phase 2: module_fields.cc ------------------------------------------
  Status encode_field();
  Status encode_import_field();
  Status encode_func_field();
  Status encode_table_field();
  Status encode_memory_field();
  Status encode_global_field();
  Status encode_tag_field();
  /// A tag's type use, written as its type index to `out`.
  Status parse_tag_type(ByteWriter& out);
  Status encode_export_field();
  Status encode_start_field();
  Status encode_elem_field();
  Status encode_data_field();
  Status parse_inline_exports(ExternKind kind, uint32_t index);
  Status parse_inline_import(std::string* module, std::string* name);
  Status write_import_header(const std::string& module, const std::string& name, ExternKind kind);
  Status parse_limits(ByteWriter& out);
  /// memtype ::= limits `shared`? (the threads proposal's flag 0x02 bit).
  Status parse_memory_type(ByteWriter& out);
  Result<ValType> parse_value_type();
  Result<ValType> parse_ref_type();
  Status parse_global_type(ByteWriter& out);
  Status parse_elem_list(ValType* type, bool* as_indices, uint32_t* count, ByteWriter& items,
                         bool allow_bare_indices);
  /// `(keyword instr*)` or one folded instruction: "offset" or "item".
  Status parse_keyword_expr(std::string_view keyword, ByteWriter& out);
  uint32_t take_index(Space s) { return next_index_[static_cast<size_t>(s)]++; }
  enum class ElemMode : uint8_t { Active, Passive, Declarative };
  void write_elem_segment(ElemMode mode, uint32_t table, const ByteWriter& offset, ValType type,
                          bool as_indices, uint32_t count, const ByteWriter& items);
  Status parse_function_body(uint32_t func_index, const TypeUse& use, uint32_t type_index);

  // ---- types: module_types.cc ---------------------------------------------
  Result<TypeUse> parse_type_use(bool allow_param_names);
  /// The type index of a use: checks an explicit index against the inline
  /// signature, or finds/appends a type equal to the inline one.
  Result<uint32_t> resolve_type_use(const TypeUse& use);
  /// The signature of a type index, if the index names a type.
  const FuncType* type_at(uint32_t index) const;
  Result<uint32_t> parse_index(Space space);
  Result<uint32_t> resolve_index(Space space, const Token& t);
  IndexSpace& space(Space s) { return spaces_[static_cast<size_t>(s)]; }

  // ---- instructions: instructions.cc --------------------------------------
  /// instr* up to `)`, `end` or `else`, written to `out`.
  Status parse_instrs(FunctionScope& scope, ByteWriter& out);
  Status parse_plain_instr(FunctionScope& scope, ByteWriter& out);
  Status parse_folded_instr(FunctionScope& scope, ByteWriter& out);
  Status parse_block_type(ByteWriter& out);
  Status parse_block_label(FunctionScope& scope);
  Status parse_block_end(FunctionScope& scope, std::string_view keyword);
  Status parse_immediates(const OpcodeInfo& op, FunctionScope& scope, ByteWriter& out);
  Status parse_select(ByteWriter& out);
  Status parse_br_table(FunctionScope& scope, ByteWriter& out);
  Status parse_call_indirect(ByteWriter& out);
  Status parse_try_table(FunctionScope& scope, ByteWriter& out);
  Status parse_space_index(ImmKind imm, ByteWriter& out);
  Status parse_table_index(ByteWriter& out);
  Status parse_table_init(ByteWriter& out);
  Status parse_table_copy(ByteWriter& out);
  Status parse_memory_init(ByteWriter& out);
  Status parse_memory_index(ByteWriter& out);
  Status parse_memory_copy(ByteWriter& out);
  bool at_memory_index(const OpcodeInfo& op) const;
  Status parse_int_const(ImmKind imm, ByteWriter& out);
  Status parse_float_const(ImmKind imm, ByteWriter& out);
  Status parse_ref_null_type(ByteWriter& out);
  Status parse_shuffle_lanes(ByteWriter& out);
  Status parse_label_index(FunctionScope& scope, ByteWriter& out);
  Status parse_local_index(FunctionScope& scope, ByteWriter& out);
  Status parse_memarg(const OpcodeInfo& op, ByteWriter& out);
  Status parse_v128_const(ByteWriter& out);
  Status parse_lane_index(ByteWriter& out, bool in_shuffle);
  Status enter_nesting();
  void write_opcode(const OpcodeInfo& op, ByteWriter& out);
  /// A constant expression (global init, offsets, elem items): instr* then end.
  Status parse_const_expr(ByteWriter& out);

  // ---- output: module_encode.cc -------------------------------------------
  std::vector<uint8_t> assemble() const;
  void write_name_section(ByteWriter& out) const;

  Cursor cur_;
  size_t begin_;
  std::optional<std::string> module_name_;
  IndexSpace spaces_[8];
  uint32_t next_index_[8] = {};  ///< phase 2: the index the next definition gets
  size_t fields_end_ = 0;
  std::vector<FuncType> types_;  ///< explicit types, then implicit ones
  uint32_t explicit_types_ = 0;

  // import ordering (spec 6.6.13)
  std::optional<ExternKind> first_definition_;

  // section contents (counts and bodies)
  uint32_t import_count_ = 0, func_count_ = 0, table_count_ = 0, memory_count_ = 0,
           global_count_ = 0, tag_count_ = 0, export_count_ = 0, elem_count_ = 0, data_count_ = 0;
  ByteWriter imports_, functions_, tables_, memories_, globals_, tags_, exports_, elems_, code_,
      datas_;
  std::optional<uint32_t> start_;
  bool uses_data_count_ = false;  ///< memory.init / data.drop need the data count section
  uint32_t depth_ = 0;            ///< nesting of blocks and folded instructions

  // name section (custom): function and local names from $identifiers
  std::vector<std::pair<uint32_t, std::vector<std::pair<uint32_t, std::string>>>> local_names_;
};

}  // namespace flint::text

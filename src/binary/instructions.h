// Decoding instruction sequences (spec 5.4 "Instructions", 5.4.9
// "Expressions") into pre-decoded `Instr`s, driven by the opcode table.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "binary/reader.h"
#include "flint/result.h"
#include "module/module.h"

namespace flint::binary {

/// What decoding an expression learned that later module-level checks need.
struct ExpressionFacts {
  /// Offset of the first memory.init or data.drop: those require a data
  /// count section (spec 5.5.16).
  std::optional<size_t> first_data_index_use;
};

/// Decodes instructions up to and including the `end` that closes the
/// expression, appending them to `out` (br_table label vectors go to
/// `br_table_targets`, see Instr). Only the block structure is checked, as
/// far as the binary grammar needs it: `else` may only follow the `then`
/// arm of an `if` ("END opcode expected"); typing is the validator's job.
/// The nesting is tracked on the heap, so hostile nesting cannot overflow
/// the C++ stack; it is bounded by the input's size.
Status decode_expression(Reader& r, std::vector<Instr>& out,
                         std::vector<uint32_t>& br_table_targets, ExpressionFacts& facts);

/// A constant expression (globals, segment offsets and items). Any
/// instruction decodes; the validator decides which are constant. A
/// br_table in a constant expression (always invalid) keeps its label
/// vector nowhere, so the validator must reject it before reading those.
Result<ConstExpr> decode_const_expr(Reader& r);

}  // namespace flint::binary

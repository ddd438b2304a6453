// The code section (spec 5.5.13): one entry per defined function, each its
// size, its local declarations and its body.
#include <fmt/format.h>

#include "binary/sections.h"
#include "binary/types.h"

namespace flint::binary {

namespace {

// The spec allows up to 2^32-1 locals ("too many locals" beyond), but a
// function's locals are expanded one entry per local, so an implementation
// limit keeps a few bytes of input from claiming gigabytes. 50000 is the
// limit the JS embedding (and Wasmtime) impose; real compilers stay far below.
constexpr uint64_t kSpecMaxLocals = 0xFFFFFFFF;
constexpr uint64_t kImplementationMaxLocals = 50000;

struct LocalRun {
  uint32_t count;
  ValType type;
};

// locals: vec(n:u32 t:valtype). The total is checked before anything is
// expanded; the runs themselves are bounded by the input (two bytes each).
Result<std::vector<ValType>> read_locals(Reader& r) {
  const size_t at = r.offset();
  std::vector<LocalRun> runs;
  uint64_t total = 0;
  FLINT_TRY(read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(uint32_t n, r.u32());
    FLINT_ASSIGN(ValType t, read_value_type(r));
    runs.push_back({n, t});
    total += n;  // at most 2^32 runs of less than 2^32: cannot overflow 64 bits
    return {};
  }));
  if (total > kSpecMaxLocals) return error_at(ErrorCode::TooManyLocals, at);
  if (total > kImplementationMaxLocals)
    return error_at(ErrorCode::TooManyLocals, at,
                    fmt::format("{} locals exceed the implementation limit of {}", total,
                                kImplementationMaxLocals));
  std::vector<ValType> locals;
  locals.reserve(total);
  for (const LocalRun& run : runs) locals.insert(locals.end(), run.count, run.type);
  return locals;
}

// One entry: size, locals, body. The body is decoded up to its final `end`
// regardless of the declared size, which is checked afterwards, as the
// reference interpreter does: a body missing its `end` reads on into what
// follows and is then reported as a size mismatch (or "END opcode expected").
Result<Function> read_function(Reader& r, ExpressionFacts& facts) {
  Function f;
  f.code_offset = static_cast<uint32_t>(r.offset());
  FLINT_ASSIGN(uint32_t size, r.length());
  const size_t start = r.offset();
  FLINT_ASSIGN(f.locals, read_locals(r));
  FLINT_TRY(decode_expression(r, f.body, f.br_table_targets, facts));
  if (r.offset() != start + size)
    return error_at(
        ErrorCode::SectionSizeMismatch, start,
        fmt::format("function body of {} bytes declared, {} read", size, r.offset() - start));
  return f;
}

}  // namespace

Status decode_code_section(Reader& r, DecodeState& s) {
  s.code_section_offset = r.offset();
  return read_vector(r, [&](uint32_t i) -> Status {
    Result<Function> f = read_function(r, s.code_facts);
    if (!f.ok()) {
      Error e = std::move(f).error();
      e.function = s.module.imported_functions + i;  // the index in the function index space
      return e;
    }
    s.bodies.push_back(std::move(f).value());
    return {};
  });
}

}  // namespace flint::binary

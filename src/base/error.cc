#include "flint/error.h"

#include <fmt/format.h>

namespace flint {

namespace {
struct ErrorInfo {
  Phase phase;
  std::string_view text;
};
constexpr ErrorInfo kErrorTable[] = {
#define FLINT_ERROR(id, phase, text) {Phase::phase, text},
#include "flint/errors.def"
#undef FLINT_ERROR
};
}  // namespace

Phase phase_of(ErrorCode code) { return kErrorTable[static_cast<size_t>(code)].phase; }
std::string_view spec_text(ErrorCode code) { return kErrorTable[static_cast<size_t>(code)].text; }

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::Parse: return "parse";
    case Phase::Decode: return "decode";
    case Phase::Validate: return "validation";
    case Phase::Link: return "link";
    case Phase::Trap: return "trap";
    case Phase::Exhaustion: return "exhaustion";
    case Phase::Host: return "host";
  }
  return "unknown";
}

std::string Error::message() const {
  if (detail.empty()) return std::string(spec_text(code));
  if (spec_text(code).empty()) return detail;  // the detail is the whole sentence
  // A single word (an index, an operator) follows the spec's words directly,
  // as the reference interpreter writes "unknown global 1"; longer context
  // is set off with a colon.
  // A parenthesised detail reads as part of the sentence too, as wasmparser
  // writes "invalid leading byte (0x6) for component external kind".
  // A spec text ending in "index" takes its index and whatever follows
  // directly: Wasmtime's "handle index 1 used with the wrong type, ...".
  bool joined = detail.find(' ') == std::string::npos || detail.front() == '(' ||
                spec_text(code).ends_with("index");
  return fmt::format("{}{}{}", spec_text(code), joined ? " " : ": ", detail);
}

std::string Error::describe() const {
  std::string where;
  if (line)
    where = fmt::format("{}:{}: ", *line, column.value_or(0));
  else if (offset)
    where = fmt::format("at offset {:#x}: ", *offset);
  if (function) where += fmt::format("in function {}: ", *function);
  return where + message();
}

}  // namespace flint

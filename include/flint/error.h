// Errors as values: every failure Flint reports carries a code from the one
// error table (errors.def), the phase it belongs to, and where it happened.
// Only the CLI turns an Error into text for a person.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flint {

/// The stage of the pipeline an error belongs to; the WAST runner uses it to
/// tell "malformed" (Parse/Decode) from "invalid" (Validate) and so on.
enum class Phase : uint8_t { Parse, Decode, Validate, Link, Trap, Exhaustion, Host };

/// Every error Flint reports, one per line of errors.def (its identifier).
enum class ErrorCode : uint16_t {
#define FLINT_ERROR(id, phase, text) id,
#include "flint/errors.def"
#undef FLINT_ERROR
};

/// The phase an error code belongs to, as declared in errors.def.
Phase phase_of(ErrorCode code);
/// The specification's words for an error code, as declared in errors.def.
std::string_view spec_text(ErrorCode code);
/// The phase as a word: "parse", "decode", "validation", "link", "trap", ...
std::string_view phase_name(Phase phase);

/// A failure with its place. `offset` is a byte offset into the binary module
/// (Decode/Validate) or into the source text (Parse); `line`/`column` are set
/// for text; `function` names the function index for code errors.
struct Error {
  ErrorCode code = ErrorCode::Usage;     ///< which error of the table
  std::string detail;                    ///< extra context, e.g. "expected i32, found f64"
  std::optional<uint64_t> offset;        ///< byte offset in the module or text
  std::optional<uint32_t> function;      ///< function index, for errors in code
  std::optional<uint32_t> line, column;  ///< place in text (Parse), 1-based

  /// The phase of `code`.
  Phase phase() const { return phase_of(code); }
  /// The spec's words and the detail, without location: "unknown global 1",
  /// "type mismatch: expected i32, found f64".
  std::string message() const;
  /// The one-line form the CLI prints: "at offset 0x1f: unexpected end".
  std::string describe() const;
};

/// An Error of `code` with `detail` and no place.
inline Error make_error(ErrorCode code, std::string detail = {}) {
  Error e;
  e.code = code;
  e.detail = std::move(detail);
  return e;
}
/// An Error of `code` at byte `offset`.
inline Error error_at(ErrorCode code, uint64_t offset, std::string detail = {}) {
  Error e = make_error(code, std::move(detail));
  e.offset = offset;
  return e;
}

}  // namespace flint

#include "component/canon.h"

#include <array>

namespace flint::component {

namespace {

constexpr CanonInfo kRows[] = {
#define FLINT_CANON(id, byte, text, imm) {CanonKind::id, byte, text, CanonImm::imm},
#include "component/canon.def"
#undef FLINT_CANON
};

// Leading byte -> row, built once from the table.
const std::array<const CanonInfo*, 256>& by_byte() {
  static const std::array<const CanonInfo*, 256> table = [] {
    std::array<const CanonInfo*, 256> t{};
    for (const CanonInfo& row : kRows) t[row.byte] = &row;
    return t;
  }();
  return table;
}

}  // namespace

const CanonInfo* canon_info(uint8_t byte) { return by_byte()[byte]; }
const CanonInfo& canon_info(CanonKind kind) { return kRows[size_t(kind)]; }

std::optional<Space> option_space(CanonOption::Kind kind) {
  switch (kind) {
    case CanonOption::Kind::Memory: return Space::CoreMemory;
    case CanonOption::Kind::Realloc:
    case CanonOption::Kind::PostReturn:
    case CanonOption::Kind::Callback: return Space::CoreFunc;
    case CanonOption::Kind::CoreType: return Space::CoreType;
    case CanonOption::Kind::Utf8:
    case CanonOption::Kind::Utf16:
    case CanonOption::Kind::Latin1Utf16:
    case CanonOption::Kind::Async:
    case CanonOption::Kind::Gc: break;
  }
  return std::nullopt;
}

const char* option_name(CanonOption::Kind kind) {
  switch (kind) {
    case CanonOption::Kind::Utf8: return "string-encoding=utf8";
    case CanonOption::Kind::Utf16: return "string-encoding=utf16";
    case CanonOption::Kind::Latin1Utf16: return "string-encoding=latin1+utf16";
    case CanonOption::Kind::Memory: return "memory";
    case CanonOption::Kind::Realloc: return "realloc";
    case CanonOption::Kind::PostReturn: return "post-return";
    case CanonOption::Kind::Async: return "async";
    case CanonOption::Kind::Callback: return "callback";
    case CanonOption::Kind::CoreType: return "core-type";
    case CanonOption::Kind::Gc: return "gc";
  }
  return "?";
}

}  // namespace flint::component

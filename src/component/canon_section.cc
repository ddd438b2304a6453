// The canon section (id 8; component-model Binary.md, "Canonical
// Definitions"): each definition's leading byte selects a row of canon.def,
// whose immediate kind says what follows.
#include <fmt/format.h>

#include "component/component.h"
#include "component/sections.h"

namespace flint::component {

namespace {

Result<std::vector<CanonOption>> read_options(Reader& r) {
  std::vector<CanonOption> options;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    CanonOption o;
    o.offset = r.offset();
    FLINT_ASSIGN(uint8_t b, r.u8());
    if (b > uint8_t(CanonOption::Kind::Gc))
      return leading_byte_error(b, o.offset, "canonical option");
    o.kind = static_cast<CanonOption::Kind>(b);
    if (option_space(o.kind)) {
      FLINT_ASSIGN(o.index, r.u32());
    }
    options.push_back(o);
    return {};
  }));
  return options;
}

// The sort byte after `lift` / `lower`: 0x00 (func), the only one allowed.
Status expect_func_sort(Reader& r, const char* production) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (b != 0x00) return leading_byte_error(b, at, production);
  return {};
}

Status read_immediates(Reader& r, CanonImm imm, Canon& c) {
  switch (imm) {
    case CanonImm::Lift: {
      FLINT_TRY(expect_func_sort(r, "canonical function lift"));
      FLINT_ASSIGN(c.func, r.u32());
      FLINT_ASSIGN(c.options, read_options(r));
      FLINT_ASSIGN(c.type, r.u32());
      return {};
    }
    case CanonImm::Lower: {
      FLINT_TRY(expect_func_sort(r, "canonical function lower"));
      FLINT_ASSIGN(c.func, r.u32());
      FLINT_ASSIGN(c.options, read_options(r));
      return {};
    }
    case CanonImm::None: return {};
    case CanonImm::Type: {
      FLINT_ASSIGN(c.type, r.u32());
      return {};
    }
    case CanonImm::TypeOpts: {
      FLINT_ASSIGN(c.type, r.u32());
      FLINT_ASSIGN(c.options, read_options(r));
      return {};
    }
    case CanonImm::TypeAsync: {
      FLINT_ASSIGN(c.type, r.u32());
      FLINT_ASSIGN(c.flag, read_flag(r));
      return {};
    }
    case CanonImm::Opts: {
      FLINT_ASSIGN(c.options, read_options(r));
      return {};
    }
    case CanonImm::Async:
    case CanonImm::Cancel:
    case CanonImm::Shared: {
      FLINT_ASSIGN(c.flag, read_flag(r));
      return {};
    }
    case CanonImm::CancelMemory: {
      FLINT_ASSIGN(c.flag, read_flag(r));
      FLINT_ASSIGN(c.memory, r.u32());
      return {};
    }
    case CanonImm::Context: {
      const size_t at = r.offset();
      FLINT_ASSIGN(uint8_t type, r.u8());
      if (type != 0x7f) return leading_byte_error(type, at, "context type");
      FLINT_ASSIGN(c.slot, r.u32());
      return {};
    }
    case CanonImm::Results: {
      FLINT_ASSIGN(c.result, read_result_list(r, "`task.return` result"));
      FLINT_ASSIGN(c.options, read_options(r));
      return {};
    }
    case CanonImm::TypeTable: {
      FLINT_ASSIGN(c.type, r.u32());
      FLINT_ASSIGN(c.table, r.u32());
      return {};
    }
    case CanonImm::SharedType: {
      FLINT_ASSIGN(c.flag, read_flag(r));
      FLINT_ASSIGN(c.type, r.u32());
      return {};
    }
    case CanonImm::SharedTypeTable: {
      FLINT_ASSIGN(c.flag, read_flag(r));
      FLINT_ASSIGN(c.type, r.u32());
      FLINT_ASSIGN(c.table, r.u32());
      return {};
    }
  }
  return {};
}

}  // namespace

Status decode_canon_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    Canon c;
    c.offset = r.offset();
    FLINT_ASSIGN(uint8_t b, r.u8());
    const CanonInfo* info = canon_info(b);
    if (!info) return leading_byte_error(b, c.offset, "canonical function");
    c.kind = info->kind;
    FLINT_TRY(read_immediates(r, info->imm, c));
    c.lands = s.land(c.kind == CanonKind::Lift ? Space::Func : Space::CoreFunc);
    s.component.canons.push_back(std::move(c));
    return {};
  });
}

}  // namespace flint::component

// Element, data count and data sections (spec 5.5.12, 5.5.14, 5.5.15).
#include <fmt/format.h>

#include "binary/sections.h"
#include "binary/types.h"

namespace flint::binary {

namespace {

// The element segment flags (5.5.12) are three bits:
//   bit 0  passive or declarative (1) / active (0)
//   bit 1  with bit 0: declarative (1) / passive (0);
//          without it: an explicit table index follows (1) / table 0 (0)
//   bit 2  the items are expressions with a reference type (1) /
//          function indices with an element kind (0)
constexpr uint32_t kElemNotActive = 1, kElemDeclarativeOrTable = 2, kElemExpressions = 4;
constexpr uint32_t kMaxElemFlags = 7;

// elemkind: the only element kind of 2.0 is 0x00, funcref.
Status read_element_kind(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t kind, r.u8());
  if (kind != 0x00)
    return error_at(ErrorCode::MalformedElementKind, at, fmt::format("0x{:02x}", kind));
  return {};
}

// A function index item becomes the constant expression `ref.func x end`, so
// every segment's items have one shape.
Result<ConstExpr> read_function_index_item(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint32_t func, r.u32());
  ConstExpr expr;
  Instr ref;
  ref.op = Opcode::RefFunc;
  ref.offset = static_cast<uint32_t>(at);
  ref.a = func;
  Instr end;
  end.op = Opcode::End;
  end.offset = static_cast<uint32_t>(at);
  expr.instrs = {ref, end};
  return expr;
}

Result<ElemSegment> read_element_segment(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint32_t flags, r.u32());
  if (flags > kMaxElemFlags)
    return error_at(ErrorCode::MalformedSegmentFlags, at,
                    fmt::format("element segment flags {}", flags));
  ElemSegment seg;
  if (flags & kElemNotActive) {
    seg.mode = (flags & kElemDeclarativeOrTable) ? SegmentMode::Declarative : SegmentMode::Passive;
  } else {
    seg.mode = SegmentMode::Active;
    if (flags & kElemDeclarativeOrTable) {
      FLINT_ASSIGN(seg.table, r.u32());
    }
    FLINT_ASSIGN(seg.offset, decode_const_expr(r));
  }
  // Flags 0 and 4 imply funcref; the others spell out the kind or type.
  const bool explicit_type = (flags & (kElemNotActive | kElemDeclarativeOrTable)) != 0;
  const bool expressions = (flags & kElemExpressions) != 0;
  if (explicit_type) {
    if (expressions) {
      FLINT_ASSIGN(seg.type, read_reference_type(r));
    } else {
      FLINT_TRY(read_element_kind(r));
    }
  }
  FLINT_TRY(read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(ConstExpr item, expressions ? decode_const_expr(r) : read_function_index_item(r));
    seg.items.push_back(std::move(item));
    return {};
  }));
  return seg;
}

// Data segment flags (5.5.14): 0 active in memory 0, 1 passive, 2 active
// with an explicit memory index.
Result<DataSegment> read_data_segment(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint32_t flags, r.u32());
  DataSegment seg;
  switch (flags) {
    case 0: {
      seg.mode = SegmentMode::Active;
      FLINT_ASSIGN(seg.offset, decode_const_expr(r));
      break;
    }
    case 1: seg.mode = SegmentMode::Passive; break;
    case 2: {
      seg.mode = SegmentMode::Active;
      FLINT_ASSIGN(seg.memory, r.u32());
      FLINT_ASSIGN(seg.offset, decode_const_expr(r));
      break;
    }
    default:
      return error_at(ErrorCode::MalformedSegmentFlags, at,
                      fmt::format("data segment flags {}", flags));
  }
  FLINT_ASSIGN(uint32_t n, r.u32());
  FLINT_ASSIGN(auto bytes, r.take(n));
  seg.bytes.assign(bytes.begin(), bytes.end());
  return seg;
}

}  // namespace

Status decode_element_section(Reader& r, DecodeState& s) {
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(ElemSegment seg, read_element_segment(r));
    s.module.elements.push_back(std::move(seg));
    return {};
  });
}

Status decode_data_count_section(Reader& r, DecodeState& s) {
  FLINT_ASSIGN(uint32_t n, r.u32());
  s.module.data_count = n;
  return {};
}

Status decode_data_section(Reader& r, DecodeState& s) {
  s.has_data_section = true;
  s.data_section_offset = r.offset();
  return read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(DataSegment seg, read_data_segment(r));
    s.module.data.push_back(std::move(seg));
    return {};
  });
}

}  // namespace flint::binary

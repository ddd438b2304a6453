#include "component/reader.h"

#include <fmt/format.h>

#include "binary/utf8.h"

namespace flint::component {

Error leading_byte_error(uint8_t byte, size_t at, const char* production) {
  return error_at(ErrorCode::InvalidLeadingByte, at,
                  fmt::format("(0x{:x}) for {}", byte, production));
}

Result<std::string> read_string(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint32_t n, r.u32());
  FLINT_ASSIGN(auto bytes, r.take(n));
  if (!binary::is_valid_utf8(bytes)) return error_at(ErrorCode::MalformedUtf8, at);
  return std::string(bytes.begin(), bytes.end());
}

Result<bool> read_flag(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (b > 1) return error_at(ErrorCode::InvalidBooleanValue, at, fmt::format("0x{:x}", b));
  return b == 1;
}

Result<bool> read_presence(Reader& r, const char* production) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (b > 1) return leading_byte_error(b, at, production);
  return b == 1;
}

bool is_core_sort(uint8_t b) {
  switch (b) {
    case uint8_t(CoreSort::Func):
    case uint8_t(CoreSort::Table):
    case uint8_t(CoreSort::Memory):
    case uint8_t(CoreSort::Global):
    case uint8_t(CoreSort::Tag):
    case uint8_t(CoreSort::Type):
    case uint8_t(CoreSort::Module):
    case uint8_t(CoreSort::Instance): return true;
    default: return false;
  }
}

Result<CoreSort> read_core_sort(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (!is_core_sort(b)) return leading_byte_error(b, at, "core sort");
  return static_cast<CoreSort>(b);
}

Result<std::optional<ValType>> read_result_list(Reader& r, const char* production) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (b == 0x00) {
    FLINT_ASSIGN(ValType t, read_val_type(r));
    return std::optional<ValType>(t);
  }
  if (b != 0x01) return leading_byte_error(b, at, production);
  const size_t count_at = r.offset();
  FLINT_ASSIGN(uint8_t n, r.u8());
  if (n != 0x00) return leading_byte_error(n, count_at, "number of results");
  return std::optional<ValType>();
}

Result<Sort> read_sort(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (b == uint8_t(SortKind::Core)) {
    FLINT_ASSIGN(CoreSort core, read_core_sort(r));
    return Sort{SortKind::Core, core};
  }
  if (b > uint8_t(SortKind::Instance)) return leading_byte_error(b, at, "component external kind");
  return Sort{static_cast<SortKind>(b), CoreSort::Func};
}

Result<SortIndex> read_sort_index(Reader& r) {
  FLINT_ASSIGN(Sort sort, read_sort(r));
  FLINT_ASSIGN(uint32_t index, r.u32());
  return SortIndex{sort, index};
}

// A type index shares its first byte with the primitive types' codes: the
// codes are negative s33 values, indices non-negative ones.
Result<ValType> read_val_type(Reader& r) {
  const size_t at = r.offset();
  Reader probe = r;
  FLINT_ASSIGN(uint8_t first, probe.u8());
  if (is_prim_type(first)) {
    r = probe;
    return ValType::of(static_cast<PrimType>(first));
  }
  FLINT_ASSIGN(int64_t value, r.s33());
  if (value < 0) return leading_byte_error(first, at, "component value type");
  return ValType::at(uint32_t(value));
}

Result<std::optional<ValType>> read_optional_val_type(Reader& r) {
  FLINT_ASSIGN(bool present, read_presence(r, "optional value type"));
  if (!present) return std::optional<ValType>();
  FLINT_ASSIGN(ValType t, read_val_type(r));
  return std::optional<ValType>(t);
}

Result<RawName> read_extern_name(Reader& r) {
  RawName n;
  n.offset = r.offset();
  FLINT_ASSIGN(n.prefix, r.u8());
  if (n.prefix > 0x02) return leading_byte_error(n.prefix, n.offset, "component name");
  FLINT_ASSIGN(n.name, read_string(r));
  if (n.prefix != 0x02) return n;
  FLINT_ASSIGN(uint32_t count, r.count());
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = r.offset();
    NameAttribute a;
    FLINT_ASSIGN(a.kind, r.u8());
    if (a.kind > 0x02) return leading_byte_error(a.kind, at, "name option");
    FLINT_ASSIGN(a.value, read_string(r));
    n.attributes.push_back(std::move(a));
  }
  return n;
}

namespace {

Result<TypeBound> read_type_bound(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  if (b == 0x01) return TypeBound{true, 0};
  if (b != 0x00) return leading_byte_error(b, at, "type bound");
  FLINT_ASSIGN(uint32_t eq, r.u32());
  return TypeBound{false, eq};
}

Result<ValueBound> read_value_bound(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  ValueBound bound;
  if (b == 0x00) {
    bound.eq = true;
    FLINT_ASSIGN(bound.value, r.u32());
    return bound;
  }
  if (b != 0x01) return leading_byte_error(b, at, "value bound");
  FLINT_ASSIGN(bound.type, read_val_type(r));
  return bound;
}

}  // namespace

Result<ExternDesc> read_extern_desc(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  ExternDesc d;
  switch (b) {
    case 0x00: {
      FLINT_ASSIGN(uint8_t core, r.u8());
      if (core != uint8_t(CoreSort::Module))
        return leading_byte_error(b, at, "component external kind");
      d.kind = ExternDesc::Kind::CoreModule;
      FLINT_ASSIGN(d.type, r.u32());
      return d;
    }
    case 0x01:
    case 0x04:
    case 0x05: {
      d.kind = static_cast<ExternDesc::Kind>(b);
      FLINT_ASSIGN(d.type, r.u32());
      return d;
    }
    case 0x02: {
      d.kind = ExternDesc::Kind::Value;
      FLINT_ASSIGN(d.value, read_value_bound(r));
      return d;
    }
    case 0x03: {
      d.kind = ExternDesc::Kind::Type;
      FLINT_ASSIGN(d.bound, read_type_bound(r));
      return d;
    }
    default: return leading_byte_error(b, at, "component external kind");
  }
}

}  // namespace flint::component

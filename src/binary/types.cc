#include "binary/types.h"

#include <fmt/format.h>

namespace flint::binary {

// Type constructors are single bytes, but the reference interpreter reads
// them as 7-bit signed LEB128s (negative numbers: 0x7F is -1), so a set
// continuation bit is "integer representation too long"; reading them the
// same way keeps the suite's expected words.
namespace {
Result<int64_t> read_type_code(Reader& r) { return r.signed_leb(7); }
std::string describe_code(int64_t code) { return fmt::format("0x{:02x}", uint8_t(code) & 0x7F); }
}  // namespace

Result<ValType> read_value_type(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(int64_t code, read_type_code(r));
  switch (code) {
    case -0x01: return ValType::I32;
    case -0x02: return ValType::I64;
    case -0x03: return ValType::F32;
    case -0x04: return ValType::F64;
    case -0x05: return ValType::V128;
    case -0x10: return ValType::FuncRef;
    case -0x11: return ValType::ExternRef;
    case -0x17: return ValType::ExnRef;
    default: return error_at(ErrorCode::MalformedValueType, at, describe_code(code));
  }
}

Result<ValType> read_reference_type(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(int64_t code, read_type_code(r));
  if (code == -0x10) return ValType::FuncRef;
  if (code == -0x11) return ValType::ExternRef;
  if (code == -0x17) return ValType::ExnRef;
  return error_at(ErrorCode::MalformedReferenceType, at, describe_code(code));
}

namespace {
Result<std::vector<ValType>> read_result_type(Reader& r) {
  FLINT_ASSIGN(uint32_t n, r.count());
  std::vector<ValType> types;
  for (uint32_t i = 0; i < n; ++i) {
    FLINT_ASSIGN(ValType t, read_value_type(r));
    types.push_back(t);
  }
  return types;
}
}  // namespace

Result<FuncType> read_function_type(Reader& r) {
  const size_t at = r.offset();
  FLINT_ASSIGN(int64_t form, read_type_code(r));
  if (form != -0x20) return error_at(ErrorCode::MalformedFunctionType, at, describe_code(form));
  FuncType type;
  FLINT_ASSIGN(type.params, read_result_type(r));
  FLINT_ASSIGN(type.results, read_result_type(r));
  return type;
}

Result<Limits> read_limits(Reader& r) {
  // The reference interpreter reads the flag as a 1-bit LEB128, so 0x02
  // is "integer too large" and 0x81 0x00 "integer representation too long".
  FLINT_ASSIGN(uint64_t has_max, r.unsigned_leb(1));
  Limits limits;
  FLINT_ASSIGN(limits.min, r.u32());
  if (has_max) {
    FLINT_ASSIGN(uint32_t max, r.u32());
    limits.max = max;
  }
  return limits;
}

Result<TableType> read_table_type(Reader& r) {
  TableType type;
  FLINT_ASSIGN(type.element, read_reference_type(r));
  FLINT_ASSIGN(type.limits, read_limits(r));
  return type;
}

Result<MemoryType> read_memory_type(Reader& r) {
  if (!r.features().shared_memory) {
    MemoryType type;
    FLINT_ASSIGN(type.limits, read_limits(r));
    return type;
  }
  // The threads proposal makes the flag a byte whose bit 1 is `shared`:
  // 0x00 min, 0x01 min max, 0x02 min shared (decoded, then invalid: "shared
  // memory must have maximum"), 0x03 min max shared. Other values (0x04-0x07
  // are memory64's, which Flint lacks) are malformed.
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t flags, r.u8());
  if (flags > 0x03)
    return error_at(ErrorCode::MalformedLimitsFlags, at, fmt::format("0x{:02x}", flags));
  MemoryType type;
  type.shared = (flags & 0x02) != 0;
  FLINT_ASSIGN(type.limits.min, r.u32());
  if (flags & 0x01) {
    FLINT_ASSIGN(uint32_t max, r.u32());
    type.limits.max = max;
  }
  return type;
}

Result<uint32_t> read_tag_type(Reader& r) {
  // tagtype ::= 0x00 typeidx: the attribute byte is 0 (an exception) for now.
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t attribute, r.u8());
  if (attribute != 0)
    return error_at(ErrorCode::MalformedTagAttribute, at, fmt::format("0x{:02x}", attribute));
  return r.u32();
}

Result<GlobalType> read_global_type(Reader& r) {
  GlobalType type;
  FLINT_ASSIGN(type.type, read_value_type(r));
  const size_t at = r.offset();
  FLINT_ASSIGN(uint8_t mut, r.u8());
  if (mut > 1) return error_at(ErrorCode::MalformedMutability, at, fmt::format("0x{:02x}", mut));
  type.is_mutable = mut == 1;
  return type;
}

}  // namespace flint::binary

#include "component/types.h"

namespace flint::component {

bool is_prim_type(uint8_t byte) {
  return (byte >= uint8_t(PrimType::String) && byte <= uint8_t(PrimType::Bool)) ||
         byte == uint8_t(PrimType::ErrorContext);
}

const char* prim_name(PrimType t) {
  switch (t) {
    case PrimType::Bool: return "bool";
    case PrimType::S8: return "s8";
    case PrimType::U8: return "u8";
    case PrimType::S16: return "s16";
    case PrimType::U16: return "u16";
    case PrimType::S32: return "s32";
    case PrimType::U32: return "u32";
    case PrimType::S64: return "s64";
    case PrimType::U64: return "u64";
    case PrimType::F32: return "f32";
    case PrimType::F64: return "f64";
    case PrimType::Char: return "char";
    case PrimType::String: return "string";
    case PrimType::ErrorContext: return "error-context";
  }
  return "?";
}

Space space_of(ExternDesc::Kind kind) {
  switch (kind) {
    case ExternDesc::Kind::CoreModule: return Space::CoreModule;
    case ExternDesc::Kind::Func: return Space::Func;
    case ExternDesc::Kind::Value: return Space::Value;
    case ExternDesc::Kind::Type: return Space::Type;
    case ExternDesc::Kind::Component: return Space::Component;
    case ExternDesc::Kind::Instance: return Space::Instance;
  }
  return Space::Func;
}

}  // namespace flint::component

#include "runtime/objects.h"

#include <cstring>

#include "runtime/engine.h"

namespace flint {

int64_t TableInst::grow(uint64_t delta, void* init) {
  uint64_t old = elements.size();
  uint64_t limit = std::min(max.value_or(UINT32_MAX), kMaxTableElements);
  if (delta > limit - std::min(limit, old)) return -1;
  elements.resize(old + delta, init);
  return int64_t(old);
}

void store_value(const Value& v, uint64_t* slots) {
  switch (v.type) {
    case ValType::I32: slots[0] = v.i32; break;
    case ValType::F32: slots[0] = v.f32_bits; break;
    case ValType::I64: slots[0] = v.i64; break;
    case ValType::F64: slots[0] = v.f64_bits; break;
    case ValType::V128: std::memcpy(slots, v.v128.bytes, 16); break;
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: slots[0] = reinterpret_cast<uintptr_t>(v.ref); break;
  }
}

Value load_value(ValType type, const uint64_t* slots) {
  switch (type) {
    case ValType::I32: return Value::i32_(uint32_t(slots[0]));
    case ValType::F32: return Value::f32_bits_(uint32_t(slots[0]));
    case ValType::I64: return Value::i64_(slots[0]);
    case ValType::F64: return Value::f64_bits_(slots[0]);
    case ValType::V128: {
      V128 v;
      std::memcpy(v.bytes, slots, 16);
      return Value::v128_(v);
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: return Value::ref_(type, reinterpret_cast<void*>(uintptr_t(slots[0])));
  }
  return Value();
}

std::optional<Extern> InstanceImpl::find_export(std::string_view name) const {
  auto it = exports.find(std::string(name));
  if (it == exports.end()) return std::nullopt;
  return it->second;
}

const Module& InstanceImpl::module() const { return compiled->module(); }

}  // namespace flint

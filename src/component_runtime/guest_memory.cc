// Calling a component instance's realloc.
#include "component_runtime/guest_memory.h"

namespace flint::component {

Result<uint32_t> StoreMemory::realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                                      uint32_t new_size) {
  if (!realloc_) return make_error(ErrorCode::InvalidCanonOptions, "no realloc option");
  const Value args[] = {Value::i32_(old_ptr), Value::i32_(old_size), Value::i32_(align),
                        Value::i32_(new_size)};
  FLINT_ASSIGN(std::vector<Value> results, store_.call(*realloc_, args));
  return results.at(0).i32;
}

}  // namespace flint::component

// canon::GuestMemory over a store's core memory and `realloc` function: how
// the canonical ABI reaches a component instance's linear memory.
#pragma once

#include <optional>

#include "canon/context.h"
#include "flint/runtime.h"

namespace flint::component {

class StoreMemory final : public canon::GuestMemory {
 public:
  StoreMemory(Store& store, Extern memory, std::optional<Extern> realloc)
      : store_(store), memory_(memory), realloc_(realloc) {}

  std::span<uint8_t> bytes() override { return store_.memory_data(memory_); }
  Result<uint32_t> realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                           uint32_t new_size) override;
  bool has_realloc() const override { return realloc_.has_value(); }

 private:
  Store& store_;
  Extern memory_;
  std::optional<Extern> realloc_;
};

}  // namespace flint::component

// Bounds, alignment and realloc checks (CanonicalABI.md: the trap_if lines
// of load_list_from_range, load_string_from_range and the store_* helpers).
#include "canon/access.h"

#include <string>

namespace flint::canon {

Result<std::span<uint8_t>> memory_range(CallContext& cx, uint64_t ptr, uint64_t len,
                                        ErrorCode code) {
  if (!cx.memory) return abi_trap(code, "(no memory option)");
  std::span<uint8_t> bytes = cx.memory->bytes();
  // ptr < 2^32 and len < 2^64 - 2^32 in every caller, so the sum cannot wrap;
  // check the two halves anyway so no caller has to know that.
  if (ptr > bytes.size() || len > bytes.size() - ptr) return abi_trap(code);
  return bytes.subspan(size_t(ptr), size_t(len));
}

Status check_aligned(uint64_t ptr, uint32_t align) {
  if (ptr % align != 0) return abi_trap(ErrorCode::UnalignedPointer);
  return {};
}

Result<uint32_t> checked_realloc(CallContext& cx, uint32_t old_ptr, uint32_t old_size,
                                 uint32_t align, uint32_t new_size, ErrorCode fused_oob) {
  if (!cx.memory || !cx.memory->has_realloc())
    return abi_trap(ErrorCode::ReallocOutOfBounds, "(no realloc option)");
  FLINT_ASSIGN(uint32_t ptr, cx.memory->realloc(old_ptr, old_size, align, new_size));
  // Alignment first: a realloc answering -1 fails "not aligned" (the
  // suite's realloc.wast pins that order).
  if (ptr % align != 0)
    return abi_trap(cx.fused ? ErrorCode::UnalignedPointer : ErrorCode::ReallocNotAligned);
  if (uint64_t(ptr) + new_size > cx.memory->bytes().size())
    return abi_trap(cx.fused ? fused_oob : ErrorCode::ReallocOutOfBounds);
  return ptr;
}

}  // namespace flint::canon

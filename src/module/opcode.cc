#include "module/opcode.h"

#include <array>
#include <string>
#include <unordered_map>

namespace flint {

namespace {

constexpr OpcodeInfo kOpcodes[] = {
#define FLINT_OP(id, text, prefix, code, imm, sig, align) \
  {Opcode::id, text, prefix, code, ImmKind::imm, Signature::sig, align},
#include "module/opcodes.def"
#undef FLINT_OP
};

struct OpcodeIndex {
  std::array<const OpcodeInfo*, kOpcodeSpace> by_value{};
  std::unordered_map<std::string_view, const OpcodeInfo*> by_text;
  OpcodeIndex() {
    for (const OpcodeInfo& o : kOpcodes) {
      by_value[static_cast<uint16_t>(o.op)] = &o;
      by_text.emplace(o.text, &o);  // first wins: plain `select` before `select t`
    }
  }
};

const OpcodeIndex& index() {
  static const OpcodeIndex idx;
  return idx;
}

// Signatures hold at most three operands and one result.
struct SigTypes {
  ValType params[3];
  uint8_t param_count;
  ValType results[1];
  uint8_t result_count;
};

constexpr SigTypes kSignatures[] = {
#define FLINT_SIG(id, np, nr, p0, p1, p2, r0) \
  {{ValType::p0, ValType::p1, ValType::p2}, np, {ValType::r0}, nr},
#include "module/signatures.def"
#undef FLINT_SIG
};

}  // namespace

const OpcodeInfo* opcode_info(uint16_t value) {
  return value < kOpcodeSpace ? index().by_value[value] : nullptr;
}

const OpcodeInfo* opcode_by_text(std::string_view text) {
  auto it = index().by_text.find(text);
  return it == index().by_text.end() ? nullptr : it->second;
}

SignatureTypes signature_types(Signature s) {
  const SigTypes& t = kSignatures[static_cast<size_t>(s)];
  return {std::span<const ValType>(t.params, t.param_count),
          std::span<const ValType>(t.results, t.result_count)};
}

std::span<const OpcodeInfo> all_opcodes() { return kOpcodes; }

}  // namespace flint

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

// Lookup by value is built at compile time: the decoder needs it on every
// start of `flint run`, the text index (a hash map) only the text parser.
constexpr auto kByValue = [] {
  std::array<const OpcodeInfo*, kOpcodeSpace> by_value{};
  for (const OpcodeInfo& o : kOpcodes) by_value[static_cast<uint16_t>(o.op)] = &o;
  return by_value;
}();

struct TextIndex {
  std::unordered_map<std::string_view, const OpcodeInfo*> by_text;
  TextIndex() {
    for (const OpcodeInfo& o : kOpcodes) by_text.emplace(o.text, &o);  // first wins: plain `select` before `select t`
  }
};

const TextIndex& text_index() {
  static const TextIndex idx;
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
  return value < kOpcodeSpace ? kByValue[value] : nullptr;
}

const OpcodeInfo* opcode_by_text(std::string_view text) {
  const auto& by_text = text_index().by_text;
  auto it = by_text.find(text);
  return it == by_text.end() ? nullptr : it->second;
}

SignatureTypes signature_types(Signature s) {
  const SigTypes& t = kSignatures[static_cast<size_t>(s)];
  return {std::span<const ValType>(t.params, t.param_count),
          std::span<const ValType>(t.results, t.result_count)};
}

std::span<const OpcodeInfo> all_opcodes() { return kOpcodes; }

}  // namespace flint

// Custom sections (spec 5.5.3): a name and opaque bytes, kept as they are.
#include "binary/sections.h"

namespace flint::binary {

Status decode_custom_section(Reader& r, DecodeState& s) {
  CustomSection custom;
  FLINT_ASSIGN(custom.name, r.name());
  custom.offset = static_cast<uint32_t>(r.offset());  // where `bytes` start in the module
  const Reader payload = r;  // the name section is decoded from its own copy
  FLINT_ASSIGN(auto bytes, r.take(r.remaining()));
  custom.bytes.assign(bytes.begin(), bytes.end());
  if (custom.name == "name") {
    if (std::optional<Names> names = decode_name_section(payload))
      s.module.names = std::move(*names);
  }
  s.module.customs.push_back(std::move(custom));
  return {};
}

}  // namespace flint::binary

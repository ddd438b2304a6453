// The "name" custom section (spec 7.4): debug names for the module, its
// functions and their locals. It never makes a module fail: when any part
// of it is malformed, the whole section is ignored.
#include "binary/sections.h"

namespace flint::binary {

namespace {

enum class NameSubsection : uint8_t { Module = 0, Functions = 1, Locals = 2 };

// namemap (7.4.2): vec(idx name). Duplicate indices keep their first name.
Result<std::map<uint32_t, std::string>> read_name_map(Reader& r) {
  std::map<uint32_t, std::string> map;
  FLINT_TRY(read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(uint32_t index, r.u32());
    FLINT_ASSIGN(std::string name, r.name());
    map.emplace(index, std::move(name));
    return {};
  }));
  return map;
}

Status read_subsection(NameSubsection id, Reader& r, Names& names) {
  switch (id) {
    case NameSubsection::Module: {
      FLINT_ASSIGN(std::string name, r.name());
      names.module = std::move(name);
      return {};
    }
    case NameSubsection::Functions: {
      FLINT_ASSIGN(names.functions, read_name_map(r));
      return {};
    }
    case NameSubsection::Locals:
      // indirectnamemap: vec(funcidx namemap)
      return read_vector(r, [&](uint32_t) -> Status {
        FLINT_ASSIGN(uint32_t func, r.u32());
        FLINT_ASSIGN(auto map, read_name_map(r));
        names.locals.emplace(func, std::move(map));
        return {};
      });
  }
  return {};
}

Result<Names> read_names(Reader& r) {
  Names names;
  int last_id = -1;
  while (!r.at_end()) {
    FLINT_ASSIGN(uint8_t id, r.u8());
    FLINT_ASSIGN(uint32_t size, r.length());
    const size_t end = r.offset() + size;
    // Subsections appear at most once, in order of their ids (7.4.1).
    if (int(id) <= last_id) return r.error(ErrorCode::MalformedSectionId);
    last_id = id;
    Reader sub = r.bounded(end);
    if (id <= uint8_t(NameSubsection::Locals)) {
      FLINT_TRY(read_subsection(static_cast<NameSubsection>(id), sub, names));
      if (!sub.at_end()) return sub.error(ErrorCode::SectionSizeMismatch);
    }
    FLINT_TRY(r.take(size));  // subsections of other ids (from later proposals) are skipped
  }
  return names;
}

}  // namespace

std::optional<Names> decode_name_section(Reader r) {
  Result<Names> names = read_names(r);
  if (!names.ok()) return std::nullopt;
  return std::move(names).value();
}

}  // namespace flint::binary

// The sections that define and name things (component-model Binary.md,
// "Instance Definitions", "Alias Definitions", "Start Definitions", "Import
// and Export Definitions", "Value Definitions"): core instances (id 2),
// instances (5), aliases (6), start (9), imports (10), exports (11), values
// (12) and custom sections (0).
#include <fmt/format.h>

#include "component/component.h"
#include "component/sections.h"

namespace flint::component {

namespace {

Status read_core_instantiate(Reader& r, CoreInstance& inst) {
  FLINT_ASSIGN(inst.module, r.u32());
  return binary::read_vector(r, [&](uint32_t) -> Status {
    CoreInstantiateArg arg;
    FLINT_ASSIGN(arg.name, read_string(r));
    const size_t at = r.offset();
    FLINT_ASSIGN(uint8_t kind, r.u8());
    if (kind != uint8_t(CoreSort::Instance))
      return leading_byte_error(kind, at, "instantiation arg kind");
    FLINT_ASSIGN(arg.instance, r.u32());
    inst.args.push_back(std::move(arg));
    return {};
  });
}

Status read_core_inline_exports(Reader& r, CoreInstance& inst) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    CoreInlineExport e;
    FLINT_ASSIGN(e.name, read_string(r));
    FLINT_ASSIGN(e.sort, read_core_sort(r));
    FLINT_ASSIGN(e.index, r.u32());
    inst.exports.push_back(std::move(e));
    return {};
  });
}

Status read_instantiate(Reader& r, Instance& inst) {
  FLINT_ASSIGN(inst.component, r.u32());
  return binary::read_vector(r, [&](uint32_t) -> Status {
    InstantiateArg arg;
    FLINT_ASSIGN(arg.name, read_string(r));
    FLINT_ASSIGN(arg.item, read_sort_index(r));
    inst.args.push_back(std::move(arg));
    return {};
  });
}

Status read_inline_exports(Reader& r, Instance& inst) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    InlineExport e;
    FLINT_ASSIGN(e.name, read_extern_name(r));
    FLINT_ASSIGN(e.item, read_sort_index(r));
    inst.exports.push_back(std::move(e));
    return {};
  });
}

// The sorts an outer alias may name: core module, core type, type, component.
bool outer_aliasable(uint8_t first, uint8_t core) {
  if (first == uint8_t(SortKind::Core))
    return core == uint8_t(CoreSort::Module) || core == uint8_t(CoreSort::Type);
  return first == uint8_t(SortKind::Type) || first == uint8_t(SortKind::Component);
}

}  // namespace

// The sort is read as raw bytes first: which sorts are allowed, and the
// words of the error, depend on the target that follows.
Result<Alias> read_alias(Reader& r) {
  Alias a;
  a.offset = r.offset();
  FLINT_ASSIGN(uint8_t first, r.u8());
  uint8_t core = 0;
  size_t last_at = a.offset;
  if (first == uint8_t(SortKind::Core)) {
    last_at = r.offset();
    FLINT_ASSIGN(core, r.u8());
  }
  const size_t target_at = r.offset();
  FLINT_ASSIGN(uint8_t target, r.u8());
  switch (target) {
    case uint8_t(Alias::Target::Export):
    case uint8_t(Alias::Target::CoreExport): {
      if (first == uint8_t(SortKind::Core)) {
        if (!is_core_sort(core)) return leading_byte_error(core, last_at, "core sort");
      } else if (first > uint8_t(SortKind::Instance)) {
        return leading_byte_error(first, a.offset, "component external kind");
      }
      a.target = static_cast<Alias::Target>(target);
      FLINT_ASSIGN(a.instance, r.u32());
      FLINT_ASSIGN(a.name, read_string(r));
      break;
    }
    case uint8_t(Alias::Target::Outer): {
      if (!outer_aliasable(first, core))
        return leading_byte_error(first == 0 ? core : first, last_at, "component outer alias kind");
      a.target = Alias::Target::Outer;
      FLINT_ASSIGN(a.count, r.u32());
      FLINT_ASSIGN(a.index, r.u32());
      break;
    }
    default: return leading_byte_error(target, target_at, "alias");
  }
  a.sort = Sort{static_cast<SortKind>(first), static_cast<CoreSort>(core)};
  return a;
}

Status decode_core_instance_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    CoreInstance inst;
    inst.offset = r.offset();
    FLINT_ASSIGN(uint8_t b, r.u8());
    if (b == 0x00) {
      FLINT_TRY(read_core_instantiate(r, inst));
    } else if (b == 0x01) {
      inst.instantiate = false;
      FLINT_TRY(read_core_inline_exports(r, inst));
    } else {
      return leading_byte_error(b, inst.offset, "core instance");
    }
    inst.index = s.land(Space::CoreInstance).index;
    s.component.core_instances.push_back(std::move(inst));
    return {};
  });
}

Status decode_instance_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    Instance inst;
    inst.offset = r.offset();
    FLINT_ASSIGN(uint8_t b, r.u8());
    if (b == 0x00) {
      FLINT_TRY(read_instantiate(r, inst));
    } else if (b == 0x01) {
      inst.instantiate = false;
      FLINT_TRY(read_inline_exports(r, inst));
    } else {
      return leading_byte_error(b, inst.offset, "instance");
    }
    inst.index = s.land(Space::Instance).index;
    s.component.instances.push_back(std::move(inst));
    return {};
  });
}

Status decode_alias_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(Alias a, read_alias(r));
    a.lands = s.land(space_of(a.sort));
    s.component.aliases.push_back(std::move(a));
    return {};
  });
}

Status decode_start_section(Reader& r, DecodeState& s) {
  Start start;
  start.offset = r.offset();
  FLINT_ASSIGN(start.func, r.u32());
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(uint32_t v, r.u32());
    start.args.push_back(v);
    return {};
  }));
  FLINT_ASSIGN(start.results, r.u32());
  start.first_value = s.component.space_size(Space::Value);
  // Each result becomes a value; a hostile count adds no memory here.
  s.component.space_sizes[size_t(Space::Value)] += start.results;
  s.component.starts.push_back(std::move(start));
  return {};
}

Status decode_import_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    ComponentImport imp;
    FLINT_ASSIGN(imp.name, read_extern_name(r));
    FLINT_ASSIGN(imp.desc, read_extern_desc(r));
    imp.lands = s.land(space_of(imp.desc.kind));
    s.component.imports.push_back(std::move(imp));
    return {};
  });
}

Status decode_export_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    ComponentExport e;
    e.offset = r.offset();
    FLINT_ASSIGN(e.name, read_extern_name(r));
    FLINT_ASSIGN(e.item, read_sort_index(r));
    FLINT_ASSIGN(bool ascribed, read_presence(r, "optional component export type"));
    if (ascribed) {
      FLINT_ASSIGN(ExternDesc d, read_extern_desc(r));
      e.ascribed = d;
    }
    e.lands = s.land(space_of(e.item.sort));
    s.component.exports.push_back(std::move(e));
    return {};
  });
}

// 🪙 value ::= t:<valtype> len:<u32> v:<val(t)>; the value stays encoded.
Status decode_value_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    ValueDefinition v;
    FLINT_ASSIGN(v.type, read_val_type(r));
    FLINT_ASSIGN(uint32_t len, r.u32());
    v.offset = r.offset();
    FLINT_TRY(r.take(len));
    v.size = len;
    v.index = s.land(Space::Value).index;
    s.component.values.push_back(std::move(v));
    return {};
  });
}

Status decode_custom_section(Reader& r, DecodeState& s) {
  CustomSection c;
  FLINT_ASSIGN(c.name, read_string(r));
  c.offset = r.offset();
  c.size = r.remaining();
  FLINT_TRY(r.take(c.size));
  s.component.customs.push_back(std::move(c));
  return {};
}

}  // namespace flint::component

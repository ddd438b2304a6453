// The type section (id 7) and the `type` declarations of component and
// instance types (component-model Binary.md, "Type Definitions"): deftype,
// defvaltype, functype, resourcetype, componenttype and instancetype.
#include <fmt/format.h>

#include "component/component.h"
#include "component/sections.h"

namespace flint::component {

namespace {

Result<std::vector<LabeledType>> read_labeled_types(Reader& r) {
  std::vector<LabeledType> out;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    LabeledType t;
    FLINT_ASSIGN(t.label, read_string(r));
    FLINT_ASSIGN(t.type, read_val_type(r));
    out.push_back(std::move(t));
    return {};
  }));
  return out;
}

Result<std::vector<std::string>> read_labels(Reader& r) {
  std::vector<std::string> out;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(std::string label, read_string(r));
    out.push_back(std::move(label));
    return {};
  }));
  return out;
}

Result<VariantType> read_variant(Reader& r) {
  VariantType v;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    Case c;
    FLINT_ASSIGN(c.label, read_string(r));
    FLINT_ASSIGN(c.type, read_optional_val_type(r));
    // Once the `refines` clause; now a byte that must be zero.
    const size_t at = r.offset();
    FLINT_ASSIGN(uint8_t zero, r.u8());
    if (zero != 0) return leading_byte_error(zero, at, "zero byte required");
    v.cases.push_back(std::move(c));
    return {};
  }));
  return v;
}

Result<TupleType> read_tuple(Reader& r) {
  TupleType t;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(ValType v, read_val_type(r));
    t.types.push_back(v);
    return {};
  }));
  return t;
}

// defvaltype after its leading byte `b` (already consumed at `at`).
Result<DefValType> read_def_val_type(Reader& r, uint8_t b, size_t at) {
  if (is_prim_type(b)) return DefValType(static_cast<PrimType>(b));
  switch (b) {
    case 0x72: {
      FLINT_ASSIGN(auto fields, read_labeled_types(r));
      return DefValType(RecordType{std::move(fields)});
    }
    case 0x71: {
      FLINT_ASSIGN(VariantType v, read_variant(r));
      return DefValType(std::move(v));
    }
    case 0x70: {
      FLINT_ASSIGN(ValType e, read_val_type(r));
      return DefValType(ListType{e, std::nullopt});
    }
    case 0x67: {
      FLINT_ASSIGN(ValType e, read_val_type(r));
      FLINT_ASSIGN(uint32_t n, r.u32());
      return DefValType(ListType{e, n});
    }
    case 0x6f: {
      FLINT_ASSIGN(TupleType t, read_tuple(r));
      return DefValType(std::move(t));
    }
    case 0x6e: {
      FLINT_ASSIGN(auto labels, read_labels(r));
      return DefValType(FlagsType{std::move(labels)});
    }
    case 0x6d: {
      FLINT_ASSIGN(auto labels, read_labels(r));
      return DefValType(EnumType{std::move(labels)});
    }
    case 0x6b: {
      FLINT_ASSIGN(ValType t, read_val_type(r));
      return DefValType(OptionType{t});
    }
    case 0x6a: {
      ResultType t;
      FLINT_ASSIGN(t.ok, read_optional_val_type(r));
      FLINT_ASSIGN(t.error, read_optional_val_type(r));
      return DefValType(t);
    }
    case 0x69: {
      FLINT_ASSIGN(uint32_t i, r.u32());
      return DefValType(OwnType{i});
    }
    case 0x68: {
      FLINT_ASSIGN(uint32_t i, r.u32());
      return DefValType(BorrowType{i});
    }
    case 0x66: {
      FLINT_ASSIGN(auto e, read_optional_val_type(r));
      return DefValType(StreamType{e});
    }
    case 0x65: {
      FLINT_ASSIGN(auto e, read_optional_val_type(r));
      return DefValType(FutureType{e});
    }
    case 0x63: {
      FLINT_ASSIGN(ValType k, read_val_type(r));
      FLINT_ASSIGN(ValType v, read_val_type(r));
      return DefValType(MapType{k, v});
    }
    default: return leading_byte_error(b, at, "component defined type");
  }
}

Result<FuncType> read_func_type(Reader& r, bool async) {
  FuncType f;
  f.async = async;
  FLINT_ASSIGN(f.params, read_labeled_types(r));
  FLINT_ASSIGN(f.result, read_result_list(r, "component function results"));
  return f;
}

Result<ResourceDef> read_resource_type(Reader& r) {
  const size_t at = r.offset();
  ResourceDef t;
  FLINT_ASSIGN(t.rep, r.u8());
  if (t.rep != 0x7f) return leading_byte_error(t.rep, at, "resource representation");
  FLINT_ASSIGN(bool has_dtor, read_presence(r, "resource destructor"));
  if (has_dtor) {
    FLINT_ASSIGN(uint32_t f, r.u32());
    t.dtor = f;
  }
  return t;
}

// componentdecl / instancedecl: `component` allows imports (0x03).
Result<std::vector<Decl>> read_decls(Reader& r, bool component) {
  std::vector<Decl> decls;
  FLINT_TRY(binary::read_vector(r, [&](uint32_t) -> Status {
    Decl d;
    d.offset = r.offset();
    FLINT_ASSIGN(uint8_t b, r.u8());
    switch (b) {
      case uint8_t(Decl::Kind::CoreType): {
        FLINT_ASSIGN(d.core_type, read_core_type_def(r));
        break;
      }
      case uint8_t(Decl::Kind::Type): {
        FLINT_ASSIGN(d.type, read_type_def(r));
        break;
      }
      case uint8_t(Decl::Kind::Alias): {
        FLINT_ASSIGN(Alias a, read_alias(r));
        d.alias = std::make_shared<const Alias>(std::move(a));
        break;
      }
      case uint8_t(Decl::Kind::Import):
        if (!component)
          return leading_byte_error(b, d.offset, "component or instance type declaration");
        [[fallthrough]];
      case uint8_t(Decl::Kind::Export): {
        FLINT_ASSIGN(d.name, read_extern_name(r));
        FLINT_ASSIGN(d.desc, read_extern_desc(r));
        break;
      }
      default: return leading_byte_error(b, d.offset, "component or instance type declaration");
    }
    d.kind = static_cast<Decl::Kind>(b);
    decls.push_back(std::move(d));
    return {};
  }));
  return decls;
}

}  // namespace

Result<std::shared_ptr<const TypeDef>> read_type_def(Reader& r) {
  auto t = std::make_shared<TypeDef>();
  t->offset = r.offset();
  FLINT_ASSIGN(uint8_t b, r.u8());
  switch (b) {
    case 0x40:
    case 0x43: {
      FLINT_ASSIGN(FuncType f, read_func_type(r, b == 0x43));
      t->def = std::move(f);
      break;
    }
    case 0x41: {
      FLINT_ASSIGN(auto decls, read_decls(r, true));
      t->def = ComponentType{std::move(decls)};
      break;
    }
    case 0x42: {
      FLINT_ASSIGN(auto decls, read_decls(r, false));
      t->def = InstanceType{std::move(decls)};
      break;
    }
    case 0x3f: {
      FLINT_ASSIGN(ResourceDef res, read_resource_type(r));
      t->def = res;
      break;
    }
    default: {
      FLINT_ASSIGN(DefValType v, read_def_val_type(r, b, t->offset));
      t->def = std::move(v);
    }
  }
  return std::shared_ptr<const TypeDef>(std::move(t));
}

Status decode_type_section(Reader& r, DecodeState& s) {
  return binary::read_vector(r, [&](uint32_t) -> Status {
    FLINT_ASSIGN(auto t, read_type_def(r));
    s.component.types.push_back({std::move(t), s.land(Space::Type).index});
    return {};
  });
}

}  // namespace flint::component

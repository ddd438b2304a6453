// Subtyping of component types; see subtyping.h.
#include "component/subtyping.h"

#include <fmt/format.h>

#include "component/extern_name.h"

namespace flint::component {

namespace {

Error mismatch(size_t offset, std::string detail) {
  return error_at(ErrorCode::ComponentTypeMismatch, offset, std::move(detail));
}

// Puts `context` before an inner mismatch's words, as wasmparser's
// with_context does.
Status in_context(Status s, const std::string& context) {
  if (s) return s;
  Error e = std::move(s).error();
  e.detail = context + ": " + e.detail;
  return e;
}

// wasmparser's names for a kind in "expected X, found Y".
const char* kind_desc(TypeKind k) { return kind_name(k); }

const char* entity_desc(TypeEntity::Kind k) {
  switch (k) {
    case TypeEntity::Kind::Value: return "defined type";
    case TypeEntity::Kind::Func: return "func type";
    case TypeEntity::Kind::Component: return "component type";
    case TypeEntity::Kind::Instance: return "instance type";
    case TypeEntity::Kind::Resource: return "resource";
  }
  return "?";
}

Status resource_subtype(const ResourceTypePtr& actual, const ResourceTypePtr& expected,
                        SubtypeContext& cx, size_t offset) {
  if (!actual || !expected) return {};
  const ResourceType* e = expected.get();
  if (auto it = cx.bound.find(e); it != cx.bound.end())
    e = it->second.get();
  else if (cx.bindable.count(e)) {
    cx.bound[e] = actual;
    return {};
  }
  if (e != actual.get()) return mismatch(offset, "resource types are not the same");
  return {};
}

Status value_at(const ValueType& a, const ValueType& e, SubtypeContext& cx, size_t offset, bool top,
                int depth);

Status optional_value(const ValueTypePtr& a, const ValueTypePtr& e, SubtypeContext& cx,
                      size_t offset, int depth, const char* what) {
  if (!a && !e) return {};
  if (!a) return mismatch(offset, fmt::format("expected {} type, but found none", what));
  if (!e) return mismatch(offset, fmt::format("expected {} type to not be present", what));
  return value_at(*a, *e, cx, offset, false, depth + 1);
}

Status value_at(const ValueType& a, const ValueType& e, SubtypeContext& cx, size_t offset, bool top,
                int depth) {
  if (depth > 1000) return mismatch(offset, "type nesting too deep");
  if (&a == &e && cx.bindable.empty()) return {};
  const bool ap = is_primitive(a.kind), ep = is_primitive(e.kind);
  if (ap && ep) {
    if (a.kind != e.kind)
      return mismatch(offset, fmt::format("expected primitive `{}` found primitive `{}`",
                                          kind_name(e.kind), kind_name(a.kind)));
    return {};
  }
  if (ep)
    return mismatch(offset, fmt::format("expected {}, found {}",
                                        top ? "primitive" : kind_name(e.kind), kind_desc(a.kind)));
  if (a.kind != e.kind)
    return mismatch(offset,
                    fmt::format("expected {}, found {}", kind_desc(e.kind), kind_desc(a.kind)));
  auto inner = [&](const ValueTypePtr& x, const ValueTypePtr& y) -> Status {
    if (!x || !y) return (!x && !y) ? Status() : mismatch(offset, "type mismatch");
    return value_at(*x, *y, cx, offset, false, depth + 1);
  };
  switch (e.kind) {
    case TypeKind::Record:
      if (a.fields.size() != e.fields.size())
        return mismatch(
            offset, fmt::format("expected {} fields, found {}", e.fields.size(), a.fields.size()));
      for (size_t i = 0; i < e.fields.size(); ++i) {
        if (a.fields[i].label != e.fields[i].label)
          return mismatch(offset, fmt::format("expected field name `{}`, found `{}`",
                                              e.fields[i].label, a.fields[i].label));
        FLINT_TRY(in_context(inner(a.fields[i].type, e.fields[i].type),
                             fmt::format("type mismatch in record field `{}`", e.fields[i].label)));
      }
      return {};
    case TypeKind::Variant:
      if (a.fields.size() != e.fields.size())
        return mismatch(
            offset, fmt::format("expected {} cases, found {}", e.fields.size(), a.fields.size()));
      for (size_t i = 0; i < e.fields.size(); ++i) {
        const Field &ac = a.fields[i], &ec = e.fields[i];
        if (ac.label != ec.label)
          return mismatch(offset,
                          fmt::format("expected case named `{}`, found `{}`", ec.label, ac.label));
        if (ec.type && !ac.type)
          return mismatch(offset,
                          fmt::format("expected case `{}` to have a type, found none", ec.label));
        if (!ec.type && ac.type)
          return mismatch(offset, fmt::format("expected case `{}` to have no type", ec.label));
        FLINT_TRY(in_context(inner(ac.type, ec.type),
                             fmt::format("type mismatch in variant case `{}`", ec.label)));
      }
      return {};
    case TypeKind::Tuple:
      if (a.fields.size() != e.fields.size())
        return mismatch(
            offset, fmt::format("expected {} types, found {}", e.fields.size(), a.fields.size()));
      for (size_t i = 0; i < e.fields.size(); ++i)
        FLINT_TRY(in_context(inner(a.fields[i].type, e.fields[i].type),
                             fmt::format("type mismatch in tuple field {}", i)));
      return {};
    case TypeKind::Flags:
      if (a.labels != e.labels) return mismatch(offset, "mismatch in flags elements");
      return {};
    case TypeKind::Enum:
      if (a.labels != e.labels) return mismatch(offset, "mismatch in enum elements");
      return {};
    case TypeKind::List:
      if (a.length != e.length) return mismatch(offset, "mismatch in list length");
      return in_context(inner(a.element, e.element), "type mismatch in list element");
    case TypeKind::Option:
      return in_context(inner(a.element, e.element), "type mismatch in option");
    case TypeKind::Result:
      FLINT_TRY(in_context(optional_value(a.ok, e.ok, cx, offset, depth, "ok"),
                           "type mismatch in ok variant"));
      return in_context(optional_value(a.error, e.error, cx, offset, depth, "err"),
                        "type mismatch in err variant");
    case TypeKind::Own:
    case TypeKind::Borrow: return resource_subtype(a.resource, e.resource, cx, offset);
    case TypeKind::Stream:
    case TypeKind::Future:
      return in_context(optional_value(a.element, e.element, cx, offset, depth, "payload"),
                        "type mismatch in payload");
    case TypeKind::Map: FLINT_TRY(inner(a.ok, e.ok)); return inner(a.element, e.element);
    default: return {};
  }
}

Status instance_subtype(const InstanceSig& a, const InstanceSig& e, SubtypeContext& cx,
                        size_t offset) {
  // The expected instance's declared resources stand for whatever the
  // actual instance exports under the same names.
  for (const ResourceTypePtr& r : e.declared) cx.bindable.insert(r.get());
  for (const NamedEntity& want : e.exports) {
    const EntityType* have = a.find(want.name);
    if (!have) return mismatch(offset, fmt::format("missing expected export `{}`", want.name));
    FLINT_TRY(in_context(entity_subtype(*have, want.type, cx, offset),
                         fmt::format("type mismatch in instance export `{}`", want.name)));
  }
  return {};
}

Status component_subtype(const ComponentSig& a, const ComponentSig& e, SubtypeContext& cx,
                         size_t offset) {
  // Contravariant imports: whatever the expected component is given, the
  // actual one must accept; its resources stand for the expected's.
  SubtypeContext imports;
  for (const ResourceTypePtr& r : a.imported) imports.bindable.insert(r.get());
  imports.bound = cx.bound;
  for (const NamedEntity& have : a.imports) {
    // The expected component is given something under each of its import
    // names; an interface name may stand at a compatible version.
    const NamedEntity* given = nullptr;
    Result<ExternName> wanted = parse_extern_name(have.name);
    for (const NamedEntity& i : e.imports) {
      if (i.name == have.name) {
        given = &i;
        break;
      }
      Result<ExternName> offered = parse_extern_name(i.name);
      if (!given && wanted && offered && import_name_matches(*wanted, *offered)) given = &i;
    }
    if (!given) return mismatch(offset, fmt::format("missing expected import `{}`", have.name));
    FLINT_TRY(in_context(entity_subtype(given->type, have.type, imports, offset),
                         fmt::format("type mismatch in import `{}`", have.name)));
  }
  for (const ResourceTypePtr& r : e.defined) cx.bindable.insert(r.get());
  for (const NamedEntity& want : e.exports) {
    const NamedEntity* have = nullptr;
    for (const NamedEntity& x : a.exports)
      if (x.name == want.name) have = &x;
    if (!have) return mismatch(offset, fmt::format("missing expected export `{}`", want.name));
    // The actual's exports mention its imported resources; map them to
    // what the expected component's imports are.
    EntityType actual = substitute(have->type, imports.bound);
    FLINT_TRY(in_context(entity_subtype(actual, want.type, cx, offset),
                         fmt::format("type mismatch in export `{}`", want.name)));
  }
  return {};
}

}  // namespace

bool same_value_type(const ValueType& a, const ValueType& b) {
  SubtypeContext cx;
  return value_at(a, b, cx, 0, true, 0).ok();
}

Status value_subtype(const ValueType& actual, const ValueType& expected, SubtypeContext& cx,
                     size_t offset) {
  return value_at(actual, expected, cx, offset, true, 0);
}

Status func_subtype(const FunctionType& a, const FunctionType& e, SubtypeContext& cx,
                    size_t offset) {
  if (a.async != e.async)
    return mismatch(offset, e.async ? "expected async function, found sync function"
                                    : "expected sync function, found async function");
  if (a.params.size() != e.params.size())
    return mismatch(
        offset, fmt::format("expected {} parameters, found {}", e.params.size(), a.params.size()));
  for (size_t i = 0; i < e.params.size(); ++i) {
    if (a.params[i].name != e.params[i].name)
      return mismatch(offset, fmt::format("expected parameter named `{}`, found `{}`",
                                          e.params[i].name, a.params[i].name));
    if (a.params[i].type && e.params[i].type)
      FLINT_TRY(
          in_context(value_at(*a.params[i].type, *e.params[i].type, cx, offset, false, 0),
                     fmt::format("type mismatch in function parameter `{}`", e.params[i].name)));
  }
  // wasmparser's words, which name the actual function's result first.
  if (a.result && !e.result) return mismatch(offset, "expected a result, found none");
  if (!a.result && e.result) return mismatch(offset, "expected no result, found a result");
  if (e.result)
    FLINT_TRY(in_context(value_at(*a.result, *e.result, cx, offset, false, 0),
                         "type mismatch with result type"));
  return {};
}

Status type_subtype(const TypeEntity& a, const TypeEntity& e, SubtypeContext& cx, size_t offset) {
  if (a.kind != e.kind)
    return mismatch(offset,
                    fmt::format("expected {}, found {}", entity_desc(e.kind), entity_desc(a.kind)));
  switch (e.kind) {
    case TypeEntity::Kind::Value:
      if (a.value && e.value) return value_subtype(*a.value, *e.value, cx, offset);
      return {};
    case TypeEntity::Kind::Func:
      if (a.func && e.func) return func_subtype(*a.func, *e.func, cx, offset);
      return {};
    case TypeEntity::Kind::Resource: return resource_subtype(a.resource, e.resource, cx, offset);
    case TypeEntity::Kind::Instance:
      if (a.instance && e.instance) return instance_subtype(*a.instance, *e.instance, cx, offset);
      return {};
    case TypeEntity::Kind::Component:
      if (a.component && e.component)
        return component_subtype(*a.component, *e.component, cx, offset);
      return {};
  }
  return {};
}

Status entity_subtype(const EntityType& a, const EntityType& e, SubtypeContext& cx, size_t offset) {
  if (a.kind != e.kind)
    return mismatch(offset,
                    fmt::format("expected {}, found {}", entity_word(e.kind), entity_word(a.kind)));
  switch (e.kind) {
    case ExternDesc::Kind::CoreModule:
      if (a.module && e.module) return module_subtype(*a.module, *e.module, offset);
      return {};
    case ExternDesc::Kind::Func:
      if (a.func && e.func) return func_subtype(*a.func, *e.func, cx, offset);
      return {};
    case ExternDesc::Kind::Value:
      if (a.value && e.value) return value_subtype(*a.value, *e.value, cx, offset);
      return {};
    case ExternDesc::Kind::Type: return type_subtype(a.type, e.type, cx, offset);
    case ExternDesc::Kind::Instance:
      if (a.instance && e.instance) return instance_subtype(*a.instance, *e.instance, cx, offset);
      return {};
    case ExternDesc::Kind::Component:
      if (a.component && e.component)
        return component_subtype(*a.component, *e.component, cx, offset);
      return {};
  }
  return {};
}

Status module_subtype(const CoreModuleSig& a, const CoreModuleSig& e, size_t offset) {
  for (const CoreImportSig& have : a.imports) {
    const CoreImportSig* given = nullptr;
    for (const CoreImportSig& i : e.imports)
      if (i.module == have.module && i.name == have.name) given = &i;
    if (!given)
      return mismatch(offset,
                      fmt::format("missing expected import `{}::{}`", have.module, have.name));
    FLINT_TRY(in_context(core_extern_matches(given->type, have.type, offset),
                         fmt::format("type mismatch in import `{}::{}`", have.module, have.name)));
  }
  for (const CoreExportSig& want : e.exports) {
    const CoreExportSig* have = nullptr;
    for (const CoreExportSig& x : a.exports)
      if (x.name == want.name) have = &x;
    if (!have) return mismatch(offset, fmt::format("missing expected export `{}`", want.name));
    FLINT_TRY(in_context(core_extern_matches(have->type, want.type, offset),
                         fmt::format("type mismatch in export `{}`", want.name)));
  }
  return {};
}

}  // namespace flint::component

// Adapting values between two versions of a WASI type, by name (adapt.h).
#include "wasip3/adapt.h"

#include <limits>

#include "component_runtime/instantiate.h"

namespace flint::wasip3 {

using namespace component;

namespace {

Error mismatch(const ValueType& from, const ValueType& to, const std::string& what) {
  return make_error(ErrorCode::HostTrap, std::string("cannot adapt a ") + kind_name(from.kind) +
                                             " to a " + kind_name(to.kind) + ": " + what);
}

bool is_integer(TypeKind k) { return k >= TypeKind::S8 && k <= TypeKind::U64; }
bool is_signed(TypeKind k) {
  return k == TypeKind::S8 || k == TypeKind::S16 || k == TypeKind::S32 || k == TypeKind::S64;
}

/// The range of an integer kind, as [min, max] in 128 bits.
std::pair<__int128, __int128> range_of(TypeKind k) {
  switch (k) {
    case TypeKind::S8: return {INT8_MIN, INT8_MAX};
    case TypeKind::U8: return {0, UINT8_MAX};
    case TypeKind::S16: return {INT16_MIN, INT16_MAX};
    case TypeKind::U16: return {0, UINT16_MAX};
    case TypeKind::S32: return {INT32_MIN, INT32_MAX};
    case TypeKind::U32: return {0, UINT32_MAX};
    case TypeKind::S64: return {INT64_MIN, INT64_MAX};
    default: return {0, __int128(UINT64_MAX)};
  }
}

Result<ComponentValue> adapt_integer(const ComponentValue& v, const ValueType& from,
                                     const ValueType& to) {
  const __int128 x = is_signed(from.kind) ? __int128(v.as_signed()) : __int128(v.as_unsigned());
  auto [lo, hi] = range_of(to.kind);
  if (x < lo || x > hi) return mismatch(from, to, "value out of range");
  if (is_signed(to.kind)) return ComponentValue::signed_int(to.kind, int64_t(x));
  return ComponentValue::unsigned_int(to.kind, uint64_t(x));
}

/// A case's name: a variant's label, or an enum's.
const std::string& case_name(const ValueType& t, uint32_t index) {
  return t.kind == TypeKind::Enum ? t.labels.at(index) : t.fields.at(index).label;
}

Result<ComponentValue> adapt_case(const ComponentValue& v, const ValueType& from,
                                  const ValueType& to) {
  const auto& c = v.as_case();
  const std::string& name = case_name(from, c.index);
  const size_t count = to.kind == TypeKind::Enum ? to.labels.size() : to.fields.size();
  for (uint32_t i = 0; i < count; ++i) {
    if (case_name(to, i) != name) continue;
    const ValueTypePtr from_payload =
        from.kind == TypeKind::Variant ? from.fields[c.index].type : nullptr;
    const ValueTypePtr to_payload = to.kind == TypeKind::Variant ? to.fields[i].type : nullptr;
    if (!to_payload) return ComponentValue::case_of(to.kind, i, std::nullopt);
    if (!from_payload || !c.payload) return mismatch(from, to, "case " + name + " gains a payload");
    FLINT_ASSIGN(ComponentValue payload, adapt(*c.payload, *from_payload, *to_payload));
    return ComponentValue::case_of(to.kind, i, std::move(payload));
  }
  // WASI 0.3's catch-all for what an older version named and it does not.
  if (to.kind == TypeKind::Variant)
    for (uint32_t i = 0; i < to.fields.size(); ++i) {
      const ValueTypePtr& p = to.fields[i].type;
      if (to.fields[i].label == "other" && p && p->kind == TypeKind::Option &&
          p->element->kind == TypeKind::String)
        return ComponentValue::case_of(
            to.kind, i, ComponentValue::case_of(TypeKind::Option, 1, ComponentValue::string(name)));
    }
  return mismatch(from, to, "no case " + name);
}

}  // namespace

Result<ComponentValue> adapt(const ComponentValue& v, const ValueType& from, const ValueType& to) {
  if (is_integer(from.kind) && is_integer(to.kind)) return adapt_integer(v, from, to);
  const bool cases = (from.kind == TypeKind::Enum || from.kind == TypeKind::Variant) &&
                     (to.kind == TypeKind::Enum || to.kind == TypeKind::Variant);
  if (cases) return adapt_case(v, from, to);
  if (from.kind != to.kind) return mismatch(from, to, "different kinds");
  switch (to.kind) {
    case TypeKind::Record: {
      std::vector<ComponentValue> fields;
      for (const Field& f : to.fields) {
        size_t j = 0;
        while (j < from.fields.size() && from.fields[j].label != f.label) ++j;
        if (j == from.fields.size()) return mismatch(from, to, "no field " + f.label);
        FLINT_ASSIGN(ComponentValue x, adapt(v.items().at(j), *from.fields[j].type, *f.type));
        fields.push_back(std::move(x));
      }
      return ComponentValue::sequence(TypeKind::Record, std::move(fields));
    }
    case TypeKind::Tuple: {
      if (from.fields.size() != to.fields.size()) return mismatch(from, to, "tuple sizes");
      std::vector<ComponentValue> items;
      for (size_t i = 0; i < to.fields.size(); ++i) {
        FLINT_ASSIGN(ComponentValue x,
                     adapt(v.items().at(i), *from.fields[i].type, *to.fields[i].type));
        items.push_back(std::move(x));
      }
      return ComponentValue::sequence(TypeKind::Tuple, std::move(items));
    }
    case TypeKind::List: {
      if (equal(*from.element, *to.element)) return v;
      std::vector<ComponentValue> items;
      for (const ComponentValue& item : list_items(v)) {
        FLINT_ASSIGN(ComponentValue x, adapt(item, *from.element, *to.element));
        items.push_back(std::move(x));
      }
      return ComponentValue::sequence(TypeKind::List, std::move(items));
    }
    case TypeKind::Option:
    case TypeKind::Result: {
      const auto& c = v.as_case();
      ValueTypePtr f, t;
      if (to.kind == TypeKind::Option) {
        if (c.index == 1) f = from.element, t = to.element;
      } else {
        f = c.index == 0 ? from.ok : from.error;
        t = c.index == 0 ? to.ok : to.error;
      }
      if (!t || !c.payload) return ComponentValue::case_of(to.kind, c.index, std::nullopt);
      if (!f) return mismatch(from, to, "a case gains a payload");
      FLINT_ASSIGN(ComponentValue x, adapt(*c.payload, *f, *t));
      return ComponentValue::case_of(to.kind, c.index, std::move(x));
    }
    case TypeKind::Flags: {
      std::vector<bool> set(to.labels.size());
      for (size_t i = 0; i < from.labels.size(); ++i) {
        if (!v.as_flags().at(i)) continue;
        size_t j = 0;
        while (j < to.labels.size() && to.labels[j] != from.labels[i]) ++j;
        if (j == to.labels.size()) return mismatch(from, to, "no flag " + from.labels[i]);
        set[j] = true;
      }
      return ComponentValue::flags(std::move(set));
    }
    default: return v;  // primitives, handles, streams, futures: the same value
  }
}

HostBody bridge(FunctionPtr inner, FunctionTypePtr type,
                std::optional<ComponentValue> on_unadaptable) {
  return [inner, type, on_unadaptable](Store& store,
                                       std::span<const ComponentValue> args) -> HostReturn {
    const FunctionType& outer = *type;
    const FunctionType& old = inner->type();
    std::vector<ComponentValue> adapted;
    adapted.reserve(args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      Result<ComponentValue> a = adapt(args[i], *outer.params.at(i).type, *old.params.at(i).type);
      if (!a) {
        if (on_unadaptable) return *on_unadaptable;
        return std::move(a).error();
      }
      adapted.push_back(std::move(*a));
    }
    FLINT_ASSIGN(std::optional<ComponentValue> result, inner->call(store, adapted));
    if (!result || !outer.result) return result;
    return adapt(*result, *old.result, *outer.result);
  };
}

FunctionPtr function_of(const HostInterface& iface, const std::string& name) {
  InstancePtr instance = iface.instance();
  auto it = instance->exports.find(name);
  if (it == instance->exports.end()) return nullptr;
  const FunctionPtr* f = std::get_if<FunctionPtr>(&it->second);
  return f ? *f : nullptr;
}

}  // namespace flint::wasip3

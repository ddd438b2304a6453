// Resolved value types: factories, equality and the text form.
#include "component/value_type.h"

#include <array>

namespace flint::component {

namespace {

ValueTypePtr make(ValueType t) { return std::make_shared<const ValueType>(std::move(t)); }

ValueType of_kind(TypeKind kind) {
  ValueType t;
  t.kind = kind;
  return t;
}

bool equal_ptr(const ValueTypePtr& a, const ValueTypePtr& b) {
  if (!a || !b) return !a && !b;
  return a == b || equal(*a, *b);
}

}  // namespace

const char* kind_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::Bool: return "bool";
    case TypeKind::S8: return "s8";
    case TypeKind::U8: return "u8";
    case TypeKind::S16: return "s16";
    case TypeKind::U16: return "u16";
    case TypeKind::S32: return "s32";
    case TypeKind::U32: return "u32";
    case TypeKind::S64: return "s64";
    case TypeKind::U64: return "u64";
    case TypeKind::F32: return "f32";
    case TypeKind::F64: return "f64";
    case TypeKind::Char: return "char";
    case TypeKind::String: return "string";
    case TypeKind::ErrorContext: return "error-context";
    case TypeKind::List: return "list";
    case TypeKind::Record: return "record";
    case TypeKind::Tuple: return "tuple";
    case TypeKind::Variant: return "variant";
    case TypeKind::Enum: return "enum";
    case TypeKind::Option: return "option";
    case TypeKind::Result: return "result";
    case TypeKind::Flags: return "flags";
    case TypeKind::Own: return "own";
    case TypeKind::Borrow: return "borrow";
    case TypeKind::Stream: return "stream";
    case TypeKind::Future: return "future";
    case TypeKind::Map: return "map";
  }
  return "?";
}

ValueTypePtr ValueType::primitive(TypeKind kind) {
  // One shared node per primitive kind; built once, never freed.
  static const auto table = [] {
    std::array<ValueTypePtr, size_t(TypeKind::ErrorContext) + 1> t;
    for (size_t i = 0; i < t.size(); ++i) t[i] = make(of_kind(TypeKind(i)));
    return t;
  }();
  return table[size_t(kind)];
}

ValueTypePtr ValueType::list(ValueTypePtr element) {
  ValueType t = of_kind(TypeKind::List);
  t.element = std::move(element);
  return make(std::move(t));
}

ValueTypePtr ValueType::fixed_list(ValueTypePtr element, uint32_t length) {
  ValueType t = of_kind(TypeKind::List);
  t.element = std::move(element);
  t.length = length;
  return make(std::move(t));
}

ValueTypePtr ValueType::record(std::vector<Field> fields) {
  ValueType t = of_kind(TypeKind::Record);
  t.fields = std::move(fields);
  return make(std::move(t));
}

ValueTypePtr ValueType::tuple(std::vector<ValueTypePtr> types) {
  ValueType t = of_kind(TypeKind::Tuple);
  for (auto& e : types) t.fields.push_back({"", std::move(e)});
  return make(std::move(t));
}

ValueTypePtr ValueType::variant(std::vector<Field> cases) {
  ValueType t = of_kind(TypeKind::Variant);
  t.fields = std::move(cases);
  return make(std::move(t));
}

ValueTypePtr ValueType::enumeration(std::vector<std::string> labels) {
  ValueType t = of_kind(TypeKind::Enum);
  t.labels = std::move(labels);
  return make(std::move(t));
}

ValueTypePtr ValueType::option(ValueTypePtr element) {
  ValueType t = of_kind(TypeKind::Option);
  t.element = std::move(element);
  return make(std::move(t));
}

ValueTypePtr ValueType::result(ValueTypePtr ok, ValueTypePtr error) {
  ValueType t = of_kind(TypeKind::Result);
  t.ok = std::move(ok);
  t.error = std::move(error);
  return make(std::move(t));
}

ValueTypePtr ValueType::flags(std::vector<std::string> labels) {
  ValueType t = of_kind(TypeKind::Flags);
  t.labels = std::move(labels);
  return make(std::move(t));
}

ValueTypePtr ValueType::own(ResourceTypePtr resource) {
  ValueType t = of_kind(TypeKind::Own);
  t.resource = std::move(resource);
  return make(std::move(t));
}

ValueTypePtr ValueType::borrow(ResourceTypePtr resource) {
  ValueType t = of_kind(TypeKind::Borrow);
  t.resource = std::move(resource);
  return make(std::move(t));
}

ValueTypePtr ValueType::map(ValueTypePtr key, ValueTypePtr value) {
  ValueType t = of_kind(TypeKind::Map);
  t.ok = std::move(key);
  t.element = std::move(value);
  return make(std::move(t));
}

bool equal(const FunctionType& a, const FunctionType& b) {
  if (a.params.size() != b.params.size() || !a.result != !b.result) return false;
  if (a.result && !equal(*a.result, *b.result)) return false;
  for (size_t i = 0; i < a.params.size(); ++i)
    if (!a.params[i].type != !b.params[i].type ||
        (a.params[i].type && !equal(*a.params[i].type, *b.params[i].type)))
      return false;
  return true;
}

bool mentions_resource(const ValueType& t, int depth) {
  if (t.resource) return true;
  if (depth > 100) return true;  // too deep to tell cheaply: assume it does
  auto in = [&](const ValueTypePtr& p) { return p && mentions_resource(*p, depth + 1); };
  for (const Field& f : t.fields)
    if (in(f.type)) return true;
  return in(t.element) || in(t.ok) || in(t.error);
}

bool equal(const ValueType& a, const ValueType& b) {
  if (&a == &b) return true;
  if (a.kind != b.kind || a.labels != b.labels || a.length != b.length ||
      a.fields.size() != b.fields.size() || a.resource != b.resource)
    return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].label != b.fields[i].label || !equal_ptr(a.fields[i].type, b.fields[i].type))
      return false;
  }
  return equal_ptr(a.element, b.element) && equal_ptr(a.ok, b.ok) && equal_ptr(a.error, b.error);
}

std::string to_string(const ValueType& type) {
  if (is_primitive(type.kind)) return kind_name(type.kind);
  std::string out = "(";
  out += kind_name(type.kind);
  auto add = [&out](const ValueTypePtr& t) {
    out += ' ';
    out += t ? to_string(*t) : "_";
  };
  switch (type.kind) {
    case TypeKind::List:
      add(type.element);
      if (type.length) out += " " + std::to_string(*type.length);
      break;
    case TypeKind::Record:
    case TypeKind::Variant:
      for (const Field& f : type.fields) {
        out += type.kind == TypeKind::Record ? " (field \"" : " (case \"";
        out += f.label + "\"";
        if (f.type) add(f.type);
        out += ')';
      }
      break;
    case TypeKind::Tuple:
      for (const Field& f : type.fields) add(f.type);
      break;
    case TypeKind::Enum:
    case TypeKind::Flags:
      for (const std::string& l : type.labels) out += " \"" + l + "\"";
      break;
    case TypeKind::Option: add(type.element); break;
    case TypeKind::Result:
      if (type.ok) add(type.ok);
      if (type.error) out += " (error " + to_string(*type.error) + ")";
      break;
    case TypeKind::Own:
    case TypeKind::Borrow:
      out += " $" + (type.resource && !type.resource->name.empty() ? type.resource->name
                                                                   : std::string("resource"));
      break;
    case TypeKind::Stream:
    case TypeKind::Future:
      if (type.element) add(type.element);
      break;
    case TypeKind::Map:
      add(type.ok);
      add(type.element);
      break;
    default: break;
  }
  return out + ")";
}

}  // namespace flint::component

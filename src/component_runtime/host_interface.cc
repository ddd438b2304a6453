// Host interfaces: the type and value builders, and the instance item.
#include "component_runtime/host_interface.h"

namespace flint::component {

namespace wit {
ValueTypePtr boolean() { return ValueType::primitive(TypeKind::Bool); }
ValueTypePtr s8() { return ValueType::primitive(TypeKind::S8); }
ValueTypePtr u8() { return ValueType::primitive(TypeKind::U8); }
ValueTypePtr s16() { return ValueType::primitive(TypeKind::S16); }
ValueTypePtr u16() { return ValueType::primitive(TypeKind::U16); }
ValueTypePtr u32() { return ValueType::primitive(TypeKind::U32); }
ValueTypePtr u64() { return ValueType::primitive(TypeKind::U64); }
ValueTypePtr s32() { return ValueType::primitive(TypeKind::S32); }
ValueTypePtr s64() { return ValueType::primitive(TypeKind::S64); }
ValueTypePtr f32() { return ValueType::primitive(TypeKind::F32); }
ValueTypePtr f64() { return ValueType::primitive(TypeKind::F64); }
ValueTypePtr string() { return ValueType::primitive(TypeKind::String); }
ValueTypePtr list(ValueTypePtr element) { return ValueType::list(std::move(element)); }
ValueTypePtr tuple(std::vector<ValueTypePtr> elements) {
  return ValueType::tuple(std::move(elements));
}
ValueTypePtr option(ValueTypePtr element) { return ValueType::option(std::move(element)); }
ValueTypePtr result(ValueTypePtr ok, ValueTypePtr error) {
  return ValueType::result(std::move(ok), std::move(error));
}
ValueTypePtr record(std::vector<Field> fields) { return ValueType::record(std::move(fields)); }
ValueTypePtr variant(std::vector<Field> cases) { return ValueType::variant(std::move(cases)); }
ValueTypePtr enumeration(std::vector<std::string> labels) {
  return ValueType::enumeration(std::move(labels));
}
ValueTypePtr flags(std::vector<std::string> labels) { return ValueType::flags(std::move(labels)); }
ValueTypePtr own(ResourceTypePtr resource) { return ValueType::own(std::move(resource)); }
ValueTypePtr borrow(ResourceTypePtr resource) { return ValueType::borrow(std::move(resource)); }
ValueTypePtr stream(ValueTypePtr element) {
  auto t = std::make_shared<ValueType>();
  t->kind = TypeKind::Stream;
  t->element = std::move(element);
  return t;
}
ValueTypePtr future(ValueTypePtr element) {
  auto t = std::make_shared<ValueType>();
  t->kind = TypeKind::Future;
  t->element = std::move(element);
  return t;
}
FunctionTypePtr func(std::vector<Param> params, ValueTypePtr result) {
  auto f = std::make_shared<FunctionType>();
  f->params = std::move(params);
  f->result = std::move(result);
  return f;
}
FunctionTypePtr async_func(std::vector<Param> params, ValueTypePtr result) {
  auto f = std::make_shared<FunctionType>();
  f->async = true;
  f->params = std::move(params);
  f->result = std::move(result);
  return f;
}
FunctionTypePtr async_if(FunctionTypePtr f, bool async) {
  if (!async) return f;
  auto copy = std::make_shared<FunctionType>(*f);
  copy->async = true;
  return copy;
}
}  // namespace wit

namespace val {
ComponentValue boolean(bool b) { return ComponentValue::boolean(b); }
ComponentValue s8(int8_t v) { return ComponentValue::signed_int(TypeKind::S8, v); }
ComponentValue u8(uint8_t v) { return ComponentValue::unsigned_int(TypeKind::U8, v); }
ComponentValue s16(int16_t v) { return ComponentValue::signed_int(TypeKind::S16, v); }
ComponentValue u16(uint16_t v) { return ComponentValue::unsigned_int(TypeKind::U16, v); }
ComponentValue s32(int32_t v) { return ComponentValue::signed_int(TypeKind::S32, v); }
ComponentValue u32(uint32_t v) { return ComponentValue::unsigned_int(TypeKind::U32, v); }
ComponentValue s64(int64_t v) { return ComponentValue::signed_int(TypeKind::S64, v); }
ComponentValue u64(uint64_t v) { return ComponentValue::unsigned_int(TypeKind::U64, v); }
ComponentValue f32(float v) { return ComponentValue::f32(v); }
ComponentValue f64(double v) { return ComponentValue::f64(v); }
ComponentValue string(std::string s) { return ComponentValue::string(std::move(s)); }
ComponentValue list(std::vector<ComponentValue> items) {
  return ComponentValue::sequence(TypeKind::List, std::move(items));
}
ComponentValue bytes(const uint8_t* data, size_t size) {
  return ComponentValue::byte_list(std::vector<uint8_t>(data, data + size));
}
ComponentValue tuple(std::vector<ComponentValue> items) {
  return ComponentValue::sequence(TypeKind::Tuple, std::move(items));
}
ComponentValue record(std::vector<ComponentValue> fields) {
  return ComponentValue::sequence(TypeKind::Record, std::move(fields));
}
ComponentValue none() { return ComponentValue::case_of(TypeKind::Option, 0, std::nullopt); }
ComponentValue some(ComponentValue v) {
  return ComponentValue::case_of(TypeKind::Option, 1, std::move(v));
}
ComponentValue ok(std::optional<ComponentValue> v) {
  return ComponentValue::case_of(TypeKind::Result, 0, std::move(v));
}
ComponentValue err(std::optional<ComponentValue> v) {
  return ComponentValue::case_of(TypeKind::Result, 1, std::move(v));
}
ComponentValue enum_case(uint32_t index) {
  return ComponentValue::case_of(TypeKind::Enum, index, std::nullopt);
}
ComponentValue variant_case(uint32_t index, std::optional<ComponentValue> payload) {
  return ComponentValue::case_of(TypeKind::Variant, index, std::move(payload));
}
ComponentValue own(ResourceTypePtr resource, uint32_t rep) {
  return ComponentValue::handle(TypeKind::Own, std::move(resource), rep);
}
std::vector<uint8_t> to_bytes(const ComponentValue& list) {
  if (const std::vector<uint8_t>* bytes = list.byte_items()) return *bytes;
  std::vector<uint8_t> out;
  auto* items = std::get_if<std::vector<ComponentValue>>(&list.payload);
  if (!items) return out;
  out.reserve(items->size());
  for (const ComponentValue& v : *items)
    if (auto* b = std::get_if<uint64_t>(&v.payload)) out.push_back(uint8_t(*b));
  return out;
}
}  // namespace val

HostInterface& HostInterface::function(const std::string& name, FunctionTypePtr type,
                                       HostBody body) {
  exports_[name] = FunctionPtr(std::make_shared<HostFunction>(std::move(type), std::move(body)));
  return *this;
}

HostInterface& HostInterface::method(const std::string& resource, const std::string& name,
                                     FunctionTypePtr type, HostBody body) {
  return function("[method]" + resource + "." + name, std::move(type), std::move(body));
}

HostInterface& HostInterface::static_function(const std::string& resource, const std::string& name,
                                              FunctionTypePtr type, HostBody body) {
  return function("[static]" + resource + "." + name, std::move(type), std::move(body));
}

HostInterface& HostInterface::constructor(const std::string& resource, FunctionTypePtr type,
                                          HostBody body) {
  return function("[constructor]" + resource, std::move(type), std::move(body));
}

HostInterface& HostInterface::resource(const std::string& name, ResourceTypePtr type) {
  exports_[name] = TypeItem{std::move(type)};
  return *this;
}

HostInterface& HostInterface::type(const std::string& name, ValueTypePtr type) {
  exports_[name] = TypeItem{std::move(type)};
  return *this;
}

InstancePtr HostInterface::instance() const {
  auto made = std::make_shared<ComponentInstanceItem>();
  made->exports = exports_;
  return made;
}

void define(ComponentLinker& linker, const HostInterface& iface) {
  linker.define(iface.qualified_name(), iface.instance());
}

}  // namespace flint::component

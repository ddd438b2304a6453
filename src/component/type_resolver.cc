// Resolved types: substitution of resources and instantiation of component
// types; see type_resolver.h. (The resolution itself is the validator's
// walk over a component, validator.cc.)
#include "component/type_resolver.h"

#include <unordered_map>

namespace flint::component {

const EntityType* InstanceSig::find(std::string_view name) const {
  for (const NamedEntity& e : exports)
    if (e.name == name) return &e.type;
  return nullptr;
}

ResourceTypePtr fresh_resource(std::string name) {
  auto r = std::make_shared<ResourceType>();
  r->name = std::move(name);
  return r;
}

const char* entity_word(ExternDesc::Kind kind) {
  switch (kind) {
    case ExternDesc::Kind::CoreModule: return "module";
    case ExternDesc::Kind::Func: return "func";
    case ExternDesc::Kind::Value: return "value";
    case ExternDesc::Kind::Type: return "type";
    case ExternDesc::Kind::Component: return "component";
    case ExternDesc::Kind::Instance: return "instance";
  }
  return "?";
}

namespace {

// One substitution pass. Value types are DAGs (a type index used twice is
// one shared object), so results are memoised by object: rebuilding them
// as trees could take exponential time.
class Substituter {
 public:
  explicit Substituter(const ResourceMap& map, const ValueMap* values = nullptr)
      : map_(map), values_(values) {}

  ResourceTypePtr resource(const ResourceTypePtr& r) {
    if (!r) return r;
    auto it = map_.find(r.get());
    return it == map_.end() ? r : it->second;
  }

  ValueTypePtr value(const ValueTypePtr& t) {
    if (t && values_) {
      if (auto it = values_->find(t.get()); it != values_->end()) return it->second;
    }
    if (!t || empty() || is_primitive(t->kind)) return t;
    if (auto it = memo_.find(t.get()); it != memo_.end()) return it->second;
    auto copy = std::make_shared<ValueType>(*t);
    bool changed = false;
    auto sub = [&](ValueTypePtr& p) {
      ValueTypePtr n = value(p);
      changed = changed || n != p;
      p = std::move(n);
    };
    for (Field& f : copy->fields) sub(f.type);
    sub(copy->element);
    sub(copy->ok);
    sub(copy->error);
    if (copy->resource) {
      ResourceTypePtr n = resource(copy->resource);
      changed = changed || n != copy->resource;
      copy->resource = std::move(n);
    }
    ValueTypePtr out = changed ? ValueTypePtr(std::move(copy)) : t;
    memo_[t.get()] = out;
    return out;
  }

  FunctionTypePtr func(const FunctionTypePtr& f) {
    if (!f || empty()) return f;
    auto copy = std::make_shared<FunctionType>(*f);
    for (Param& p : copy->params) p.type = value(p.type);
    copy->result = value(copy->result);
    return copy;
  }

  InstanceSigPtr instance(const InstanceSigPtr& s) {
    if (!s || empty()) return s;
    auto copy = std::make_shared<InstanceSig>(*s);
    for (NamedEntity& e : copy->exports) e.type = entity(e.type);
    for (ResourceTypePtr& r : copy->declared) r = resource(r);
    copy->named = named(s->named);
    return copy;
  }

  ComponentSigPtr component(const ComponentSigPtr& s) {
    if (!s || empty()) return s;
    auto copy = std::make_shared<ComponentSig>(*s);
    for (NamedEntity& e : copy->imports) e.type = entity(e.type);
    for (NamedEntity& e : copy->exports) e.type = entity(e.type);
    for (ResourceTypePtr& r : copy->imported) r = resource(r);
    for (ResourceTypePtr& r : copy->defined) r = resource(r);
    copy->named = named(s->named);
    return copy;
  }

  TypeEntity type(const TypeEntity& t) {
    TypeEntity out = t;
    out.value = value(t.value);
    out.func = func(t.func);
    out.component = component(t.component);
    out.instance = instance(t.instance);
    out.resource = resource(t.resource);
    return out;
  }

  // `named` with the images of the nodes this substitution rebuilt.
  NamedNodes named(const NamedNodes& n) {
    if (!n || memo_.empty()) return n;
    auto out = std::make_shared<std::unordered_set<const void*>>(*n);
    for (const auto& [old, now] : memo_)
      if (n->count(old)) out->insert(now.get());
    return out;
  }

  EntityType entity(const EntityType& t) {
    EntityType out = t;
    out.func = func(t.func);
    out.value = value(t.value);
    out.type = type(t.type);
    out.component = component(t.component);
    out.instance = instance(t.instance);
    return out;
  }

 private:
  bool empty() const { return map_.empty() && (!values_ || values_->empty()); }

  const ResourceMap& map_;
  const ValueMap* values_ = nullptr;
  std::unordered_map<const ValueType*, ValueTypePtr> memo_;
};

}  // namespace

ValueTypePtr substitute(const ValueTypePtr& t, const ResourceMap& map) {
  return Substituter(map).value(t);
}
FunctionTypePtr substitute(const FunctionTypePtr& f, const ResourceMap& map) {
  return Substituter(map).func(f);
}
EntityType substitute(const EntityType& t, const ResourceMap& map) {
  return Substituter(map).entity(t);
}
TypeEntity substitute(const TypeEntity& t, const ResourceMap& map) {
  return Substituter(map).type(t);
}

InstanceSigPtr instantiate(const ComponentSig& c, const ResourceMap& imports,
                           const ValueMap& values) {
  ResourceMap map = imports;
  for (const ResourceTypePtr& r : c.defined) map[r.get()] = fresh_resource(r->name);
  Substituter sub(map, &values);
  auto out = std::make_shared<InstanceSig>();
  for (const NamedEntity& e : c.exports) out->exports.push_back({e.name, sub.entity(e.type)});
  out->named = sub.named(c.named);
  // The fresh resources stay owned by this instance: they are what it
  // defines, not something a later import of the instance type re-freshens.
  return out;
}

InstanceSigPtr freshen(const InstanceSigPtr& sig) {
  if (!sig || sig->declared.empty()) return sig;
  ResourceMap map;
  for (const ResourceTypePtr& r : sig->declared) map[r.get()] = fresh_resource(r->name);
  InstanceSigPtr out = Substituter(map).instance(sig);
  return out;
}

}  // namespace flint::component

// External visibility of types (Explainer.md, "External visibility of
// types"): the named types an import or export's signature mentions must
// themselves be imported or exported. And which types mention resources.
// See validation_scope.h.
#include "component/validation_scope.h"

namespace flint::component::validation {

// ---- visibility of named types ---------------------------------------------

// Whether every named node `t` reaches (below the top, when `top`) is
// named here with one of `bits`, or by `extra` (an instance type's own
// declarations).
bool all_named(const Scope& s, const ValueType& t, const std::unordered_set<const void*>* extra,
               uint8_t bits, bool top, int depth = 0) {
  if (depth > int(kMaxTypeDepth)) return true;
  if (!top && is_named_kind(t.kind)) {
    auto it = s.named.find(&t);
    const bool ok = (it != s.named.end() && (it->second & bits)) || (extra && extra->count(&t));
    if (!ok) return false;
  }
  auto in = [&](const ValueTypePtr& p) {
    return !p || all_named(s, *p, extra, bits, false, depth + 1);
  };
  for (const Field& f : t.fields)
    if (!in(f.type)) return false;
  return in(t.element) && in(t.ok) && in(t.error);
}

bool func_named(const Scope& s, const FunctionType& f, const std::unordered_set<const void*>* extra,
                uint8_t bits) {
  for (const Param& p : f.params)
    if (p.type && !all_named(s, *p.type, extra, bits, false)) return false;
  return !f.result || all_named(s, *f.result, extra, bits, false);
}

// Whether entity type `t` may be imported (bits kByImport) or exported
// (kByImport | kByExport) here.
bool entity_named(const Scope& s, const EntityType& t, const std::unordered_set<const void*>* extra,
                  uint8_t bits, int depth) {
  if (depth > kMaxScopeDepth) return true;
  switch (t.kind) {
    case ExternDesc::Kind::Func: return !t.func || func_named(s, *t.func, extra, bits);
    case ExternDesc::Kind::Value: return !t.value || all_named(s, *t.value, extra, bits, false);
    case ExternDesc::Kind::Type:
      if (t.type.kind == TypeEntity::Kind::Value)
        return !t.type.value || all_named(s, *t.type.value, extra, bits, true);
      if (t.type.kind == TypeEntity::Kind::Func && t.type.func)
        return func_named(s, *t.type.func, extra, bits);
      if (t.type.kind == TypeEntity::Kind::Instance) {
        EntityType as_instance;
        as_instance.kind = ExternDesc::Kind::Instance;
        as_instance.instance = t.type.instance;
        return entity_named(s, as_instance, extra, bits, depth + 1);
      }
      return true;
    case ExternDesc::Kind::Instance: {
      if (!t.instance) return true;
      // The instance's own declarations name types for its exports.
      const std::unordered_set<const void*>* own = t.instance->named.get();
      std::unordered_set<const void*> both;
      if (own && extra) {
        both = *own;
        both.insert(extra->begin(), extra->end());
        own = &both;
      } else if (!own) {
        own = extra;
      }
      for (const NamedEntity& e : t.instance->exports)
        if (!entity_named(s, e.type, own, bits, depth + 1)) return false;
      return true;
    }
    case ExternDesc::Kind::Component:
    case ExternDesc::Kind::CoreModule: return true;
  }
  return true;
}

// Names every named node `t` reaches with `bits`: what an imported or
// exported instance (a bag of exports) makes explicit.
void name_value(Scope& s, const ValueTypePtr& t, uint8_t bits, int depth = 0) {
  if (!t || depth > int(kMaxTypeDepth)) return;
  if (is_named_kind(t->kind)) s.named[t.get()] |= bits;
  for (const Field& f : t->fields) name_value(s, f.type, bits, depth + 1);
  name_value(s, t->element, bits, depth + 1);
  name_value(s, t->ok, bits, depth + 1);
  name_value(s, t->error, bits, depth + 1);
}

void name_all(Scope& s, const EntityType& t, uint8_t bits, int depth) {
  if (depth > kMaxScopeDepth) return;
  auto func = [&](const FunctionTypePtr& f) {
    if (!f) return;
    for (const Param& p : f->params) name_value(s, p.type, bits);
    name_value(s, f->result, bits);
  };
  switch (t.kind) {
    case ExternDesc::Kind::Func: func(t.func); break;
    case ExternDesc::Kind::Value: name_value(s, t.value, bits); break;
    case ExternDesc::Kind::Type:
      name_value(s, t.type.value, bits);
      func(t.type.func);
      break;
    case ExternDesc::Kind::Instance:
      if (t.instance)
        for (const NamedEntity& e : t.instance->exports) name_all(s, e.type, bits, depth + 1);
      break;
    default: break;
  }
}

// The nodes a scope names, for the instance or component type it makes.
NamedNodes named_nodes(const Scope& s) {
  auto out = std::make_shared<std::unordered_set<const void*>>();
  for (const auto& [node, bits] : s.named) out->insert(node);
  return out;
}

// ---- resources in types ----------------------------------------------------

bool value_mentions_resource(const ValueType& t, int depth = 0) {
  if (depth > int(kMaxTypeDepth)) return false;
  if (t.resource) return true;
  auto in = [&](const ValueTypePtr& p) { return p && value_mentions_resource(*p, depth + 1); };
  for (const Field& f : t.fields)
    if (in(f.type)) return true;
  return in(t.element) || in(t.ok) || in(t.error);
}

bool entity_mentions_resource(const EntityType& t, int depth);

bool type_mentions_resource(const TypeEntity& t, int depth) {
  if (depth > kMaxScopeDepth) return false;
  auto func = [&](const FunctionTypePtr& f) {
    if (!f) return false;
    for (const Param& p : f->params)
      if (p.type && value_mentions_resource(*p.type)) return true;
    return f->result && value_mentions_resource(*f->result);
  };
  switch (t.kind) {
    case TypeEntity::Kind::Resource: return true;
    case TypeEntity::Kind::Value: return t.value && value_mentions_resource(*t.value);
    case TypeEntity::Kind::Func: return func(t.func);
    case TypeEntity::Kind::Instance:
      if (t.instance)
        for (const NamedEntity& e : t.instance->exports)
          if (entity_mentions_resource(e.type, depth + 1)) return true;
      return false;
    case TypeEntity::Kind::Component:
      if (t.component) {
        for (const NamedEntity& e : t.component->imports)
          if (entity_mentions_resource(e.type, depth + 1)) return true;
        for (const NamedEntity& e : t.component->exports)
          if (entity_mentions_resource(e.type, depth + 1)) return true;
      }
      return false;
  }
  return false;
}

bool entity_mentions_resource(const EntityType& t, int depth) {
  TypeEntity as_type = t.type;
  switch (t.kind) {
    case ExternDesc::Kind::Type: return type_mentions_resource(t.type, depth);
    case ExternDesc::Kind::Func:
      as_type.kind = TypeEntity::Kind::Func;
      as_type.func = t.func;
      return type_mentions_resource(as_type, depth);
    case ExternDesc::Kind::Value: return t.value && value_mentions_resource(*t.value);
    case ExternDesc::Kind::Instance:
      as_type.kind = TypeEntity::Kind::Instance;
      as_type.instance = t.instance;
      return type_mentions_resource(as_type, depth);
    case ExternDesc::Kind::Component:
      as_type.kind = TypeEntity::Kind::Component;
      as_type.component = t.component;
      return type_mentions_resource(as_type, depth);
    case ExternDesc::Kind::CoreModule: return false;
  }
  return false;
}

}  // namespace flint::component::validation

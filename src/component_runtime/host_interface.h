// Host interfaces by name and version: how the host offers a WIT interface
// ("wasi:cli/environment@0.2.6") to components, as one instance item of
// functions, resource types and value types (component-model Explainer.md,
// "Import and Export Definitions"; WIT.md, "Interfaces").
//
// Every host API builds on this: WASI 0.2 (src/wasip2), and later wasi:http
// and Spin's interfaces. A host API is written as
//
//   HostResourceTable<Stream> streams("wasi:io/streams.output-stream");
//   HostInterface io("wasi:io/streams", "0.2.6");
//   io.resource("output-stream", streams.type());
//   io.method("output-stream", "write", wit::func({{"self", wit::borrow(streams.type())},
//                                                  {"contents", wit::list(wit::u8())}},
//                                                 wit::result(nullptr, stream_error)),
//             [&](Store&, std::span<const ComponentValue> args) { ... });
//   define(linker, io);
//
// The names follow the component model's conventions for resource members
// ("[method]output-stream.write", "[static]r.f", "[constructor]r"), which
// is what wit-bindgen's guests import. A component importing
// wasi:io/streams@0.2.0 gets the 0.2.6 definition (the linker's
// semver-compatible resolution).
//
// Resource handles: the host keeps its resources in a HostResourceTable per
// store (per linker: one set of host interfaces is defined for one store;
// host bodies capture their state, since a Store has no slot for the host's
// data yet -- a server instantiating many stores from one linker needs one).
// A function returning `own<r>` inserts the object and returns its rep as a
// HandleValue; one taking `borrow<r>` looks the rep up. When the guest drops
// its last owning handle, the ResourceType's destructor removes the object.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "component_runtime/host_function.h"
#include "component_runtime/linker.h"

namespace flint::component {

/// What a host body returns, constructible from a ComponentValue, from
/// std::nullopt (no result) or from an Error (a trap), so that bodies can
/// `return val::ok();` without spelling the optional.
struct HostReturn : Result<std::optional<ComponentValue>> {
  using Base = Result<std::optional<ComponentValue>>;
  HostReturn(ComponentValue v) : Base(std::optional<ComponentValue>(std::move(v))) {}
  HostReturn(std::nullopt_t) : Base(std::optional<ComponentValue>()) {}
  HostReturn(std::optional<ComponentValue> v) : Base(std::move(v)) {}
  HostReturn(Result<ComponentValue> r)
      : Base(r ? Base(std::optional<ComponentValue>(std::move(*r))) : Base(std::move(r).error())) {}
  HostReturn(Error e) : Base(std::move(e)) {}
  HostReturn(Base b) : Base(std::move(b)) {}
};

/// Terse builders of resolved types, named as in WIT: `wit::list(wit::
/// tuple({wit::string(), wit::string()}))` is `list<tuple<string, string>>`.
/// A null ValueTypePtr stands for "no type" (`result<_, e>`, a case
/// without payload, a function without result).
namespace wit {
ValueTypePtr boolean();
ValueTypePtr s8();
ValueTypePtr u8();
ValueTypePtr s16();
ValueTypePtr u16();
ValueTypePtr u32();
ValueTypePtr u64();
ValueTypePtr s32();
ValueTypePtr s64();
ValueTypePtr f32();
ValueTypePtr f64();
ValueTypePtr string();
ValueTypePtr list(ValueTypePtr element);
ValueTypePtr tuple(std::vector<ValueTypePtr> elements);
ValueTypePtr option(ValueTypePtr element);
ValueTypePtr result(ValueTypePtr ok, ValueTypePtr error);
ValueTypePtr record(std::vector<Field> fields);
ValueTypePtr variant(std::vector<Field> cases);
ValueTypePtr enumeration(std::vector<std::string> labels);
ValueTypePtr flags(std::vector<std::string> labels);
ValueTypePtr own(ResourceTypePtr resource);
ValueTypePtr borrow(ResourceTypePtr resource);
/// `stream<t>` and `future<t>` (a null `element`: no payload type).
ValueTypePtr stream(ValueTypePtr element);
ValueTypePtr future(ValueTypePtr element);
/// A function type: named parameters and an optional result.
FunctionTypePtr func(std::vector<Param> params, ValueTypePtr result = nullptr);
/// The same as an `async func`.
FunctionTypePtr async_func(std::vector<Param> params, ValueTypePtr result = nullptr);
/// `f` as an `async func` when `async` (a host body still runs to its end:
/// a guest's sync lowering blocks on it).
FunctionTypePtr async_if(FunctionTypePtr f, bool async);
}  // namespace wit

/// Terse builders of component values, the counterparts of `wit`.
namespace val {
ComponentValue boolean(bool b);
ComponentValue s8(int8_t v);
ComponentValue u8(uint8_t v);
ComponentValue s16(int16_t v);
ComponentValue u16(uint16_t v);
ComponentValue s32(int32_t v);
ComponentValue u32(uint32_t v);
ComponentValue s64(int64_t v);
ComponentValue u64(uint64_t v);
ComponentValue f32(float v);
ComponentValue f64(double v);
ComponentValue string(std::string s);
ComponentValue list(std::vector<ComponentValue> items);
/// A list<u8> from bytes.
ComponentValue bytes(const uint8_t* data, size_t size);
ComponentValue tuple(std::vector<ComponentValue> items);
ComponentValue record(std::vector<ComponentValue> fields);
ComponentValue none();
ComponentValue some(ComponentValue v);
/// `ok` / `err` of a result; std::nullopt for a result side without type.
ComponentValue ok(std::optional<ComponentValue> v = std::nullopt);
ComponentValue err(std::optional<ComponentValue> v = std::nullopt);
ComponentValue enum_case(uint32_t index);
ComponentValue variant_case(uint32_t index, std::optional<ComponentValue> payload = std::nullopt);
ComponentValue own(ResourceTypePtr resource, uint32_t rep);
/// The bytes of a list<u8> value (empty for anything else).
std::vector<uint8_t> to_bytes(const ComponentValue& list);
}  // namespace val

/// One WIT interface offered by the host: `name` ("wasi:cli/environment")
/// at `version` ("0.2.6"), its functions, resource types and named value
/// types, all exported from one instance.
class HostInterface {
 public:
  HostInterface(std::string name, std::string version)
      : name_(std::move(name)), version_(std::move(version)) {}

  /// "wasi:cli/environment@0.2.6": the name the linker defines it under.
  std::string qualified_name() const { return name_ + "@" + version_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }

  /// A freestanding function.
  HostInterface& function(const std::string& name, FunctionTypePtr type, HostBody body);
  /// A method of `resource`: exported as "[method]resource.name"; its first
  /// parameter is `self: borrow<resource>`.
  HostInterface& method(const std::string& resource, const std::string& name, FunctionTypePtr type,
                        HostBody body);
  /// A static function of `resource` ("[static]resource.name").
  HostInterface& static_function(const std::string& resource, const std::string& name,
                                 FunctionTypePtr type, HostBody body);
  /// The constructor of `resource` ("[constructor]resource").
  HostInterface& constructor(const std::string& resource, FunctionTypePtr type, HostBody body);
  /// A resource type the interface exports (also for `use`d resources, which
  /// components import from the interface that `use`s them).
  HostInterface& resource(const std::string& name, ResourceTypePtr type);
  /// A named value type (a record, enum, variant, flags or alias), which a
  /// component's import of the interface may name as a type export.
  HostInterface& type(const std::string& name, ValueTypePtr type);

  /// The interface as an instance item.
  InstancePtr instance() const;

 private:
  std::string name_;
  std::string version_;
  std::map<std::string, Item, std::less<>> exports_;
};

/// Defines `iface` in `linker` under its qualified name.
void define(ComponentLinker& linker, const HostInterface& iface);

/// The host's objects of one resource type, by rep, in one store. The table
/// makes the resource's ResourceType (one per table, so one per store's
/// host); its destructor erases the object when the guest drops its last
/// own handle. Reps start at 1 and are reused only after 2^32 insertions
/// wrap, never while in use.
template <typename T>
class HostResourceTable {
 public:
  /// `name` is for messages: "wasi:io/streams.output-stream".
  explicit HostResourceTable(std::string name)
      : state_(std::make_shared<State>()), binding_(std::make_shared<Binding>()) {
    binding_->state = state_;
    auto type = std::make_shared<ResourceType>();
    type->name = std::move(name);
    // Through the binding: the type outlives the table when a guest still
    // holds it, and a renewed host's table takes the type over.
    type->destructor = [binding = binding_](uint32_t rep) -> Status {
      if (auto s = binding->state.lock()) s->objects.erase(rep);
      return {};
    };
    type_ = std::move(type);
  }

  /// Empties this table for a renewed host (serving one request after
  /// another over one linker), keeping its resource type: the objects go
  /// with the old state (a copy of the table made before keeps that one)
  /// and the type's destructor erases from the new one.
  void renew() {
    state_ = std::make_shared<State>();
    binding_->state = state_;
  }

  /// The resource type guests see.
  const ResourceTypePtr& type() const { return type_; }

  /// Adds `object`; its rep, or an error when the table is full (a
  /// resource limit: a guest cannot make the host hold unbounded objects).
  Result<uint32_t> insert(T object) {
    if (state_->objects.size() >= kMaxObjects)
      return make_error(ErrorCode::HostTrap, "too many " + type_->name + " resources");
    uint32_t rep;
    do rep = ++state_->next;
    while (rep == 0 || state_->objects.count(rep));
    state_->objects.emplace(rep, std::move(object));
    return rep;
  }
  /// Adds `object` and returns an own handle to it.
  Result<ComponentValue> insert_own(T object) {
    FLINT_ASSIGN(uint32_t rep, insert(std::move(object)));
    return ComponentValue::handle(TypeKind::Own, type_, rep);
  }

  /// The object a handle argument names: checks it is of this table's
  /// resource type and still alive (the canonical ABI's tables make a stale
  /// handle impossible; this guards the host against its own mistakes).
  Result<T*> get(const ComponentValue& handle) {
    auto* h = std::get_if<HandleValue>(&handle.payload);
    if (!h || h->resource != type_)
      return make_error(ErrorCode::HostTrap, "expected a handle of " + type_->name);
    return get(h->rep);
  }
  Result<T*> get(uint32_t rep) {
    auto it = state_->objects.find(rep);
    if (it == state_->objects.end())
      return make_error(ErrorCode::HostTrap, "unknown " + type_->name + " handle");
    return &it->second;
  }
  /// Removes and returns the object of `rep` (for an own handle the guest
  /// passes back to the host).
  Result<T> take(uint32_t rep) {
    auto it = state_->objects.find(rep);
    if (it == state_->objects.end())
      return make_error(ErrorCode::HostTrap, "unknown " + type_->name + " handle");
    T object = std::move(it->second);
    state_->objects.erase(it);
    return object;
  }
  size_t size() const { return state_->objects.size(); }

  /// What empties this table in place, keeping its resource type: every
  /// copy of the table sees it empty (ComponentLinker::renew_with_each_store).
  std::function<void()> clearer() const {
    return [state = state_] {
      std::map<uint32_t, T> gone;
      gone.swap(state->objects);  // destroyed once the table is consistent
      state->next = 0;
    };
  }

  /// Most objects of one type a store's host holds at once.
  static constexpr size_t kMaxObjects = 1u << 16;

 private:
  struct State {
    std::map<uint32_t, T> objects;
    uint32_t next = 0;
  };
  /// Which table's objects the resource type's destructor erases from.
  struct Binding {
    std::weak_ptr<State> state;
  };
  std::shared_ptr<State> state_;
  std::shared_ptr<Binding> binding_;
  ResourceTypePtr type_;
};

}  // namespace flint::component

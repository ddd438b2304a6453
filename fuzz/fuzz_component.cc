// libFuzzer target over components: decode, validate and (when valid)
// compile for the interpreter, instantiate with every import satisfied by
// the host, and call every exported function with arguments of its
// parameter types, under fuel and a memory cap. A crash, hang, sanitizer
// report or failed assertion is a finding; errors and traps are expected.
//
// Input layout: COMPONENT CHOICES N, where N is two little-endian bytes
// giving the length of CHOICES. CHOICES drive the values (byte_source.h:
// an exhausted stream reads as zeros, the smallest choice). When N does
// not fit, the whole input is the component and CHOICES is empty, so a
// bare .wasm is a useful input too. fuzz/make-component-corpus.sh writes
// seeds in this layout; the custom mutator below keeps it, mutating either
// the component or the choices so that one does not wreck the other.
//
// One extra oracle: every value the runtime lifts (an export's result, a
// host function's arguments) must have its declared type (value.h
// has_type); a mismatch aborts as a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "canon/layout.h"
#include "component/decoder.h"
#include "component/type_resolver.h"
#include "component/value.h"
#include "component_runtime/compiled_component.h"
#include "component_runtime/host_channels.h"
#include "component_runtime/host_function.h"
#include "component_runtime/instantiate.h"
#include "component_runtime/linker.h"
#include "flint/runtime.h"
#include "fuzz/byte_source.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

/// What the target reached, summed over inputs: read by the smoke test
/// (tests/fuzz/component_smoke.cc) to check that inputs get past
/// instantiation to calls, host calls included.
struct FuzzComponentStats {
  uint64_t instantiated = 0, calls = 0, host_calls = 0, channels = 0;
};
FuzzComponentStats fuzz_component_stats;

namespace {

using namespace flint;
using namespace flint::component;

// Bounds that keep one input's values small: list lengths, string lengths
// (code points), and the largest fixed-size list generated (a bigger one
// makes the call skipped).
constexpr uint32_t kMaxList = 6;
constexpr uint32_t kMaxString = 12;
constexpr uint32_t kMaxFixedList = 4096;
// Calls made per export, at most; and across the whole input.
constexpr uint32_t kMaxCallsPerExport = 3;
constexpr uint32_t kMaxCalls = 64;

// The two parts of an input (see the layout above).
struct Split {
  std::span<const uint8_t> component, choices;
};

Split split(std::span<const uint8_t> data) {
  if (data.size() >= 2) {
    size_t n = data[data.size() - 2] | size_t(data[data.size() - 1]) << 8;
    if (n <= data.size() - 2) {
      size_t end = data.size() - 2;
      return {data.first(end - n), data.subspan(end - n, n)};
    }
  }
  return {data, {}};
}

// Makes component values of a given type from the choice bytes, and keeps
// the own handles the component handed out so later calls can pass them
// back. Handles of resources the host defined (the imports) are minted
// freely: the host is their implementer and any representation is its own.
class ValueMaker {
 public:
  explicit ValueMaker(fuzz::ByteSource& in) : in_(in) {}

  // Resources whose handles the host may invent.
  std::vector<ResourceTypePtr> host_resources;

  // A value of `type`, or nullopt when none can be made (a handle of a
  // component resource the host holds none of, error-context, streams,
  // futures, a huge fixed-size list).
  std::optional<ComponentValue> make(const ValueType& type, int depth = 0) {
    using K = TypeKind;
    switch (type.kind) {
      case K::Bool: return ComponentValue::boolean(in_.byte() & 1);
      case K::S8: return ComponentValue::signed_int(type.kind, int8_t(in_.byte()));
      case K::U8: return ComponentValue::unsigned_int(type.kind, in_.byte());
      case K::S16: return ComponentValue::signed_int(type.kind, int16_t(in_.u32()));
      case K::U16: return ComponentValue::unsigned_int(type.kind, uint16_t(in_.u32()));
      case K::S32: return ComponentValue::signed_int(type.kind, int32_t(edge32()));
      case K::U32: return ComponentValue::unsigned_int(type.kind, edge32());
      case K::S64: return ComponentValue::signed_int(type.kind, int64_t(edge64()));
      case K::U64: return ComponentValue::unsigned_int(type.kind, edge64());
      case K::F32: {
        uint32_t bits = edge32();
        float f;
        std::memcpy(&f, &bits, 4);
        return ComponentValue::f32(f);
      }
      case K::F64: {
        uint64_t bits = edge64();
        double d;
        std::memcpy(&d, &bits, 8);
        return ComponentValue::f64(d);
      }
      case K::Char: return ComponentValue::character(scalar());
      case K::String: return ComponentValue::string(string());
      case K::List: {
        uint32_t n = type.length ? *type.length : in_.below(depth > 3 ? 2 : kMaxList + 1);
        if (n > kMaxFixedList) return std::nullopt;
        std::vector<ComponentValue> items;
        for (uint32_t i = 0; i < n; ++i) {
          auto v = make(*type.element, depth + 1);
          if (!v) return std::nullopt;
          items.push_back(std::move(*v));
        }
        return ComponentValue::sequence(K::List, std::move(items));
      }
      case K::Map: {
        uint32_t n = in_.below(depth > 3 ? 2 : kMaxList + 1);
        std::vector<ComponentValue> items;
        for (uint32_t i = 0; i < n; ++i) {
          auto k = make(*type.ok, depth + 1);
          auto v = k ? make(*type.element, depth + 1) : std::nullopt;
          if (!v) return std::nullopt;
          std::vector<ComponentValue> pair{std::move(*k), std::move(*v)};
          items.push_back(ComponentValue::sequence(K::Tuple, std::move(pair)));
        }
        return ComponentValue::sequence(K::Map, std::move(items));
      }
      case K::Record:
      case K::Tuple: {
        std::vector<ComponentValue> items;
        for (const Field& f : type.fields) {
          auto v = make(*f.type, depth + 1);
          if (!v) return std::nullopt;
          items.push_back(std::move(*v));
        }
        return ComponentValue::sequence(type.kind, std::move(items));
      }
      case K::Variant: {
        if (type.fields.empty()) return std::nullopt;
        uint32_t i = in_.below(uint32_t(type.fields.size()));
        return with_payload(K::Variant, i, type.fields[i].type.get(), depth);
      }
      case K::Enum:
        if (type.labels.empty()) return std::nullopt;
        return ComponentValue::case_of(K::Enum, in_.below(uint32_t(type.labels.size())),
                                       std::nullopt);
      case K::Option: {
        uint32_t i = in_.below(2);
        return with_payload(K::Option, i, i ? type.element.get() : nullptr, depth);
      }
      case K::Result: {
        uint32_t i = in_.below(2);
        return with_payload(K::Result, i, i ? type.error.get() : type.ok.get(), depth);
      }
      case K::Flags: {
        std::vector<bool> set;
        for (size_t i = 0; i < type.labels.size(); ++i) set.push_back(in_.byte() & 1);
        return ComponentValue::flags(std::move(set));
      }
      case K::Own:
      case K::Borrow: return handle(type);
      case K::Stream: return stream(type, depth);
      case K::Future: return future(type, depth);
      case K::ErrorContext: return std::nullopt;
    }
    return std::nullopt;
  }

  // Remembers the own handles in `v` (lifted out of the component: the
  // host owns them now) so later calls can pass them back. A stream or
  // future the component handed over is read by the host to its end (the
  // host ends of component_runtime/host_channels.h), so its writer's
  // copies complete, or dropped at once, by the choices.
  void collect(const ComponentValue& v) {
    using K = TypeKind;
    switch (v.kind) {
      case K::Own: owned_.push_back(v.as_handle()); return;
      case K::Stream:
      case K::Future: {
        std::shared_ptr<SharedChannel> channel = channel_of(v);
        if (!channel) return;
        if (in_.below(4) == 0) return channel->drop();
        if (v.kind == K::Future) return read_future(channel, [](std::optional<ComponentValue>) {});
        if (plain_bytes(channel->element()))
          return read_stream(channel, [](std::span<const uint8_t>) { return true; }, [] {});
        return channel->drop();  // values need a reader of values: none here
      }
      case K::List:
      case K::Record:
      case K::Tuple:
      case K::Map:
        if (v.byte_items()) return;  // bytes hold no handles
        for (const ComponentValue& item : v.items()) collect(item);
        return;
      case K::Variant:
      case K::Option:
      case K::Result:
        if (v.as_case().payload) collect(*v.as_case().payload);
        return;
      default: return;
    }
  }

 private:
  std::optional<ComponentValue> with_payload(TypeKind kind, uint32_t index, const ValueType* type,
                                             int depth) {
    if (!type) return ComponentValue::case_of(kind, index, std::nullopt);
    auto v = make(*type, depth + 1);
    if (!v) return std::nullopt;
    return ComponentValue::case_of(kind, index, std::move(*v));
  }

  // A stream the host writes: up to 3 elements made now, then its end
  // (or, by the choices, elements without an end: the reader waits).
  std::optional<ComponentValue> stream(const ValueType& type, int depth) {
    if (depth > 2 || !type.element) return std::nullopt;
    auto chunk = std::make_shared<SourceChunk>();
    uint32_t n = in_.below(4);
    if (plain_bytes(type.element)) {
      // Numbers: their little-endian bytes, any bits.
      for (uint32_t i = 0; i < n * canon::size_of(*type.element); ++i)
        chunk->bytes.push_back(in_.byte());
    } else {
      for (uint32_t i = 0; i < n; ++i) {
        std::optional<ComponentValue> e = make(*type.element, depth + 1);
        if (!e) return std::nullopt;
        chunk->values.push_back(std::move(*e));
      }
    }
    chunk->end = in_.below(4) != 0;
    auto given = std::make_shared<bool>(false);
    ++fuzz_component_stats.channels;
    auto channel = source_stream(type.element, [chunk, given](uint32_t) {
      SourceChunk c;
      if (!*given) c = *chunk;
      c.end = chunk->end;
      *given = true;
      return c;
    });
    return channel_value(channel);
  }

  // A future the host writes at once, or leaves unwritten, by the choices.
  std::optional<ComponentValue> future(const ValueType& type, int depth) {
    if (depth > 2) return std::nullopt;
    HostFuture f(type.element);
    ++fuzz_component_stats.channels;
    if (in_.below(4) != 0) {
      std::optional<ComponentValue> v;
      if (type.element) {
        v = make(*type.element, depth + 1);
        if (!v) return std::nullopt;
      }
      (void)f.write(v ? std::move(*v) : ComponentValue{});
    }
    return f.value();
  }

  bool is_host(const ResourceType* r) const {
    for (const auto& h : host_resources)
      if (h.get() == r) return true;
    return false;
  }

  std::optional<ComponentValue> handle(const ValueType& type) {
    if (is_host(type.resource.get()))
      return ComponentValue::handle(type.kind, type.resource, in_.below(4) + 1);
    // A component's resource: only a handle it gave out. Passing an own
    // handle gives it back (it leaves the pool); a borrow lends it.
    for (size_t i = 0; i < owned_.size(); ++i) {
      if (owned_[i].resource.get() != type.resource.get()) continue;
      HandleValue h = owned_[i];
      if (type.kind == TypeKind::Own) owned_.erase(owned_.begin() + long(i));
      return ComponentValue::handle(type.kind, h.resource, h.rep);
    }
    return std::nullopt;
  }

  // Integers favouring the edges the canonical ABI cares about.
  uint32_t edge32() {
    switch (in_.below(8)) {
      case 0: return 0;
      case 1: return 0xffffffffu;
      case 2: return 0x80000000u;
      case 3: return 0x7fffffffu;
      case 4: return in_.byte();
      default: return in_.u32();
    }
  }
  uint64_t edge64() {
    switch (in_.below(6)) {
      case 0: return 0;
      case 1: return ~uint64_t(0);
      case 2: return uint64_t(1) << 63;
      case 3: return in_.byte();
      default: return in_.u64();
    }
  }

  // A Unicode scalar value: ASCII, Latin-1, the BMP (no surrogates) or
  // beyond, so strings exercise every UTF-8 and UTF-16 length.
  char32_t scalar() {
    switch (in_.below(4)) {
      case 0: return char32_t(in_.byte() & 0x7f);
      case 1: return char32_t(0x80 + in_.byte());
      case 2: {
        char32_t c = char32_t(in_.u32() % 0xffff);
        return c >= 0xd800 && c <= 0xdfff ? c - 0x800 : c;
      }
      default: return char32_t(0x10000 + in_.u32() % 0x100000);
    }
  }

  std::string string() {
    std::string s;
    uint32_t n = in_.below(kMaxString + 1);
    for (uint32_t i = 0; i < n; ++i) {
      char32_t c = scalar();
      if (c < 0x80) {
        s += char(c);
      } else if (c < 0x800) {
        s += char(0xc0 | c >> 6);
        s += char(0x80 | (c & 0x3f));
      } else if (c < 0x10000) {
        s += char(0xe0 | c >> 12);
        s += char(0x80 | (c >> 6 & 0x3f));
        s += char(0x80 | (c & 0x3f));
      } else {
        s += char(0xf0 | c >> 18);
        s += char(0x80 | (c >> 12 & 0x3f));
        s += char(0x80 | (c >> 6 & 0x3f));
        s += char(0x80 | (c & 0x3f));
      }
    }
    return s;
  }

  fuzz::ByteSource& in_;
  std::vector<HandleValue> owned_;
};

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_component: %s\n", what.c_str());
  std::abort();
}

// A host function of `type`: checks its arguments' types and returns a
// value of its result type made from the choices (a trap when none can be
// made).
FunctionPtr host_function(FunctionTypePtr type, ValueMaker& maker) {
  return std::make_shared<HostFunction>(
      type,
      [type, &maker](
          Store&, std::span<const ComponentValue> args) -> Result<std::optional<ComponentValue>> {
        ++fuzz_component_stats.host_calls;
        if (args.size() != type->params.size()) finding("host function got a wrong arity");
        for (size_t i = 0; i < args.size(); ++i) {
          if (!has_type(args[i], *type->params[i].type))
            finding("host function argument " + std::to_string(i) + " is not a " +
                    to_string(*type->params[i].type));
          maker.collect(args[i]);
        }
        if (!type->result) return std::optional<ComponentValue>();
        auto v = maker.make(*type->result);
        if (!v) return make_error(ErrorCode::Unreachable, "fuzz host: no value of the result type");
        return std::optional<ComponentValue>(std::move(*v));
      });
}

// Turns declared import types into host items. `resources` maps the
// validator's abstract resources to the host's, filled in declaration
// order so later types referring to earlier resources get the host's.
struct HostBuilder {
  ValueMaker& maker;
  ResourceMap resources;

  std::optional<Item> item(const EntityType& t) {
    switch (t.kind) {
      case ExternDesc::Kind::Func: return Item(host_function(substitute(t.func, resources), maker));
      case ExternDesc::Kind::Type: {
        if (t.type.kind != TypeEntity::Kind::Resource || !t.type.resource) return std::nullopt;
        auto r = fresh_resource("host-" + t.type.resource->name);
        resources[t.type.resource.get()] = r;
        maker.host_resources.push_back(r);
        return Item(TypeItem{ResourceTypePtr(r)});
      }
      case ExternDesc::Kind::Instance: {
        if (!t.instance) return std::nullopt;
        auto inst = std::make_shared<ComponentInstanceItem>();
        for (const NamedEntity& e : t.instance->exports)
          if (auto i = item(e.type)) inst->exports.emplace(e.name, std::move(*i));
        return Item(InstancePtr(std::move(inst)));
      }
      default: return std::nullopt;  // component, core module, value imports: not offered
    }
  }
};

// Calls `fn` with arguments made from the choices; skipped when some
// argument cannot be made.
void call(Store& store, ComponentFunction& fn, ValueMaker& maker) {
  const FunctionType& type = fn.type();
  std::vector<ComponentValue> args;
  for (const Param& p : type.params) {
    auto v = maker.make(*p.type);
    if (!v) return;
    args.push_back(std::move(*v));
  }
  ++fuzz_component_stats.calls;
  auto result = fn.call(store, args);
  if (!result) return;
  if (result->has_value() != bool(type.result)) finding("an export returned the wrong arity");
  if (*result) {
    if (!has_type(**result, *type.result))
      finding("an export's result is not a " + to_string(*type.result));
    maker.collect(**result);
  }
}

// Every function an instance exports, its exported instances' included.
void functions(const ComponentInstanceItem& inst, std::vector<FunctionPtr>& out, int depth = 0) {
  for (const auto& [name, item] : inst.exports) {
    if (auto* f = std::get_if<FunctionPtr>(&item)) out.push_back(*f);
    if (auto* i = std::get_if<InstancePtr>(&item); i && depth < 4) functions(**i, out, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Split parts = split({data, size});
  std::vector<uint8_t> bytes(parts.component.begin(), parts.component.end());

  // Decoding and resolving (validation) are exercised for every input;
  // the runtime then only sees valid components.
  auto decoded = decode_component(bytes);
  if (!decoded) return 0;
  auto resolved = resolve_component(*decoded);
  if (!resolved) return 0;

  Config config;
  config.fuel = 100'000;
  config.max_memory_pages = 256;  // 16 MiB per memory
  config.max_stack_bytes = 256 << 10;
  auto compiled = CompiledComponent::compile(std::move(bytes), config);
  if (!compiled) return 0;

  fuzz::ByteSource choices(parts.choices);
  ValueMaker maker(choices);
  ComponentLinker linker;
  HostBuilder host{maker, {}};
  for (const NamedEntity& imp : resolved->self->imports)
    if (auto item = host.item(imp.type)) linker.define(imp.name, std::move(*item));

  Store store(config);
  auto instance = component::instantiate(store, *compiled, linker);
  if (!instance) return 0;
  ++fuzz_component_stats.instantiated;
  std::vector<FunctionPtr> exports;
  functions(**instance, exports);
  uint32_t calls = 0;
  for (const FunctionPtr& fn : exports) {
    uint32_t n = 1 + choices.below(kMaxCallsPerExport);
    for (uint32_t i = 0; i < n && calls < kMaxCalls; ++i, ++calls) call(store, *fn, maker);
  }
  return 0;
}

#ifndef FLINT_FUZZ_NO_MUTATOR  // the smoke test links without libFuzzer
// Keeps the COMPONENT CHOICES N layout: mutates the component or the
// choices (each half the time), then writes the trailer again.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  Split parts = split({data, size});
  std::vector<uint8_t> component(parts.component.begin(), parts.component.end());
  std::vector<uint8_t> choices(parts.choices.begin(), parts.choices.end());
  if (max_size < 2) return LLVMFuzzerMutate(data, size, max_size);
  size_t room = max_size - 2;
  const bool mutate_choices = seed & 1;
  std::vector<uint8_t>& target = mutate_choices ? choices : component;
  size_t other = mutate_choices ? component.size() : choices.size();
  if (other >= room) return LLVMFuzzerMutate(data, size, max_size);
  size_t cap = room - other;
  if (mutate_choices) cap = std::min(cap, size_t(0xffff));  // N is two bytes
  size_t len = std::min(target.size(), cap);
  target.resize(cap);
  target.resize(LLVMFuzzerMutate(target.data(), len, cap));
  size_t out = 0;
  for (uint8_t b : component) data[out++] = b;
  for (uint8_t b : choices) data[out++] = b;
  data[out++] = uint8_t(choices.size());
  data[out++] = uint8_t(choices.size() >> 8);
  return out;
}
#endif

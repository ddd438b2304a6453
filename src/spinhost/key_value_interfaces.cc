// The key-value interfaces guests import, over KeyValueStores:
// - fermyon:spin/key-value@2.0.0 (Spin 2's wit/deps/spin@2.0.0/key-value.wit)
//   and spin:key-value/key-value@3.0.0 (the same resource `store` and
//   variant `error`, as the Spin SDKs for WASI 0.3 import it: `async`
//   functions, answered at once by the host; its get-keys answers with a
//   stream and a future, which wait for the async issue: it links and traps);
// - wasi:keyvalue/{store,atomics,batch}@0.2.0-draft2 (wasi-keyvalue's
//   draft2, as Spin 3 vendors it: buckets, increment, compare-and-swap and
//   the batch functions).
// Opening a label the component's `key_value_stores` does not grant
// answers access-denied; a granted label with no configured store answers
// no-such-store (Spin's order of checks).
#include <algorithm>

#include "component_runtime/host_channels.h"
#include "component_runtime/host_interface.h"
#include "spinhost/key_value.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

using namespace component;

namespace {

using Args = std::span<const ComponentValue>;
using Ctx = std::shared_ptr<const SpinHostContext>;
using StorePtr = std::shared_ptr<KeyValueStore>;

/// How opening a label failed: a case of the interface's error variant.
enum class OpenFailure { AccessDenied, NoSuchStore, Other };
struct Opened {
  StorePtr store;
  OpenFailure failure = OpenFailure::Other;
  std::string message;
};

Opened open_store(const SpinHostContext& ctx, const std::string& label) {
  Opened out;
  const auto& grants = ctx.key_value_grants;
  if (std::find(grants.begin(), grants.end(), label) == grants.end()) {
    out.failure = OpenFailure::AccessDenied;
    return out;
  }
  if (!ctx.key_value || !ctx.key_value->has(label)) {
    out.failure = OpenFailure::NoSuchStore;
    return out;
  }
  auto store = ctx.key_value->open(label);
  if (!store) {
    out.message = store.error().detail;
    return out;
  }
  out.store = *store;
  return out;
}

ComponentValue bytes_value(const std::vector<uint8_t>& b) { return val::bytes(b.data(), b.size()); }

std::span<const uint8_t> bytes_arg(const ComponentValue& v, std::vector<uint8_t>& holder) {
  if (const auto* b = v.byte_items()) return *b;
  holder = val::to_bytes(v);
  return holder;
}

// ---- fermyon:spin/key-value@2.0.0 and spin:key-value/key-value@3.0.0 ----

/// error: store-table-full, no-such-store, access-denied, other(string).
ValueTypePtr spin_error_type() {
  static const ValueTypePtr type = wit::variant({{"store-table-full", nullptr},
                                                 {"no-such-store", nullptr},
                                                 {"access-denied", nullptr},
                                                 {"other", wit::string()}});
  return type;
}
ComponentValue spin_other(const Error& e) {
  return val::err(val::variant_case(3, val::string(e.detail)));
}

/// A Result of the backend as the interface's result: ok(f(value)) or
/// err(other(message)).
template <typename T, typename F>
ComponentValue spin_result(Result<T> r, F f) {
  if (!r) return spin_other(r.error());
  return val::ok(f(*r));
}
ComponentValue spin_status(Status s) {
  if (!s) return spin_other(s.error());
  return val::ok();
}

/// `p3`: spin:key-value@3.0.0, whose functions are `async` and whose
/// get-keys answers with a stream of keys and a future of the outcome.
void define_spin_key_value(ComponentLinker& linker, const Ctx& ctx, const std::string& name,
                           const std::string& version, bool p3) {
  HostResourceTable<StorePtr> stores(name + ".store");
  linker.renew_with_each_store(stores.clearer());
  auto func = [p3](std::vector<Param> params, ValueTypePtr result) {
    return p3 ? wit::async_func(std::move(params), std::move(result))
              : wit::func(std::move(params), std::move(result));
  };
  HostInterface iface(name, version);
  auto store_type = stores.type();
  auto error = spin_error_type();
  auto self = Param{"self", wit::borrow(store_type)};
  auto key = Param{"key", wit::string()};
  iface.resource("store", store_type);
  iface.type("error", error);
  iface.static_function(
      "store", "open", func({{"label", wit::string()}}, wit::result(wit::own(store_type), error)),
      [ctx, stores](Store&, Args a) mutable -> HostReturn {
        Opened o = open_store(*ctx, a[0].as_string());
        if (!o.store) {
          uint32_t c = o.failure == OpenFailure::AccessDenied  ? 2
                       : o.failure == OpenFailure::NoSuchStore ? 1
                                                               : 3;
          return val::err(val::variant_case(
              c, c == 3 ? std::optional<ComponentValue>(val::string(o.message)) : std::nullopt));
        }
        if (stores.size() >= HostResourceTable<StorePtr>::kMaxObjects)
          return val::err(val::variant_case(0));
        FLINT_ASSIGN(ComponentValue handle, stores.insert_own(std::move(o.store)));
        return val::ok(std::move(handle));
      });
  iface.method("store", "get",
               func({self, key}, wit::result(wit::option(wit::list(wit::u8())), error)),
               [stores](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, stores.get(a[0]));
                 return spin_result((*s)->get(a[1].as_string()), [](const auto& v) {
                   return v ? val::some(bytes_value(*v)) : val::none();
                 });
               });
  iface.method("store", "set",
               func({self, key, {"value", wit::list(wit::u8())}}, wit::result(nullptr, error)),
               [stores](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, stores.get(a[0]));
                 std::vector<uint8_t> holder;
                 return spin_status((*s)->set(a[1].as_string(), bytes_arg(a[2], holder)));
               });
  iface.method("store", "delete", func({self, key}, wit::result(nullptr, error)),
               [stores](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, stores.get(a[0]));
                 return spin_status((*s)->remove(a[1].as_string()));
               });
  iface.method("store", "exists", func({self, key}, wit::result(wit::boolean(), error)),
               [stores](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, stores.get(a[0]));
                 return spin_result((*s)->exists(a[1].as_string()),
                                    [](bool b) { return val::boolean(b); });
               });
  if (p3) {
    // The keys as a stream, and the outcome as a future.
    ValueTypePtr outcome = wit::result(nullptr, error);
    iface.method("store", "get-keys",
                 func({self}, wit::tuple({wit::stream(wit::string()), wit::future(outcome)})),
                 [stores, outcome](Store&, Args a) mutable -> HostReturn {
                   FLINT_ASSIGN(StorePtr * s, stores.get(a[0]));
                   auto keys = (*s)->keys();
                   if (!keys)
                     return val::tuple({ended_stream(wit::string()),
                                        resolved_future(outcome, spin_other(keys.error()))});
                   std::vector<ComponentValue> items;
                   for (const auto& k : *keys) items.push_back(val::string(k));
                   return val::tuple({stream_of(wit::string(), std::move(items)),
                                      resolved_future(outcome, val::ok())});
                 });
  } else {
    iface.method("store", "get-keys", func({self}, wit::result(wit::list(wit::string()), error)),
                 [stores](Store&, Args a) mutable -> HostReturn {
                   FLINT_ASSIGN(StorePtr * s, stores.get(a[0]));
                   return spin_result((*s)->keys(), [](const std::vector<std::string>& keys) {
                     std::vector<ComponentValue> items;
                     for (const auto& k : keys) items.push_back(val::string(k));
                     return val::list(std::move(items));
                   });
                 });
  }
  define(linker, iface);
}

// ---- wasi:keyvalue@0.2.0-draft2 --------------------------------------------

constexpr const char* kWasiVersion = "0.2.0-draft2";

/// error: no-such-store, access-denied, other(string).
ValueTypePtr wasi_error_type() {
  static const ValueTypePtr type = wit::variant(
      {{"no-such-store", nullptr}, {"access-denied", nullptr}, {"other", wit::string()}});
  return type;
}
ComponentValue wasi_other_value(const std::string& message) {
  return val::variant_case(2, val::string(message));
}
template <typename T, typename F>
ComponentValue wasi_result(Result<T> r, F f) {
  if (!r) return val::err(wasi_other_value(r.error().detail));
  return val::ok(f(*r));
}
ComponentValue wasi_status(Status s) {
  if (!s) return val::err(wasi_other_value(s.error().detail));
  return val::ok();
}

/// A CAS operation: the key and the value it saw.
struct Cas {
  StorePtr store;
  std::string key;
  std::optional<std::vector<uint8_t>> seen;
};

void define_wasi_keyvalue(ComponentLinker& linker, const Ctx& ctx) {
  HostResourceTable<StorePtr> buckets("wasi:keyvalue/store.bucket");
  HostResourceTable<Cas> cases("wasi:keyvalue/atomics.cas");
  linker.renew_with_each_store(buckets.clearer());
  linker.renew_with_each_store(cases.clearer());
  auto bucket_type = buckets.type();
  auto error = wasi_error_type();
  auto bytes = wit::list(wit::u8());
  auto key = Param{"key", wit::string()};

  HostInterface store("wasi:keyvalue/store", kWasiVersion);
  auto key_response =
      wit::record({{"keys", wit::list(wit::string())}, {"cursor", wit::option(wit::string())}});
  auto self = Param{"self", wit::borrow(bucket_type)};
  store.resource("bucket", bucket_type);
  store.type("error", error);
  store.type("key-response", key_response);
  store.function(
      "open", wit::func({{"identifier", wit::string()}}, wit::result(wit::own(bucket_type), error)),
      [ctx, buckets](Store&, Args a) mutable -> HostReturn {
        Opened o = open_store(*ctx, a[0].as_string());
        if (!o.store) {
          if (o.failure == OpenFailure::AccessDenied) return val::err(val::variant_case(1));
          if (o.failure == OpenFailure::NoSuchStore) return val::err(val::variant_case(0));
          return val::err(wasi_other_value(o.message));
        }
        if (buckets.size() >= HostResourceTable<StorePtr>::kMaxObjects)
          return val::err(wasi_other_value("too many open buckets"));
        FLINT_ASSIGN(ComponentValue handle, buckets.insert_own(std::move(o.store)));
        return val::ok(std::move(handle));
      });
  store.method("bucket", "get", wit::func({self, key}, wit::result(wit::option(bytes), error)),
               [buckets](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                 return wasi_result((*s)->get(a[1].as_string()), [](const auto& v) {
                   return v ? val::some(bytes_value(*v)) : val::none();
                 });
               });
  store.method("bucket", "set",
               wit::func({self, key, {"value", bytes}}, wit::result(nullptr, error)),
               [buckets](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                 std::vector<uint8_t> holder;
                 return wasi_status((*s)->set(a[1].as_string(), bytes_arg(a[2], holder)));
               });
  store.method("bucket", "delete", wit::func({self, key}, wit::result(nullptr, error)),
               [buckets](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                 return wasi_status((*s)->remove(a[1].as_string()));
               });
  store.method("bucket", "exists", wit::func({self, key}, wit::result(wit::boolean(), error)),
               [buckets](Store&, Args a) mutable -> HostReturn {
                 FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                 return wasi_result((*s)->exists(a[1].as_string()),
                                    [](bool b) { return val::boolean(b); });
               });
  // All keys in one page: the cursor of the answer is always none.
  store.method(
      "bucket", "list-keys",
      wit::func({self, {"cursor", wit::option(wit::string())}}, wit::result(key_response, error)),
      [buckets](Store&, Args a) mutable -> HostReturn {
        FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
        return wasi_result((*s)->keys(), [](const std::vector<std::string>& keys) {
          std::vector<ComponentValue> items;
          for (const auto& k : keys) items.push_back(val::string(k));
          return val::record({val::list(std::move(items)), val::none()});
        });
      });
  define(linker, store);

  HostInterface atomics("wasi:keyvalue/atomics", kWasiVersion);
  auto cas_type = cases.type();
  auto cas_error = wit::variant({{"store-error", error}, {"cas-failed", wit::own(cas_type)}});
  auto bucket = Param{"bucket", wit::borrow(bucket_type)};
  atomics.resource("bucket", bucket_type);
  atomics.type("error", error);
  atomics.resource("cas", cas_type);
  atomics.type("cas-error", cas_error);
  atomics.static_function(
      "cas", "new", wit::func({bucket, key}, wit::result(wit::own(cas_type), error)),
      [buckets, cases](Store&, Args a) mutable -> HostReturn {
        FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
        auto seen = (*s)->get(a[1].as_string());
        if (!seen) return val::err(wasi_other_value(seen.error().detail));
        FLINT_ASSIGN(ComponentValue handle,
                     cases.insert_own(Cas{*s, a[1].as_string(), std::move(*seen)}));
        return val::ok(std::move(handle));
      });
  atomics.method(
      "cas", "current",
      wit::func({{"self", wit::borrow(cas_type)}}, wit::result(wit::option(bytes), error)),
      [cases](Store&, Args a) mutable -> HostReturn {
        FLINT_ASSIGN(Cas * c, cases.get(a[0]));
        return val::ok(c->seen ? val::some(bytes_value(*c->seen)) : val::none());
      });
  atomics.function("increment",
                   wit::func({bucket, key, {"delta", wit::s64()}}, wit::result(wit::s64(), error)),
                   [buckets](Store&, Args a) mutable -> HostReturn {
                     FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                     return wasi_result((*s)->increment(a[1].as_string(), a[2].as_signed()),
                                        [](int64_t n) { return val::s64(n); });
                   });
  atomics.function(
      "swap",
      wit::func({{"cas", wit::own(cas_type)}, {"value", bytes}}, wit::result(nullptr, cas_error)),
      [cases](Store&, Args a) mutable -> HostReturn {
        FLINT_ASSIGN(Cas c, cases.take(a[0].as_handle().rep));
        std::vector<uint8_t> holder;
        auto swapped = c.store->compare_and_swap(c.key, c.seen, bytes_arg(a[1], holder));
        if (!swapped)
          return val::err(val::variant_case(0, wasi_other_value(swapped.error().detail)));
        if (*swapped) return val::ok();
        // Lost the race: a new CAS over the value there now, for a retry.
        auto now = c.store->get(c.key);
        if (!now) return val::err(val::variant_case(0, wasi_other_value(now.error().detail)));
        c.seen = std::move(*now);
        FLINT_ASSIGN(ComponentValue handle, cases.insert_own(std::move(c)));
        return val::err(val::variant_case(1, std::move(handle)));
      });
  define(linker, atomics);

  HostInterface batch("wasi:keyvalue/batch", kWasiVersion);
  auto keys = Param{"keys", wit::list(wit::string())};
  auto pair = wit::tuple({wit::string(), bytes});
  batch.resource("bucket", bucket_type);
  batch.type("error", error);
  // get-many as the wasi-keyvalue 0.2.0-draft2 release and Spin 3's SDKs
  // have it: each key with its value or none (an earlier draft of the same
  // version returned option<tuple<key, value>>).
  auto key_and_value = wit::tuple({wit::string(), wit::option(bytes)});
  batch.function("get-many",
                 wit::func({bucket, keys}, wit::result(wit::list(key_and_value), error)),
                 [buckets](Store&, Args a) mutable -> HostReturn {
                   FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                   std::vector<ComponentValue> out;
                   for (const ComponentValue& k : a[1].items()) {
                     auto v = (*s)->get(k.as_string());
                     if (!v) return val::err(wasi_other_value(v.error().detail));
                     out.push_back(val::tuple({val::string(k.as_string()),
                                               *v ? val::some(bytes_value(**v)) : val::none()}));
                   }
                   return val::ok(val::list(std::move(out)));
                 });
  batch.function(
      "set-many", wit::func({bucket, {"key-values", wit::list(pair)}}, wit::result(nullptr, error)),
      [buckets](Store&, Args a) mutable -> HostReturn {
        FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
        for (const ComponentValue& kv : a[1].items()) {
          std::vector<uint8_t> holder;
          auto st = (*s)->set(kv.items()[0].as_string(), bytes_arg(kv.items()[1], holder));
          if (!st) return val::err(wasi_other_value(st.error().detail));
        }
        return val::ok();
      });
  batch.function("delete-many", wit::func({bucket, keys}, wit::result(nullptr, error)),
                 [buckets](Store&, Args a) mutable -> HostReturn {
                   FLINT_ASSIGN(StorePtr * s, buckets.get(a[0]));
                   for (const ComponentValue& k : a[1].items()) {
                     auto st = (*s)->remove(k.as_string());
                     if (!st) return val::err(wasi_other_value(st.error().detail));
                   }
                   return val::ok();
                 });
  define(linker, batch);
}

}  // namespace

void define_key_value(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& ctx) {
  define_spin_key_value(linker, ctx, "fermyon:spin/key-value", "2.0.0", false);
  define_spin_key_value(linker, ctx, "spin:key-value/key-value", "3.0.0", true);
  define_wasi_keyvalue(linker, ctx);
}

}  // namespace flint::spinhost

// wasi:filesystem@0.3 (wit/types.wit, preopens.wit): WASI 0.2's filesystem
// with 0.3's types. Every function 0.2 also has is 0.2's body, its values
// adapted by name (adapt.h): error-code and descriptor-type are variants
// with an `other` case, timestamps are system-clock instants. What 0.3
// changed for real are the byte transfers and directory listings, which
// are streams now: read-via-stream, write-via-stream and append-via-stream
// move bytes through 0.2's input and output streams (byte_streams.h), and
// read-directory streams 0.2's directory snapshot.
#include "component_runtime/host_channels.h"
#include "wasip3/adapt.h"
#include "wasip3/byte_streams.h"
#include "wasip3/wasip3.h"

namespace flint::wasip3 {

using namespace component;
using wasip2::Host;

namespace {

using Args = std::span<const ComponentValue>;

/// 0.3's error-code: 0.2's cases without would-block, and other(option<string>).
ValueTypePtr error_code_type() {
  static const ValueTypePtr type = [] {
    std::vector<Field> cases;
    for (const std::string& label : wasip2::filesystem_error_code_type()->labels)
      if (label != "would-block") cases.push_back({label, nullptr});
    cases.push_back({"other", wit::option(wit::string())});
    return wit::variant(std::move(cases));
  }();
  return type;
}

/// 0.3's descriptor-type: 0.2's cases without unknown, and other(option<string>).
ValueTypePtr descriptor_type() {
  static const ValueTypePtr type = wit::variant({{"block-device", nullptr},
                                                 {"character-device", nullptr},
                                                 {"directory", nullptr},
                                                 {"fifo", nullptr},
                                                 {"symbolic-link", nullptr},
                                                 {"regular-file", nullptr},
                                                 {"socket", nullptr},
                                                 {"other", wit::option(wit::string())}});
  return type;
}

/// The 0.3 error value of a 0.2 error-code case.
ComponentValue error_value(uint32_t code) {
  Result<ComponentValue> v =
      adapt(val::enum_case(code), *wasip2::filesystem_error_code_type(), *error_code_type());
  return v ? std::move(*v) : val::variant_case(uint32_t(error_code_type()->fields.size() - 1));
}

ComponentValue error_of_host(int host_errno) {
  return error_value(wasip2::error_code_of_host(host_errno));
}

/// The 0.3 error value of a failed 0.2 result (`err(error-code)`).
ComponentValue error_of_result(const ComponentValue& failed) {
  return error_value(failed.as_case().payload->as_case().index);
}

}  // namespace

void define_filesystem(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                       const std::string& version) {
  const HostInterface old = wasip2::filesystem_types(host);
  ResourceTypePtr desc = host->descriptors.type();
  ValueTypePtr code = error_code_type();
  ValueTypePtr dtype = descriptor_type();
  // The types 0.3 did not change are 0.2's, as its functions have them.
  auto old_method = [&](const char* method) -> const FunctionType& {
    return function_of(old, std::string("[method]descriptor.") + method)->type();
  };
  ValueTypePtr dflags = old_method("get-flags").result->ok;
  ValueTypePtr pflags = old_method("stat-at").params.at(1).type;
  ValueTypePtr oflags = old_method("open-at").params.at(3).type;
  ValueTypePtr advice = old_method("advise").params.at(3).type;
  ValueTypePtr hash = old_method("metadata-hash").result->ok;
  ValueTypePtr opt_time = wit::option(instant_type());
  ValueTypePtr stat = wit::record({{"type", dtype},
                                   {"link-count", wit::u64()},
                                   {"size", wit::u64()},
                                   {"data-access-timestamp", opt_time},
                                   {"data-modification-timestamp", opt_time},
                                   {"status-change-timestamp", opt_time}});
  ValueTypePtr new_ts =
      wit::variant({{"no-change", nullptr}, {"now", nullptr}, {"timestamp", instant_type()}});
  ValueTypePtr entry = wit::record({{"type", dtype}, {"name", wit::string()}});
  ValueTypePtr outcome = wit::result(nullptr, code);
  auto res = [&](ValueTypePtr ok) { return wit::result(std::move(ok), code); };
  const Param self{"self", wit::borrow(desc)};
  const Param path{"path", wit::string()};
  // An argument 0.2 cannot take (an instant before 1970) is `invalid`.
  const ComponentValue invalid = val::err(error_value(wasip2::error_code::kInvalid));

  HostInterface iface("wasi:filesystem/types", version);
  iface.resource("descriptor", desc);
  iface.type("instant", instant_type());  // `use`d from system-clock
  iface.type("filesize", wit::u64());
  iface.type("link-count", wit::u64());
  iface.type("error-code", code);
  iface.type("descriptor-type", dtype);
  iface.type("descriptor-flags", dflags);
  iface.type("path-flags", pflags);
  iface.type("open-flags", oflags);
  iface.type("descriptor-stat", stat);
  iface.type("new-timestamp", new_ts);
  iface.type("directory-entry", entry);
  iface.type("advice", advice);
  iface.type("metadata-hash-value", hash);

  // 0.2's method `name` with 0.3's parameter and result types.
  auto adapted = [&](const std::string& name, std::vector<Param> params, ValueTypePtr result) {
    FunctionPtr inner = function_of(old, "[method]descriptor." + name);
    FunctionTypePtr type = wit::async_func(std::move(params), std::move(result));
    iface.method("descriptor", name, type, bridge(inner, type, invalid));
  };
  adapted("advise", {self, {"offset", wit::u64()}, {"length", wit::u64()}, {"advice", advice}},
          res(nullptr));
  adapted("sync-data", {self}, res(nullptr));
  adapted("sync", {self}, res(nullptr));
  adapted("get-flags", {self}, res(dflags));
  adapted("get-type", {self}, res(dtype));
  adapted("set-size", {self, {"size", wit::u64()}}, res(nullptr));
  adapted("set-times",
          {self, {"data-access-timestamp", new_ts}, {"data-modification-timestamp", new_ts}},
          res(nullptr));
  adapted("stat", {self}, res(stat));
  adapted("stat-at", {self, {"path-flags", pflags}, path}, res(stat));
  adapted("set-times-at",
          {self,
           {"path-flags", pflags},
           path,
           {"data-access-timestamp", new_ts},
           {"data-modification-timestamp", new_ts}},
          res(nullptr));
  adapted("link-at",
          {self,
           {"old-path-flags", pflags},
           {"old-path", wit::string()},
           {"new-descriptor", wit::borrow(desc)},
           {"new-path", wit::string()}},
          res(nullptr));
  adapted("open-at",
          {self, {"path-flags", pflags}, path, {"open-flags", oflags}, {"flags", dflags}},
          res(wit::own(desc)));
  adapted("create-directory-at", {self, path}, res(nullptr));
  adapted("readlink-at", {self, path}, res(wit::string()));
  // 0.2's, but for a symlink that leads out of the preopen: WASI 0.3's
  // suite expects not-permitted, as for that path itself, where 0.2 (and
  // Wasmtime 48's 0.2) answers not-directory.
  {
    FunctionTypePtr type = wit::async_func({self, path}, res(nullptr));
    HostBody inner =
        bridge(function_of(old, "[method]descriptor.remove-directory-at"), type, invalid);
    ComponentValue not_permitted = val::err(error_value(wasip2::error_code::kNotPermitted));
    iface.method("descriptor", "remove-directory-at", type,
                 [host, inner, not_permitted](Store& store, Args a) -> HostReturn {
                   FLINT_ASSIGN(std::optional<ComponentValue> r, inner(store, a));
                   const auto& c = r->as_case();
                   if (c.index == 0 || !c.payload ||
                       c.payload->as_case().index !=
                           error_value(wasip2::error_code::kNotDirectory).as_case().index)
                     return r;
                   FLINT_ASSIGN(wasip2::Descriptor * d, host->descriptors.get(a[0]));
                   if (wasip2::escapes_through_symlink(*d, a[1].as_string())) return not_permitted;
                   return r;
                 });
  }
  adapted("rename-at",
          {self,
           {"old-path", wit::string()},
           {"new-descriptor", wit::borrow(desc)},
           {"new-path", wit::string()}},
          res(nullptr));
  adapted("symlink-at", {self, {"old-path", wit::string()}, {"new-path", wit::string()}},
          res(nullptr));
  adapted("unlink-file-at", {self, path}, res(nullptr));
  adapted("is-same-object", {self, {"other", wit::borrow(desc)}}, wit::boolean());
  adapted("metadata-hash", {self}, res(hash));
  adapted("metadata-hash-at", {self, {"path-flags", pflags}, path}, res(hash));

  // ---- Streams: 0.2 opens the stream (and checks the descriptor) ----
  FunctionPtr open_input = function_of(old, "[method]descriptor.read-via-stream");
  iface.method(
      "descriptor", "read-via-stream",
      wit::func({self, {"offset", wit::u64()}},
                wit::tuple({wit::stream(wit::u8()), wit::future(outcome)})),
      [host, open_input, outcome](Store& store, Args a) -> HostReturn {
        FLINT_ASSIGN(std::optional<ComponentValue> opened, open_input->call(store, a));
        if (opened->as_case().index != 0)
          return val::tuple({ended_stream(wit::u8()),
                             resolved_future(outcome, val::err(error_of_result(*opened)))});
        FLINT_ASSIGN(wasip2::InputStream in,
                     host->input_streams.take(opened->as_case().payload->as_handle().rep));
        return read_to_stream(store, std::move(in), outcome, error_of_host);
      });
  auto writer = [&](const std::string& name, std::vector<Param> params) {
    FunctionPtr open_output = function_of(old, "[method]descriptor." + name);
    iface.method(
        "descriptor", name, wit::func(std::move(params), wit::future(outcome)),
        [host, open_output, outcome](Store& store, Args a) -> HostReturn {
          // 0.2's method takes the same arguments without the stream.
          std::vector<ComponentValue> args{a[0]};
          args.insert(args.end(), a.begin() + 2, a.end());
          std::shared_ptr<SharedChannel> data = channel_of(a[1]);
          FLINT_ASSIGN(std::optional<ComponentValue> opened, open_output->call(store, args));
          if (opened->as_case().index != 0) {
            data->drop();  // the guest's writes see the stream dropped
            return resolved_future(outcome, val::err(error_of_result(*opened)));
          }
          FLINT_ASSIGN(wasip2::OutputStream out,
                       host->output_streams.take(opened->as_case().payload->as_handle().rep));
          return write_from_stream(data, std::move(out), outcome, error_of_host);
        });
  };
  writer("write-via-stream", {self, {"data", wit::stream(wit::u8())}, {"offset", wit::u64()}});
  writer("append-via-stream", {self, {"data", wit::stream(wit::u8())}});

  // ---- Directory listings: 0.2's snapshot, streamed ----
  FunctionPtr open_entries = function_of(old, "[method]descriptor.read-directory");
  // 0.2's descriptor-type, as its directory-entry (option<directory-entry>) has it.
  ValueTypePtr old_type = function_of(old, "[method]directory-entry-stream.read-directory-entry")
                              ->type()
                              .result->ok->element->fields.at(0)
                              .type;
  iface.method(
      "descriptor", "read-directory",
      wit::func({self}, wit::tuple({wit::stream(entry), wit::future(outcome)})),
      [host, open_entries, outcome, entry, old_type](Store& store, Args a) -> HostReturn {
        FLINT_ASSIGN(std::optional<ComponentValue> opened, open_entries->call(store, a));
        if (opened->as_case().index != 0)
          return val::tuple(
              {ended_stream(entry), resolved_future(outcome, val::err(error_of_result(*opened)))});
        FLINT_ASSIGN(wasip2::DirectoryEntries listed,
                     host->directory_entries.take(opened->as_case().payload->as_handle().rep));
        auto entries = std::make_shared<wasip2::DirectoryEntries>(std::move(listed));
        HostFuture done(outcome);
        std::shared_ptr<SharedChannel> stream =
            source_stream(entry, [entries, old_type, done](uint32_t max) {
              SourceChunk chunk;
              while (chunk.values.size() < max && entries->next < entries->entries.size()) {
                const auto& e = entries->entries[entries->next++];
                Result<ComponentValue> type =
                    adapt(val::enum_case(e.type), *old_type, *descriptor_type());
                chunk.values.push_back(val::record({std::move(*type), val::string(e.name)}));
              }
              chunk.end = entries->next >= entries->entries.size();
              if (chunk.end) (void)done.write(val::ok());
              return chunk;
            });
        stream->on_drop([done] { (void)done.write(val::ok()); });
        return val::tuple({channel_value(stream), done.value()});
      });
  define(linker, iface);

  // preopens.wit: 0.2's get-directories, the same type.
  HostInterface preopens("wasi:filesystem/preopens", version);
  preopens.resource("descriptor", desc);
  FunctionPtr dirs = function_of(wasip2::filesystem_preopens(host), "get-directories");
  preopens.function("get-directories", dirs->type_ptr(),
                    [dirs](Store& store, Args a) -> HostReturn { return dirs->call(store, a); });
  define(linker, preopens);
}

}  // namespace flint::wasip3

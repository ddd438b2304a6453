// The variables interfaces guests import: fermyon:spin/variables@2.0.0 and
// spin:variables/variables@3.0.0 (`get: func(name) -> result<string,
// error>`, error invalid-name(string), undefined(string), provider(string),
// other(string)) and wasi:config/store@0.2.0-draft-2024-09-27 (`get` ->
// result<option<string>, error>, `get-all`; error upstream(string),
// io(string)). A component reads its own variables
// (`[component.NAME.variables]`), templates over the app's variables
// expanded at each read, with spin-expressions' messages.
#include "component_runtime/host_interface.h"
#include "spinhost/spinhost.h"
#include "spinhost/variables.h"

namespace flint::spinhost {

using namespace component;

namespace {

using Args = std::span<const ComponentValue>;
using Ctx = std::shared_ptr<const SpinHostContext>;

/// The outcome of reading component variable `name`.
struct Lookup {
  enum class Kind { Ok, InvalidName, Undefined, Provider } kind = Kind::Ok;
  std::string text;  ///< the value, or the message
};

Lookup lookup(const SpinHostContext& ctx, const std::string& name) {
  std::string why;
  if (!valid_variable_name(name, &why))
    return {Lookup::Kind::InvalidName, "\"" + name + "\": " + why};
  auto it = ctx.component_variables.find(name);
  if (it == ctx.component_variables.end())
    return {Lookup::Kind::Undefined,
            "no variable for \"" + ctx.component_id + "\".\"" + name + "\""};
  if (!ctx.variables) return {Lookup::Kind::Ok, it->second};
  auto value = ctx.variables->expand(it->second);
  if (!value) return {Lookup::Kind::Provider, value.error().detail};
  return {Lookup::Kind::Ok, std::move(*value)};
}

/// `async_get`: spin:variables@3.0.0's `get` is an `async func` (the host
/// answers at once).
void define_spin_variables(ComponentLinker& linker, const Ctx& ctx, const std::string& name,
                           const std::string& version, bool async_get) {
  auto error = wit::variant({{"invalid-name", wit::string()},
                             {"undefined", wit::string()},
                             {"provider", wit::string()},
                             {"other", wit::string()}});
  HostInterface iface(name, version);
  iface.type("error", error);
  std::vector<Param> params{{"name", wit::string()}};
  auto result = wit::result(wit::string(), error);
  iface.function("get", async_get ? wit::async_func(params, result) : wit::func(params, result),
                 [ctx](Store&, Args a) -> HostReturn {
                   Lookup l = lookup(*ctx, a[0].as_string());
                   if (l.kind == Lookup::Kind::Ok) return val::ok(val::string(std::move(l.text)));
                   uint32_t c = l.kind == Lookup::Kind::InvalidName ? 0
                                : l.kind == Lookup::Kind::Undefined ? 1
                                                                    : 2;
                   return val::err(val::variant_case(c, val::string(std::move(l.text))));
                 });
  define(linker, iface);
}

void define_wasi_config(ComponentLinker& linker, const Ctx& ctx) {
  auto error = wit::variant({{"upstream", wit::string()}, {"io", wit::string()}});
  HostInterface iface("wasi:config/store", "0.2.0-draft-2024-09-27");
  iface.type("error", error);
  // A key that is no valid variable name, or no variable of the component,
  // has no value (none), as Spin's wasi:config answers.
  iface.function(
      "get", wit::func({{"key", wit::string()}}, wit::result(wit::option(wit::string()), error)),
      [ctx](Store&, Args a) -> HostReturn {
        Lookup l = lookup(*ctx, a[0].as_string());
        if (l.kind == Lookup::Kind::Ok) return val::ok(val::some(val::string(l.text)));
        if (l.kind == Lookup::Kind::Provider)
          return val::err(val::variant_case(0, val::string(l.text)));
        return val::ok(val::none());
      });
  iface.function(
      "get-all",
      wit::func({}, wit::result(wit::list(wit::tuple({wit::string(), wit::string()})), error)),
      [ctx](Store&, Args) -> HostReturn {
        std::vector<ComponentValue> all;
        for (const auto& [name, text] : ctx->component_variables) {
          Lookup l = lookup(*ctx, name);
          if (l.kind != Lookup::Kind::Ok)
            return val::err(val::variant_case(0, val::string(l.text)));
          all.push_back(val::tuple({val::string(name), val::string(l.text)}));
        }
        return val::ok(val::list(std::move(all)));
      });
  define(linker, iface);
}

}  // namespace

void define_variables(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& ctx) {
  define_spin_variables(linker, ctx, "fermyon:spin/variables", "2.0.0", false);
  define_spin_variables(linker, ctx, "spin:variables/variables", "3.0.0", true);
  define_wasi_config(linker, ctx);
}

}  // namespace flint::spinhost

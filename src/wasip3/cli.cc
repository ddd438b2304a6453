// wasi:cli@0.3 (wit/environment.wit, exit.wit, stdio.wit's `types`,
// terminal.wit): what a command is given and how it ends. exit and the
// terminals are 0.2's WIT unchanged, so 0.2's definitions serve at 0.3's
// versions; environment renames initial-cwd to get-initial-cwd. stdin,
// stdout and stderr are streams in 0.3 and wait for the async ABI.
#include "wasip3/wasip3.h"

namespace flint::wasip3 {

using namespace component;
using wasip2::Host;

namespace {

using Args = std::span<const ComponentValue>;

void define_environment(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                        const std::string& version) {
  HostInterface iface("wasi:cli/environment", version);
  iface.function("get-environment",
                 wit::func({}, wit::list(wit::tuple({wit::string(), wit::string()}))),
                 [host](Store&, Args) -> HostReturn { return wasip2::environment_value(*host); });
  iface.function("get-arguments", wit::func({}, wit::list(wit::string())),
                 [host](Store&, Args) -> HostReturn { return wasip2::arguments_value(*host); });
  // No working directory of its own, as in 0.2 (and Wasmtime): paths are
  // relative to the preopens.
  iface.function("get-initial-cwd", wit::func({}, wit::option(wit::string())),
                 [](Store&, Args) -> HostReturn { return val::none(); });
  define(linker, iface);
}

/// stdio.wit's `types`: the error-code the stdio streams' futures report.
void define_types(ComponentLinker& linker, const std::string& version) {
  HostInterface iface("wasi:cli/types", version);
  iface.type("error-code", wit::enumeration({"io", "illegal-byte-sequence", "pipe"}));
  define(linker, iface);
}

}  // namespace

void define_cli(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                const std::string& version) {
  define_environment(linker, host, version);
  wasip2::define_exit(linker, host, version);
  define_types(linker, version);
  wasip2::define_terminals(linker, host, version);
}

}  // namespace flint::wasip3

// WASI 0.3's synchronous interfaces at both of their versions, and the
// choice of a command's entry point (wasip3.h).
#include "wasip3/wasip3.h"

#include "wasip2/wasip2.h"
#include "wasip3/sockets.h"

namespace flint::wasip3 {

using namespace component;

void define_wasip3(ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host) {
  // Built when first imported: most components import no WASI 0.3 yet, and
  // `flint run`'s start-up should not pay for it (issue 4).
  linker.define_group_lazily("wasip3", [host](ComponentLinker& l) {
    auto sockets = std::make_shared<sockets::SocketTables>();
    l.renew_with_each_store(sockets->tcp.clearer());
    l.renew_with_each_store(sockets->udp.clearer());
    for (const char* version : kVersions) {
      define_cli(l, host, version);
      define_clocks(l, version);
      define_random(l, host, version);
      define_filesystem(l, host, version);
      define_sockets(l, host, sockets, version);
    }
  });
}

Result<FunctionPtr> find_run(const ComponentInstanceItem& instance) {
  // Any 0.3.x, or a release candidate: the name carries the guest's version.
  for (const auto& [name, item] : instance.exports)
    if (name.starts_with("wasi:cli/run@0.3.") && std::get_if<InstancePtr>(&item))
      return find_function(instance, name + "#run");
  return wasip2::find_run(instance);
}

}  // namespace flint::wasip3

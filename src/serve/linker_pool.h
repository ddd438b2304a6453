// Linkers reused from one request to the next (issue 13). Building a 0.2
// handler's linker (WASI 0.2 and 0.3, wasi:http, every interface's types)
// and resolving and checking the component's imports in it took half of a
// request's time: a request now takes a linker someone built before, with
// its imports prepared (component::PreparedInstantiation), and its hosts
// renewed, which empties every table and resets every field while keeping
// the resource types the definitions name. The Store and the instance are
// still new for each request: nothing one request does reaches another.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "component_runtime/instantiate.h"
#include "serve/component_handler.h"
#include "serve/request_instance.h"

namespace flint::serve {

/// A linker with every host the options grant defined in it, and the
/// served component's imports prepared over it. One request uses it at a
/// time.
struct ReusableLinker {
  component::ComponentLinker linker;
  DefinedHosts hosts;
  std::optional<component::PreparedInstantiation> prepared;
};

/// The reusable linkers of one component: as many as requests were ever in
/// flight at once, each renewed when its request ends.
class LinkerPool {
 public:
  LinkerPool(std::shared_ptr<const component::CompiledComponent> component,
             std::shared_ptr<const HandlerOptions> options);

  /// A linker whose hosts are as new, taken from the pool or built.
  Result<std::unique_ptr<ReusableLinker>> take();
  /// Gives `linker` back once its request's Store and instance are gone:
  /// its hosts are renewed now (so nothing of the request is kept while it
  /// waits: descriptors closed, memory freed) and it waits for the next
  /// request. One that cannot be renewed is dropped.
  void give_back(std::unique_ptr<ReusableLinker> linker);

 private:
  /// Fresh WASI grants for the next request (a new preview-1 context: its
  /// preopens opened again).
  Result<std::shared_ptr<wasi::WasiContext>> new_context() const;

  std::shared_ptr<const component::CompiledComponent> component_;
  std::shared_ptr<const HandlerOptions> options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ReusableLinker>> idle_;
};

}  // namespace flint::serve

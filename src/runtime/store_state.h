// What a Store owns: every runtime object created in it, and the state of
// the wasm code running in it. Objects live as long as the store (spec
// 4.2.3: the store only grows), so raw pointers between them stay valid;
// the one exception is a failed instantiation nothing can reach
// (instantiate.cc), whose objects are released again.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "flint/runtime.h"
#include "runtime/execution.h"
#include "runtime/objects.h"

namespace flint {

struct Store::State {
  State(Store& store, const Config& config) : exec(store, config) {}
  ~State();
  std::vector<std::unique_ptr<FuncInst>> funcs;
  std::vector<std::unique_ptr<TableInst>> tables;
  std::vector<std::unique_ptr<MemoryInst>> memories;
  std::vector<std::unique_ptr<GlobalInst>> globals;
  std::vector<std::unique_ptr<TagInst>> tags;
  std::vector<std::unique_ptr<InstanceImpl>> instances;
  ExecutionState exec;
  /// Store::attachment's values; declared last so they go first, while the
  /// objects they may still use (fibers running wasm) exist.
  std::map<const void*, std::shared_ptr<void>> attachments;
};

}  // namespace flint

// What a Store owns: every runtime object created in it, and the executor
// that runs its wasm code. Objects live as long as the store (spec 4.2.3:
// the store only grows), so raw pointers between them stay valid.
#pragma once

#include <memory>
#include <vector>

#include "flint/runtime.h"
#include "interp/executor.h"
#include "runtime/objects.h"

namespace flint {

struct Store::State {
  explicit State(const Config& config) : executor(config) {}
  std::vector<std::unique_ptr<FuncInst>> funcs;
  std::vector<std::unique_ptr<TableInst>> tables;
  std::vector<std::unique_ptr<MemoryInst>> memories;
  std::vector<std::unique_ptr<GlobalInst>> globals;
  std::vector<std::unique_ptr<InstanceImpl>> instances;
  interp::Executor executor;
};

}  // namespace flint

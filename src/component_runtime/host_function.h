// A component function implemented by the host: the building block of host
// interfaces (WASI 0.2, wasi:http, Spin's APIs) and of test harnesses.
#pragma once

#include <functional>

#include "component_runtime/items.h"

namespace flint::component {

/// The body of a host component function: the arguments, lifted, and the
/// result to lower (std::nullopt when the type has none). An Error traps
/// the calling component.
using HostBody = std::function<Result<std::optional<ComponentValue>>(
    Store& store, std::span<const ComponentValue> args)>;

class HostFunction final : public ComponentFunction {
 public:
  HostFunction(FunctionTypePtr type, HostBody body)
      : ComponentFunction(std::move(type)), body_(std::move(body)) {}

  Result<std::optional<ComponentValue>> invoke(Store& store, std::span<const ComponentValue> args,
                                               bool) override {
    return body_(store, args);
  }

 private:
  HostBody body_;
};

}  // namespace flint::component

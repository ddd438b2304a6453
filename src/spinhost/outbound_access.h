// Whether a component may reach a service address: its
// `allowed_outbound_hosts` (deny when it has none).
#pragma once

#include <string_view>

#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// Whether `context`'s component may reach `url` ("redis://host:6379").
inline bool may_reach(const SpinHostContext& context, std::string_view url) {
  return context.allowed_hosts && context.allowed_hosts->allows_url(url);
}

}  // namespace flint::spinhost

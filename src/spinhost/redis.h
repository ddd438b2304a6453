// Spin's outbound Redis (fermyon:spin/redis@2.0.0 and spin:redis@3.0.0): a
// connection resource opened by address (`redis://[user:password@]host
// [:port][/db]`), with publish, get, set, incr, del, sadd, srem, smembers
// and a general `execute`. Over hiredis, blocking, with timeouts. An
// address the component's `allowed_outbound_hosts` does not grant is
// `error::invalid-address`, as Spin answers.
#pragma once

#include <memory>

#include "component_runtime/linker.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// Defines fermyon:spin/redis@2.0.0 and spin:redis/redis@3.0.0 (the same
/// functions as `async func`s) in `linker` for one instance.
void define_redis(component::ComponentLinker& linker,
                  const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost

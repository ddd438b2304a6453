// Spin's outbound MySQL (fermyon:spin/mysql@2.0.0 over
// fermyon:spin/rdbms-types@2.0.0, and spin:mysql@3.0.0: the same, async,
// a query's rows as a stream): a connection opened by
// `mysql://user:password@host[:port]/database`, `query` giving a row-set
// and `execute` for statements without results. Over MariaDB's client
// library (libmariadb), blocking, always over TCP, with LOAD DATA LOCAL
// disabled. An address the component's `allowed_outbound_hosts` does not
// grant is `connection-failed("address ADDRESS is not permitted")`.
#pragma once

#include <memory>

#include "component_runtime/linker.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// Defines fermyon:spin/mysql@2.0.0 (and rdbms-types@2.0.0) and
/// spin:mysql/mysql@3.0.0 in `linker` for one instance.
void define_mysql(component::ComponentLinker& linker,
                  const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost

// Spin's outbound PostgreSQL: spin:postgres/postgres@4.1.0 (4.0.0, which
// the conformance test uses, plus 4.1's connection-builder with a CA root
// for TLS), spin:postgres/postgres@3.0.0 and
// fermyon:spin/postgres@2.0.0 with fermyon:spin/rdbms-types@2.0.0. A
// connection opened by a libpq connection string (`host=... port=...` or
// `postgres://...`), `query` giving a row-set, `execute` the number of rows
// affected. Over libpq, blocking. Every host of the address must be
// granted by `allowed_outbound_hosts` as `postgres://HOST:PORT`; otherwise
// `connection-failed("address postgres://HOST:PORT is not permitted")`, as
// Spin answers. Unix sockets and options that read host files are refused.
#pragma once

#include <memory>

#include "component_runtime/linker.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// Defines the three PostgreSQL interface versions (and rdbms-types@2.0.0)
/// in `linker` for one instance.
void define_postgres(component::ComponentLinker& linker,
                     const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost

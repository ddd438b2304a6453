// WASI 0.3 for components: wasi:cli, wasi:clocks, wasi:random,
// wasi:filesystem and wasi:sockets, defined beside WASI 0.2
// over the same host state (wasip2::Host: the same grants, the same
// resource tables), at 0.3.0 and at the release candidate
// 0.3.0-rc-2026-03-15 that current SDKs import (Spin's Python SDK 5, Rust
// SDK 6/7).
//
//   auto host = wasip2::define_wasip2(linker, ctx);
//   wasip3::define_wasip3(linker, host);
//   auto run = wasip3::find_run(**instance);  // wasi:cli/run@0.3 or @0.2
//
// wasi:cli's stdin/stdout/stderr, filesystem and sockets use streams,
// futures and async functions (component_runtime/host_channels.h,
// host_function.h); wasi:http@0.3 is src/wasihttp's.
#pragma once

#include <array>
#include <memory>

#include "component_runtime/instantiate.h"
#include "wasip2/host.h"

namespace flint::wasip3 {

/// The versions Flint defines each WASI 0.3 interface at: 0.3.0 (which the
/// linker's semver rule also gives to imports of any 0.3.x), and the
/// release candidate current SDKs import (a prerelease matches only itself).
inline constexpr std::array<const char*, 2> kVersions = {"0.3.0", "0.3.0-rc-2026-03-15"};

/// Defines every WASI 0.3 interface Flint provides, at each of kVersions,
/// in `linker` over `host` (made by wasip2::define_wasip2 or
/// define_wasip2_proxy: its grants and exit status serve both versions).
void define_wasip3(component::ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host);

/// wasi:clocks/system-clock's `instant`: record { seconds: s64, nanoseconds: u32 }.
component::ValueTypePtr instant_type();

/// Each defines one family at `version` (cli.cc, clocks.cc, random.cc,
/// filesystem.cc); define_wasip3 calls them.
void define_cli(component::ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host,
                const std::string& version);
void define_clocks(component::ComponentLinker& linker, const std::string& version);
void define_random(component::ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host,
                   const std::string& version);
void define_filesystem(component::ComponentLinker& linker,
                       const std::shared_ptr<wasip2::Host>& host, const std::string& version);
namespace sockets {
struct SocketTables;
}
/// wasi:sockets/types and ip-name-lookup (sockets.cc), over `tables`,
/// which both versions share.
void define_sockets(component::ComponentLinker& linker, const std::shared_ptr<wasip2::Host>& host,
                    const std::shared_ptr<sockets::SocketTables>& tables,
                    const std::string& version);

/// The entry point of a command component: the `run` of its exported
/// wasi:cli/run@0.3.x (or the release candidate), an async lift, when it
/// has one; else wasip2::find_run's wasi:cli/run@0.2.x. Why 0.3 first: a
/// wasm32-wasip3 program exports both, and its 0.2 `run` is Rust's `main`,
/// which a WASI 0.3 program leaves empty or unreachable.
Result<component::FunctionPtr> find_run(const component::ComponentInstanceItem& instance);

}  // namespace flint::wasip3

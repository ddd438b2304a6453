// What a container runs, decided from its OCI spec and rootfs, the way
// runwasi and containerd-shim-spin decide it (FACTS.md §2.5):
// - a pod's sandbox container holds the pod's namespaces and runs nothing
//   (the pause image's /pause is a Linux program, never executed here);
// - process.args[0] names a Spin manifest (`/spin.toml`), or is `/` with a
//   spin.toml at the rootfs' top (SpinKube's pods say `command: ["/"]`):
//   `flint up` serves the app on SPIN_HTTP_LISTEN_ADDR, default 0.0.0.0:80;
// - otherwise process.args[0] is a wasm module or component in the rootfs
//   (`/app.wasm`, or runwasi's `/app.wasm#function`): `flint run` with the
//   rootfs as the guest's `/`, the spec's env and the remaining args.
// - an image whose wasm is in wasm-typed layers (or a Spin app in Spin's
//   layout) has an empty rootfs: plan_fetched_guest runs what fetch_image
//   read from containerd's content store.
// Anything else (a Linux executable) is refused at Create with the reason.
#pragma once

#include <flint/result.h>

#include <string>
#include <vector>

#include "shim/bundle_spec.h"
#include "shim/image_fetch.h"

namespace flint::shim {

/// How the container's process runs.
enum class GuestKind {
  PodSandbox,  ///< parks until killed
  Wasm,        ///< `flint run`
  SpinApp,     ///< `flint up`
};

/// The process to start for a container.
struct GuestCommand {
  GuestKind kind = GuestKind::Wasm;
  std::vector<std::string> argv;  ///< flint's command line (empty for a sandbox)
  std::vector<std::string> env;   ///< the process environment, KEY=VALUE
};

/// Plans the command for `spec` whose rootfs is mounted at spec.root_path;
/// `flint` is the path of the flint executable, `base_env` the environment
/// flint itself needs (the shim's own: HOME for its compile cache, PATH).
Result<GuestCommand> plan_guest(const BundleSpec& spec, const std::string& flint,
                                const std::vector<std::string>& base_env);

/// Plans the command for an image whose wasm or Spin app was read from
/// containerd's content store (fetch_image): the rootfs, empty for such
/// images, is still the guest's `/`; process.args[0] (e.g. `/app.wasm`) is
/// its argv[0] and may carry runwasi's `#function`.
Result<GuestCommand> plan_fetched_guest(const BundleSpec& spec, const FetchedImage& image,
                                        const std::string& flint,
                                        const std::vector<std::string>& base_env);

/// The flint executable that sits beside `shim_path` (an installed or
/// built tree keeps them together), else `flint` on PATH; empty when none.
std::string find_flint(const std::string& shim_path);

}  // namespace flint::shim

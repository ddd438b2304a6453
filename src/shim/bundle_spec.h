// What the shim reads from an OCI bundle's config.json (OCI runtime spec,
// config.md): the process to run, its root and the pod it belongs to.
// Everything else in the spec (capabilities, seccomp, cgroups, devices)
// belongs to a Linux process sandbox; a wasm guest's sandbox is Flint's, and
// it sees only what WASI grants (the rootfs, as its root directory).
#pragma once

#include <flint/result.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flint::shim {

/// The parts of a bundle's config.json the shim acts on.
struct BundleSpec {
  std::vector<std::string> args;  ///< process.args: the wasm (or spin.toml) and its arguments
  std::vector<std::string> env;   ///< process.env, KEY=VALUE
  std::string cwd = "/";          ///< process.cwd, inside the rootfs
  std::string root_path;          ///< root.path, absolute (resolved against the bundle)
  std::map<std::string, std::string> annotations;
  /// linux.namespaces' network entry: absent means the host's network; a
  /// path names the pod's namespace to join; an empty path asks for a new,
  /// empty one (as runc creates).
  std::optional<std::string> network_namespace;

  /// The CRI's pod sandbox id, when the container belongs to a pod
  /// (annotation io.kubernetes.cri.sandbox-id); empty otherwise.
  std::string sandbox_id() const;
  /// Whether this is a pod's sandbox (pause) container rather than a
  /// workload (annotation io.kubernetes.cri.container-type = sandbox).
  bool is_pod_sandbox() const;
};

/// Reads `bundle`/config.json. Errors name the file and the field.
Result<BundleSpec> read_bundle_spec(const std::string& bundle);

}  // namespace flint::shim

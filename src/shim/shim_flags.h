// The shim binary's command line, as containerd writes it (runtime v2,
// FACTS.md §2.1): Go-style single-dash flags, then the action.
//   containerd-shim-flint-v1 -namespace NS -address GRPC -publish-binary BIN
//       -id ID [-bundle DIR] [-debug] start|delete
//   containerd-shim-flint-v1 -v | -info
#pragma once

#include <flint/result.h>

#include <string>
#include <vector>

namespace flint::shim {

/// The shim's flags and action.
struct ShimFlags {
  std::string name_space;      ///< -namespace
  std::string address;         ///< -address: containerd's gRPC socket
  std::string publish_binary;  ///< -publish-binary: containerd itself
  std::string id;              ///< -id: the container (or sandbox) id
  std::string bundle;          ///< -bundle (delete); start runs in the bundle
  bool debug = false;          ///< -debug
  std::string action;          ///< start, delete, version (-v) or info (-info)
};

/// Parses `args` (without the program name). Unknown flags are an error
/// naming the flag; `--flag` is accepted as Go's flag package does.
Result<ShimFlags> parse_shim_flags(const std::vector<std::string>& args);

}  // namespace flint::shim

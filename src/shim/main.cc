// containerd-shim-flint-v1: runs WebAssembly guests and Spin apps for
// containerd (runtime io.containerd.flint.v1), and so for Kubernetes
// (RuntimeClass handler) and Docker (--runtime io.containerd.flint.v1).
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <vector>

#include "shim/bootstrap.h"
#include "shim/shim_flags.h"

int main(int argc, char** argv) {
  using namespace flint::shim;
  auto flags = parse_shim_flags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) {
    std::cerr << "containerd-shim-flint-v1: " << flags.error().detail << "\n";
    return 2;
  }
  std::error_code error;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (flags->action == "version") {
    std::cout << "containerd-shim-flint-v1\n  Runtime: io.containerd.flint.v1\n";
    return 0;
  }
  if (flags->action == "start") return run_start(*flags, self);
  if (flags->action == "delete") return run_delete(*flags);
  // -info (containerd 2.x's runtime introspection) is optional: containerd
  // logs that it is unavailable and goes on (FACTS.md §2.1).
  std::cerr << "containerd-shim-flint-v1: unsupported action `" << flags->action
            << "` (expected start, delete or -v)\n";
  return 2;
}

// The CPU features compiled code may use. The compiler targets exactly the
// features this reports (in LLVM's names) and the artifact records them; the
// loader accepts an artifact only if the running CPU has every one. Read
// from the C library's CPUID data (runtime/host_cpu.h), so the loader needs
// no LLVM and runs no CPUID.
#pragma once

#include <string>
#include <vector>

namespace flint::aot {

/// The features of the running CPU that Flint compiles for, sorted.
std::vector<std::string> host_cpu_features();
/// The CPU name the features are added to ("x86-64", "generic").
std::string host_cpu_baseline();
/// "+a,+b" for LLVM.
std::string llvm_feature_string(const std::vector<std::string>& features);

}  // namespace flint::aot

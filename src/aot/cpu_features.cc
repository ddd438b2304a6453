#include "aot/cpu_features.h"

#include <algorithm>

#include "runtime/host_cpu.h"

namespace flint::aot {

std::vector<std::string> host_cpu_features() {
  std::vector<std::string> out;
#if defined(__x86_64__)
  // LLVM feature name, and whether the CPU has it (runtime/host_cpu.h: no CPUID at start-up).
  const std::pair<const char*, CpuFeature> probes[] = {
      {"sse3", CpuFeature::Sse3},    {"ssse3", CpuFeature::Ssse3},   {"sse4.1", CpuFeature::Sse41},
      {"sse4.2", CpuFeature::Sse42}, {"popcnt", CpuFeature::Popcnt}, {"avx", CpuFeature::Avx},
      {"avx2", CpuFeature::Avx2},    {"bmi", CpuFeature::Bmi1},      {"bmi2", CpuFeature::Bmi2},
      {"fma", CpuFeature::Fma},      {"lzcnt", CpuFeature::Lzcnt},
  };
  for (const auto& [name, feature] : probes)
    if (host_has(feature)) out.push_back(name);
#endif
  std::sort(out.begin(), out.end());
  return out;
}

std::string host_cpu_baseline() {
#if defined(__x86_64__)
  return "x86-64";
#else
  return "generic";
#endif
}

std::string llvm_feature_string(const std::vector<std::string>& features) {
  std::string s;
  for (const std::string& f : features) s += (s.empty() ? "+" : ",+") + f;
  return s;
}

}  // namespace flint::aot

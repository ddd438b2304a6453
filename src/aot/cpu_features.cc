#include "aot/cpu_features.h"

#include <algorithm>

namespace flint::aot {

std::vector<std::string> host_cpu_features() {
  std::vector<std::string> out;
#if defined(__x86_64__)
  __builtin_cpu_init();
  // LLVM feature name, and whether the CPU has it.
  const std::pair<const char*, bool> probes[] = {
      {"sse3", __builtin_cpu_supports("sse3")},     {"ssse3", __builtin_cpu_supports("ssse3")},
      {"sse4.1", __builtin_cpu_supports("sse4.1")}, {"sse4.2", __builtin_cpu_supports("sse4.2")},
      {"popcnt", __builtin_cpu_supports("popcnt")}, {"avx", __builtin_cpu_supports("avx")},
      {"avx2", __builtin_cpu_supports("avx2")},     {"bmi", __builtin_cpu_supports("bmi")},
      {"bmi2", __builtin_cpu_supports("bmi2")},     {"fma", __builtin_cpu_supports("fma")},
      {"lzcnt", __builtin_cpu_supports("abm")},
  };
  for (const auto& [name, present] : probes)
    if (present) out.push_back(name);
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

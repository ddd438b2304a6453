#include "runtime/host_cpu.h"

#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)  // glibc 2.33+
// The header is C: its inline predicates return _Bool, which ISO C++ lacks.
#define _Bool bool
#include <sys/platform/x86.h>
#undef _Bool
#define FLINT_CPU_FROM_GLIBC 1
#endif

namespace flint {

bool host_has(CpuFeature feature) {
#if defined(FLINT_CPU_FROM_GLIBC)
  // "Active": present and usable (the OS saves its registers).
  switch (feature) {
    case CpuFeature::Sse3: return CPU_FEATURE_ACTIVE(SSE3);
    case CpuFeature::Ssse3: return CPU_FEATURE_ACTIVE(SSSE3);
    case CpuFeature::Sse41: return CPU_FEATURE_ACTIVE(SSE4_1);
    case CpuFeature::Sse42: return CPU_FEATURE_ACTIVE(SSE4_2);
    case CpuFeature::Popcnt: return CPU_FEATURE_ACTIVE(POPCNT);
    case CpuFeature::Avx: return CPU_FEATURE_ACTIVE(AVX);
    case CpuFeature::Avx2: return CPU_FEATURE_ACTIVE(AVX2);
    case CpuFeature::Bmi1: return CPU_FEATURE_ACTIVE(BMI1);
    case CpuFeature::Bmi2: return CPU_FEATURE_ACTIVE(BMI2);
    case CpuFeature::Fma: return CPU_FEATURE_ACTIVE(FMA);
    case CpuFeature::Lzcnt: return CPU_FEATURE_ACTIVE(LZCNT);
    case CpuFeature::Sha: return CPU_FEATURE_ACTIVE(SHA);
  }
  return false;
#elif defined(__x86_64__)
  // Another C library: the compiler's probe (CPUID at start-up, see the header).
  __builtin_cpu_init();
  switch (feature) {
    case CpuFeature::Sse3: return __builtin_cpu_supports("sse3");
    case CpuFeature::Ssse3: return __builtin_cpu_supports("ssse3");
    case CpuFeature::Sse41: return __builtin_cpu_supports("sse4.1");
    case CpuFeature::Sse42: return __builtin_cpu_supports("sse4.2");
    case CpuFeature::Popcnt: return __builtin_cpu_supports("popcnt");
    case CpuFeature::Avx: return __builtin_cpu_supports("avx");
    case CpuFeature::Avx2: return __builtin_cpu_supports("avx2");
    case CpuFeature::Bmi1: return __builtin_cpu_supports("bmi");
    case CpuFeature::Bmi2: return __builtin_cpu_supports("bmi2");
    case CpuFeature::Fma: return __builtin_cpu_supports("fma");
    case CpuFeature::Lzcnt: return __builtin_cpu_supports("lzcnt");
    case CpuFeature::Sha: return __builtin_cpu_supports("sha");
  }
  return false;
#else
  (void)feature;
  return false;
#endif
}

}  // namespace flint

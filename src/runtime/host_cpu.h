// What the running x86-64 CPU can execute, read from the C library's copy of
// CPUID, never by executing CPUID.
//
// Why not __builtin_cpu_supports: using it links libgcc's
// __cpu_indicator_init, a constructor that runs CPUID about ten times in
// every process, before main. Under a hypervisor each CPUID is a VM exit; on
// the machines Flint is measured on that is 5-20 us apiece, a tenth of the
// whole start-up of `flint run hello.fwasm` (issue 4). glibc's dynamic
// loader has already run CPUID once for the process and exports what it
// found (<sys/platform/x86.h>, glibc 2.33+), including whether the OS
// enables the register state a feature needs (AVX's YMM state).
#pragma once

namespace flint {

enum class CpuFeature {
  Sse3,
  Ssse3,
  Sse41,
  Sse42,
  Popcnt,
  Avx,
  Avx2,
  Bmi1,
  Bmi2,
  Fma,
  Lzcnt,
  Sha,
};

/// True when the running CPU has `feature` and the OS lets programs use it.
/// Always false on other architectures.
bool host_has(CpuFeature feature);

}  // namespace flint

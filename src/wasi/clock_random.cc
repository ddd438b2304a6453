// clock_res_get, clock_time_get, random_get (wasi_snapshot_preview1.witx).
// The four WASI clocks map onto the POSIX clocks of the same meaning;
// random bytes come from the kernel's CSPRNG.
#include <sys/random.h>
#include <time.h>

#include <cerrno>

#include "wasi/file_kind.h"
#include "wasi/host_call.h"

namespace flint::wasi {

/// The host clock for a WASI clock id, or nothing for an unknown id (EINVAL).
std::optional<clockid_t> host_clock(uint32_t id) {
  switch (ClockId(id)) {
    case ClockId::Realtime: return CLOCK_REALTIME;
    case ClockId::Monotonic: return CLOCK_MONOTONIC;
    case ClockId::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case ClockId::ThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  return std::nullopt;
}

namespace {

Result<Errno> clock_res_get(HostCall& c) {
  auto clock = host_clock(c.u32(0));
  if (!clock) return invalid_enum("clockid", c.u32(0));
  struct timespec ts;
  if (clock_getres(*clock, &ts) != 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint64_t>(c.u32(1), timespec_to_ns(ts)));
  return Errno::Success;
}

Result<Errno> clock_time_get(HostCall& c) {
  auto clock = host_clock(c.u32(0));  // u64(1), the precision, is a hint we need not take
  if (!clock) return invalid_enum("clockid", c.u32(0));
  struct timespec ts;
  if (clock_gettime(*clock, &ts) != 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint64_t>(c.u32(2), timespec_to_ns(ts)));
  return Errno::Success;
}

Result<Errno> random_get(HostCall& c) {
  FLINT_ASSIGN(auto buffer, c.mem.slice(c.u32(0), c.u32(1)));
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n = getrandom(buffer.data() + done, buffer.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_host_errno();
    }
    done += size_t(n);
  }
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"clock_res_get", "ii", clock_res_get},
    {"clock_time_get", "iIi", clock_time_get},
    {"random_get", "ii", random_get},
};

}  // namespace

std::span<const HostFunctionSpec> clock_random_functions() { return kFunctions; }

}  // namespace flint::wasi

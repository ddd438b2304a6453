// wasi:clocks@0.3 (wit/types.wit, monotonic-clock.wit, system-clock.wit).
// Against 0.2: the monotonic clock's `instant` is now `mark`, `resolution`
// is `get-resolution`, and pollables gave way to the async functions
// wait-until and wait-for; wall-clock became system-clock, whose instant has
// signed seconds (times before 1970 are no longer clamped to 0).
#include <time.h>

#include <chrono>
#include <thread>

#include "wasip3/wasip3.h"

namespace flint::wasip3 {

using namespace component;

ValueTypePtr instant_type() {
  static const ValueTypePtr type =
      wit::record({{"seconds", wit::s64()}, {"nanoseconds", wit::u32()}});
  return type;
}

namespace {

using Args = std::span<const ComponentValue>;

/// Waits until the monotonic clock reads `mark` (at once when it has): as
/// a task of its own when the guest lowered the call async (its other
/// tasks run meanwhile), else blocking.
Status sleep_until_mark(Store& store, uint64_t mark) {
  // The clock is steady_clock's nanoseconds; a mark past its range waits
  // "forever" (as far as a time point reaches).
  const auto deadline = std::chrono::steady_clock::time_point(
      std::chrono::nanoseconds(int64_t(std::min<uint64_t>(mark, INT64_MAX))));
  return wait_in_host(
      store, [mark] { return wasip2::monotonic_now() >= mark; }, HostWait{deadline, -1, 0});
}

void define_monotonic(ComponentLinker& linker, const std::string& version) {
  HostInterface iface("wasi:clocks/monotonic-clock", version);
  iface.type("duration", wit::u64());
  iface.type("mark", wit::u64());
  iface.function("now", wit::func({}, wit::u64()),
                 [](Store&, Args) -> HostReturn { return val::u64(wasip2::monotonic_now()); });
  iface.function("get-resolution", wit::func({}, wit::u64()), [](Store&, Args) -> HostReturn {
    return val::u64(wasip2::clock_resolution_ns(CLOCK_MONOTONIC));
  });
  iface.function("wait-until", wit::async_func({{"when", wit::u64()}}),
                 [](Store& store, Args a) -> HostReturn {
                   FLINT_TRY(sleep_until_mark(store, a[0].as_unsigned()));
                   return std::nullopt;
                 });
  iface.function("wait-for", wit::async_func({{"how-long", wit::u64()}}),
                 [](Store& store, Args a) -> HostReturn {
                   uint64_t now = wasip2::monotonic_now(), d = a[0].as_unsigned();
                   FLINT_TRY(sleep_until_mark(store, d > UINT64_MAX - now ? UINT64_MAX : now + d));
                   return std::nullopt;
                 });
  define(linker, iface);
}

void define_system(ComponentLinker& linker, const std::string& version) {
  HostInterface iface("wasi:clocks/system-clock", version);
  iface.type("duration", wit::u64());
  iface.type("instant", instant_type());
  iface.function("now", wit::func({}, instant_type()), [](Store&, Args) -> HostReturn {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    // timespec's form is the instant's: signed seconds, then 0..1e9 ns after them.
    return val::record({val::s64(int64_t(now.tv_sec)), val::u32(uint32_t(now.tv_nsec))});
  });
  iface.function("get-resolution", wit::func({}, wit::u64()), [](Store&, Args) -> HostReturn {
    return val::u64(wasip2::clock_resolution_ns(CLOCK_REALTIME));
  });
  define(linker, iface);
}

}  // namespace

void define_clocks(ComponentLinker& linker, const std::string& version) {
  HostInterface types("wasi:clocks/types", version);
  types.type("duration", wit::u64());
  define(linker, types);
  define_monotonic(linker, version);
  define_system(linker, version);
}

}  // namespace flint::wasip3

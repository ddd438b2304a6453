// wasi:clocks@0.2 (wit/monotonic-clock.wit, wall-clock.wit) and
// wasi:random@0.2 (wit/random.wit, insecure.wit, insecure-seed.wit).
#include <sys/random.h>
#include <time.h>

#include <cerrno>
#include <chrono>

#include "wasip2/host.h"

namespace flint::wasip2 {

using namespace component;

namespace {

using HostPtr = std::shared_ptr<Host>;
using Args = std::span<const ComponentValue>;
using Return = HostReturn;
using Clock = std::chrono::steady_clock;

/// A monotonic instant as a steady_clock time, saturating far in the future.
Clock::time_point instant_time(uint64_t ns) {
  constexpr uint64_t kMax = uint64_t(std::numeric_limits<int64_t>::max());
  return Clock::time_point(std::chrono::nanoseconds(int64_t(std::min(ns, kMax))));
}

}  // namespace

uint64_t monotonic_now() {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
}

uint64_t clock_resolution_ns(clockid_t clock) {
  timespec res{};
  clock_getres(clock, &res);
  return uint64_t(res.tv_sec) * 1'000'000'000 + uint64_t(res.tv_nsec);
}

Result<std::vector<uint8_t>> random_bytes(uint64_t len) {
  if (len > kMaxRandomBytes)
    return make_error(ErrorCode::HostTrap, "get-random-bytes: more than 64 MiB asked at once");
  std::vector<uint8_t> buf(len);
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = getrandom(buf.data() + done, buf.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorCode::HostTrap, "the host's random source failed");
    done += size_t(n);
  }
  return buf;
}

Result<uint64_t> random_u64() {
  FLINT_ASSIGN(std::vector<uint8_t> b, random_bytes(8));
  uint64_t v = 0;
  for (uint8_t byte : b) v = v << 8 | byte;
  return v;
}

Result<ComponentValue> insecure_seed_value(Host& host) {
  // WIT: the same value for every call in one instance.
  if (!host.insecure_seed) {
    FLINT_ASSIGN(uint64_t a, random_u64());
    FLINT_ASSIGN(uint64_t b, random_u64());
    host.insecure_seed = {a, b};
  }
  return val::tuple({val::u64(host.insecure_seed->first), val::u64(host.insecure_seed->second)});
}

namespace {

void define_monotonic(ComponentLinker& linker, const HostPtr& host) {
  ResourceTypePtr pollable = host->pollables.type();
  HostInterface iface("wasi:clocks/monotonic-clock", kVersion);
  iface.resource("pollable", pollable);
  iface.type("instant", wit::u64());
  iface.type("duration", wit::u64());
  iface.function("now", wit::func({}, wit::u64()),
                 [](Store&, Args) -> Return { return val::u64(monotonic_now()); });
  iface.function("resolution", wit::func({}, wit::u64()), [](Store&, Args) -> Return {
    return val::u64(clock_resolution_ns(CLOCK_MONOTONIC));
  });
  iface.function("subscribe-instant", wit::func({{"when", wit::u64()}}, wit::own(pollable)),
                 [host](Store&, Args a) -> Return {
                   return host->pollables.insert_own({instant_time(a[0].as_unsigned())});
                 });
  iface.function("subscribe-duration", wit::func({{"when", wit::u64()}}, wit::own(pollable)),
                 [host](Store&, Args a) -> Return {
                   uint64_t now = monotonic_now(), d = a[0].as_unsigned();
                   uint64_t when = d > UINT64_MAX - now ? UINT64_MAX : now + d;
                   return host->pollables.insert_own({instant_time(when)});
                 });
  define(linker, iface);
}

void define_wall_clock(ComponentLinker& linker) {
  HostInterface iface("wasi:clocks/wall-clock", kVersion);
  iface.type("datetime", datetime_type());
  iface.function("now", wit::func({}, datetime_type()), [](Store&, Args) -> Return {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return datetime(now.tv_sec, uint32_t(now.tv_nsec));
  });
  iface.function("resolution", wit::func({}, datetime_type()), [](Store&, Args) -> Return {
    timespec res{};
    clock_getres(CLOCK_REALTIME, &res);
    return datetime(res.tv_sec, uint32_t(res.tv_nsec));
  });
  define(linker, iface);
}

void define_random(ComponentLinker& linker, const HostPtr& host) {
  // Both the secure and the insecure source are the kernel's CSPRNG: WIT
  // allows an insecure source to be secure, and one source is less to audit.
  auto bytes = [](Store&, Args a) -> Return {
    FLINT_ASSIGN(std::vector<uint8_t> b, random_bytes(a[0].as_unsigned()));
    return val::bytes(b.data(), b.size());
  };
  auto u64 = [](Store&, Args) -> Return {
    FLINT_ASSIGN(uint64_t v, random_u64());
    return val::u64(v);
  };
  auto bytes_type = wit::func({{"len", wit::u64()}}, wit::list(wit::u8()));
  HostInterface random("wasi:random/random", kVersion);
  random.function("get-random-bytes", bytes_type, bytes);
  random.function("get-random-u64", wit::func({}, wit::u64()), u64);
  define(linker, random);
  HostInterface insecure("wasi:random/insecure", kVersion);
  insecure.function("get-insecure-random-bytes", bytes_type, bytes);
  insecure.function("get-insecure-random-u64", wit::func({}, wit::u64()), u64);
  define(linker, insecure);
  HostInterface seed("wasi:random/insecure-seed", kVersion);
  seed.function("insecure-seed", wit::func({}, wit::tuple({wit::u64(), wit::u64()})),
                [host](Store&, Args) -> Return { return insecure_seed_value(*host); });
  define(linker, seed);
}

}  // namespace

void define_clocks_random(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  define_monotonic(linker, host);
  define_wall_clock(linker);
  define_random(linker, host);
}

}  // namespace flint::wasip2

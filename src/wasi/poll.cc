// poll_oneoff (wasi_snapshot_preview1.witx): wait until a clock
// subscription fires or a descriptor is ready, then report every
// subscription that is, one $event each.
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

#include "wasi/file_kind.h"
#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  EventType type = EventType::Clock;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct ClockWait {
  uint64_t userdata;
  clockid_t clock;
  uint64_t deadline_ns;  // absolute, on `clock`
};

struct FdWait {
  uint64_t userdata;
  EventType type;
  int host;
  size_t pollfd_index;
};

uint64_t now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return timespec_to_ns(ts);
}

// Bytes a read would return now: what is left of a file, or what a pipe or
// socket holds.
uint64_t readable_bytes(int fd) {
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? uint64_t(st.st_size - pos) : 0;
  }
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? uint64_t(n) : 0;
}

Result<Errno> poll_oneoff(HostCall& c) {
  uint32_t count = c.u32(2);
  if (count == 0) return Errno::Inval;  // it would wait forever for nothing
  FLINT_ASSIGN(auto subs, c.mem.slice_aligned(c.u32(0), uint64_t(count) * layout::kSubscriptionSize, 8));
  FLINT_ASSIGN(auto out, c.mem.slice_aligned(c.u32(1), uint64_t(count) * layout::kEventSize, 8));

  std::vector<Event> ready;
  std::vector<ClockWait> clocks;
  std::vector<FdWait> fds;
  std::vector<struct pollfd> pollfds;
  for (uint32_t i = 0; i < count; ++i) {
    auto sub = std::span<const uint8_t>(subs).subspan(i * layout::kSubscriptionSize, layout::kSubscriptionSize);
    uint64_t userdata = GuestMemory::get<uint64_t>(sub, layout::kSubUserdata);
    uint8_t tag = GuestMemory::get<uint8_t>(sub, layout::kSubTag);
    if (tag == uint8_t(EventType::Clock)) {
      uint32_t id = GuestMemory::get<uint32_t>(sub, layout::kSubClockId);
      auto clock = host_clock(id);
      if (!clock) return invalid_enum("clockid", id);
      uint64_t timeout = GuestMemory::get<uint64_t>(sub, layout::kSubClockTimeout);
      bool absolute = GuestMemory::get<uint16_t>(sub, layout::kSubClockFlags) & kSubclockAbstime;
      uint64_t now = now_ns(*clock);
      uint64_t deadline = absolute ? timeout : (timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout);
      clocks.push_back({userdata, *clock, deadline});
    } else if (tag == uint8_t(EventType::FdRead) || tag == uint8_t(EventType::FdWrite)) {
      EventType type = EventType(tag);
      FdEntry* e = c.ctx.fds().get(GuestMemory::get<uint32_t>(sub, layout::kSubFd));
      // A closed fd or a directory fails the whole call, as in Wasmtime.
      if (!e || !e->host.valid() || e->kind == FdEntry::Kind::Directory) return Errno::Badf;
      fds.push_back({userdata, type, e->host.get(), pollfds.size()});
      pollfds.push_back({e->host.get(), short(type == EventType::FdRead ? POLLIN : POLLOUT), 0});
    } else {
      return invalid_enum("eventtype", tag);
    }
  }

  // Wait for the earliest clock, or not at all when something is ready.
  // ppoll takes nanoseconds: Go's timers ask for microseconds, and rounding
  // each wait up to poll(2)'s milliseconds would slow them down a thousandfold.
  while (true) {
    std::optional<uint64_t> wait_ns;
    if (!ready.empty()) wait_ns = 0;
    for (const ClockWait& w : clocks) {
      uint64_t now = now_ns(w.clock);
      uint64_t left = w.deadline_ns > now ? w.deadline_ns - now : 0;
      wait_ns = wait_ns ? std::min(*wait_ns, left) : left;
    }
    struct timespec timeout;
    if (wait_ns) {
      uint64_t capped = std::min<uint64_t>(*wait_ns, uint64_t(INT32_MAX) * 1000000000ull);
      timeout = {time_t(capped / 1000000000ull), long(capped % 1000000000ull)};
    }
    int n = ppoll(pollfds.data(), pollfds.size(), wait_ns ? &timeout : nullptr, nullptr);
    if (n < 0 && errno != EINTR) return last_host_errno();
    bool any = !ready.empty();
    for (const FdWait& w : fds) {
      short revents = n > 0 ? pollfds[w.pollfd_index].revents : 0;
      if (!revents) continue;
      Event ev{w.userdata, Errno::Success, w.type};
      if (revents & POLLNVAL) ev.error = Errno::Badf;
      else if (revents & POLLERR) ev.error = Errno::Io;
      if (revents & POLLHUP) ev.flags = kEventFdReadwriteHangup;
      if (w.type == EventType::FdRead && ev.error == Errno::Success) ev.nbytes = readable_bytes(w.host);
      ready.push_back(ev);
      any = true;
    }
    for (const ClockWait& w : clocks)
      if (now_ns(w.clock) >= w.deadline_ns) {
        ready.push_back({w.userdata, Errno::Success, EventType::Clock});
        any = true;
      }
    if (any) break;
  }

  for (size_t i = 0; i < ready.size(); ++i) {
    auto r = out.subspan(i * layout::kEventSize, layout::kEventSize);
    std::fill(r.begin(), r.end(), 0);
    GuestMemory::put<uint64_t>(r, layout::kEventUserdata, ready[i].userdata);
    GuestMemory::put<uint16_t>(r, layout::kEventError, uint16_t(ready[i].error));
    GuestMemory::put<uint8_t>(r, layout::kEventType, uint8_t(ready[i].type));
    GuestMemory::put<uint64_t>(r, layout::kEventNbytes, ready[i].nbytes);
    GuestMemory::put<uint16_t>(r, layout::kEventFlags, ready[i].flags);
  }
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(3), uint32_t(ready.size())));
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"poll_oneoff", "iiii", poll_oneoff},
};

}  // namespace

std::span<const HostFunctionSpec> poll_functions() { return kFunctions; }

}  // namespace flint::wasi

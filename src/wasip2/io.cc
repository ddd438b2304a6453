// wasi:io@0.2 (wit/error.wit, poll.wit, streams.wit): errors, pollables and
// byte streams over host descriptors. Writes are blocking: a write
// completes before it returns, so flushing has nothing left to do. Stdio
// streams are polled with poll(2); file streams never block.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "wasip2/host.h"

namespace flint::wasip2 {

using namespace component;

namespace {

/// The most bytes one read, write or splice moves: check-write's budget, and
/// a bound on the host memory one call can make the host allocate.
constexpr uint64_t kChunk = 1 << 20;

using HostPtr = std::shared_ptr<Host>;
using Args = std::span<const ComponentValue>;
using Return = HostReturn;

/// `err(last-operation-failed(error))` for a failed host call, or
/// `err(closed)` when the other end is gone.
Return stream_failure(Host& h, int host_errno, const char* what) {
  if (host_errno == EPIPE) return val::err(val::variant_case(1));
  FLINT_ASSIGN(ComponentValue e,
               h.errors.insert_own({std::string(what) + ": " + std::strerror(host_errno),
                                    error_code_of_host(host_errno), host_errno, std::nullopt}));
  return val::err(val::variant_case(0, std::move(e)));
}

Return closed() { return val::err(val::variant_case(1)); }

/// The failure of a read of `s`: its source's, with the source's message
/// and code, or the host call's.
Return read_failure(Host& h, InputStream& s, int host_errno) {
  if (!s.failure) return stream_failure(h, host_errno, "read");
  FLINT_ASSIGN(ComponentValue e,
               h.errors.insert_own({*s.failure->error, std::nullopt, host_errno, s.failure->code}));
  return val::err(val::variant_case(0, std::move(e)));
}

/// Waits until `fd` is ready for `events` (or has failed: the retried call
/// then reports it).
void wait_fd(int fd, short events) {
  pollfd pfd{fd, events, 0};
  while (::poll(&pfd, 1, -1) < 0 && errno == EINTR) {
  }
}

}  // namespace

int write_bytes(OutputStream& s, std::span<const uint8_t> data) {
  if (s.closed) return EPIPE;
  if (s.sink) {
    if (!s.sink->write(data)) s.closed = true;
    return 0;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n;
    int fd = s.fd->get();
    if (s.mode == OutputStream::Mode::At)
      n = pwrite(fd, data.data() + done, data.size() - done, off_t(s.offset));
    else
      n = write(fd, data.data() + done, data.size() - done);  // Append: the fd has O_APPEND
    if (n < 0 && errno == EINTR) continue;
    // A socket's descriptor is non-blocking: wait until it takes more.
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_fd(fd, POLLOUT);
      continue;
    }
    if (n < 0) {
      if (errno == EPIPE) s.closed = true;
      return errno;
    }
    done += size_t(n);
    if (s.mode == OutputStream::Mode::At) s.offset += uint64_t(n);
  }
  return 0;
}

std::vector<uint8_t> read_some(InputStream& s, uint64_t len, int& error) {
  std::vector<uint8_t> buf(std::min(len, kChunk));
  error = 0;
  if (buf.empty() || s.closed) return buf;
  if (s.source) {
    StreamSource::Read r = s.source->read(buf.size());
    if (r.error) {
      error = EIO;  // reported as the failed read it is; the stream is done
      s.closed = true;
      s.failure = std::move(r);
      return {};
    } else if (r.end && r.bytes.empty()) {
      s.closed = true;
    }
    return std::move(r.bytes);
  }
  ssize_t n;
  for (;;) {
    n = s.positional ? pread(s.fd->get(), buf.data(), buf.size(), off_t(s.offset))
                     : read(s.fd->get(), buf.data(), buf.size());
    if (n >= 0 || errno == EINTR) {
      if (n >= 0) break;
      continue;
    }
    // A socket's descriptor is non-blocking: wait for a byte.
    if (errno != EAGAIN && errno != EWOULDBLOCK) break;
    wait_fd(s.fd->get(), POLLIN);
  }
  if (n < 0) {
    error = errno;
    buf.clear();
    return buf;
  }
  if (n == 0) s.closed = true;
  buf.resize(size_t(n));
  s.offset += uint64_t(n);
  return buf;
}

namespace {

/// Writes all of `data`, as blocking-write-and-flush promises.
Return write_all(Host& h, OutputStream& s, const std::vector<uint8_t>& data) {
  if (s.closed) return closed();
  if (const int error = write_bytes(s, data)) return stream_failure(h, error, "write");
  return s.closed ? closed() : val::ok();
}

bool fd_ready(const Pollable& p, int timeout_ms);

/// Whether a read of the (non-positional) stream would not wait.
bool ready_now(const InputStream& s) {
  SharedFd fd = s.source ? s.source->ready_fd() : s.fd;
  return !fd || fd_ready({std::nullopt, fd, POLLIN}, 0);
}

Return do_read(Host& h, Args a, bool blocking) {
  FLINT_ASSIGN(InputStream * s, h.input_streams.get(a[0]));
  if (s->closed) return closed();
  // `read` never waits: nothing available yet is an empty list.
  if (!blocking && !s->positional && !ready_now(*s)) return val::ok(val::list({}));
  int error = 0;
  std::vector<uint8_t> data = read_some(*s, a[1].as_unsigned(), error);
  if (error) return read_failure(h, *s, error);
  if (s->closed) return closed();
  return val::ok(val::bytes(data.data(), data.size()));
}

Return do_skip(Host& h, Args a, bool blocking) {
  FLINT_ASSIGN(InputStream * s, h.input_streams.get(a[0]));
  if (s->closed) return closed();
  if (!blocking && !s->positional && !ready_now(*s)) return val::ok(val::u64(0));
  int error = 0;
  std::vector<uint8_t> data = read_some(*s, a[1].as_unsigned(), error);
  if (error) return read_failure(h, *s, error);
  if (s->closed) return closed();
  return val::ok(val::u64(data.size()));
}

/// splice: what one read of `src` gives is written whole; if the write then
/// fails, the error is reported and those bytes are not written.
Return do_splice(Host& h, Args a) {
  FLINT_ASSIGN(OutputStream * out, h.output_streams.get(a[0]));
  FLINT_ASSIGN(InputStream * in, h.input_streams.get(a[1]));
  if (out->closed) return closed();
  if (in->closed) return closed();
  int error = 0;
  std::vector<uint8_t> data = read_some(*in, a[2].as_unsigned(), error);
  if (error) return read_failure(h, *in, error);
  if (in->closed) return closed();
  FLINT_ASSIGN(std::optional<ComponentValue> written, write_all(h, *out, data));
  if (written->as_case().index != 0) return written;
  return val::ok(val::u64(data.size()));
}

Return do_write(Host& h, Args a) {
  FLINT_ASSIGN(OutputStream * s, h.output_streams.get(a[0]));
  return write_all(h, *s, val::to_bytes(a[1]));
}

Return do_write_zeroes(Host& h, Args a) {
  FLINT_ASSIGN(OutputStream * s, h.output_streams.get(a[0]));
  uint64_t len = a[1].as_unsigned();
  // As `write`, at most check-write's budget at once (the guest asked first).
  if (len > kChunk) return stream_failure(h, EINVAL, "write-zeroes beyond check-write");
  return write_all(h, *s, std::vector<uint8_t>(len));
}

/// Whether the descriptor of `p` is ready within `timeout_ms` (0: now).
/// A closed or invalid descriptor is "ready": the read or write then
/// reports the error instead of the guest waiting forever.
bool fd_ready(const Pollable& p, int timeout_ms) {
  if (p.fd->get() < 0) return true;
  pollfd pfd{p.fd->get(), p.events, 0};
  int n;
  do n = ::poll(&pfd, 1, timeout_ms);
  while (n < 0 && errno == EINTR);
  return n != 0;  // ready, or an error (POLLERR, POLLHUP, EBADF) a read will report
}

/// Whether `p` is ready now.
bool ready(const Pollable& p) {
  if (p.fd) return fd_ready(p, 0);
  return !p.deadline || std::chrono::steady_clock::now() >= *p.deadline;
}

void block(const Pollable& p) {
  if (p.fd)
    fd_ready(p, -1);
  else if (p.deadline)
    std::this_thread::sleep_until(*p.deadline);
}

/// wasi:io/poll.poll: waits until at least one of `ps` is ready, with one
/// poll(2) over the descriptors timed by the earliest clock.
void wait_any(const std::vector<Pollable>& ps) {
  using Clock = std::chrono::steady_clock;
  std::vector<pollfd> fds;
  std::optional<Clock::time_point> earliest;
  for (const Pollable& p : ps) {
    if (p.fd && p.fd->get() >= 0) fds.push_back({p.fd->get(), p.events, 0});
    if (!p.fd && p.deadline) earliest = earliest ? std::min(*earliest, *p.deadline) : *p.deadline;
  }
  while (std::none_of(ps.begin(), ps.end(), ready)) {
    int timeout = -1;
    if (earliest) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*earliest - Clock::now());
      timeout = int(std::clamp<int64_t>(left.count(), 0, 1 << 30));
    }
    if (fds.empty()) {
      if (!earliest) return;  // nothing could ever become ready (not reached: such are ready)
      std::this_thread::sleep_until(*earliest);
      continue;
    }
    for (pollfd& f : fds) f.revents = 0;
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) return;
  }
}

/// A stream's pollable: stdio polls its descriptor; a file is always ready.
Return subscribe_fd(Host& h, const SharedFd& fd, bool positional, short events) {
  Pollable p;
  if (!positional) p.fd = fd, p.events = events;
  return h.pollables.insert_own(std::move(p));
}

void define_error(ComponentLinker& linker, const HostPtr& host) {
  ResourceTypePtr error = host->errors.type();
  HostInterface iface("wasi:io/error", kVersion);
  iface.resource("error", error);
  iface.method("error", "to-debug-string", wit::func({{"self", wit::borrow(error)}}, wit::string()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(IoError * e, host->errors.get(a[0]));
                 return val::string(e->message);
               });
  define(linker, iface);
}

void define_poll(ComponentLinker& linker, const HostPtr& host) {
  ResourceTypePtr pollable = host->pollables.type();
  HostInterface iface("wasi:io/poll", kVersion);
  iface.resource("pollable", pollable);
  iface.method("pollable", "ready", wit::func({{"self", wit::borrow(pollable)}}, wit::boolean()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Pollable * p, host->pollables.get(a[0]));
                 return val::boolean(ready(*p));
               });
  iface.method("pollable", "block", wit::func({{"self", wit::borrow(pollable)}}),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Pollable * p, host->pollables.get(a[0]));
                 block(*p);
                 return std::nullopt;
               });
  iface.function("poll",
                 wit::func({{"in", wit::list(wit::borrow(pollable))}}, wit::list(wit::u32())),
                 [host](Store&, Args a) -> Return {
                   const auto& in = a[0].items();
                   // WIT: "the list may not be empty" (Wasmtime traps too).
                   if (in.empty())
                     return make_error(ErrorCode::HostTrap, "poll: empty list of pollables");
                   if (in.size() > std::numeric_limits<uint32_t>::max())
                     return make_error(ErrorCode::HostTrap, "poll: too many pollables");
                   std::vector<Pollable> ps;
                   for (const ComponentValue& v : in) {
                     FLINT_ASSIGN(Pollable * p, host->pollables.get(v));
                     ps.push_back(*p);
                   }
                   wait_any(ps);
                   std::vector<ComponentValue> out;
                   for (size_t i = 0; i < ps.size(); ++i)
                     if (ready(ps[i])) out.push_back(val::u32(uint32_t(i)));
                   return val::list(std::move(out));
                 });
  define(linker, iface);
}

void define_streams(ComponentLinker& linker, const HostPtr& host) {
  ResourceTypePtr in = host->input_streams.type(), out = host->output_streams.type();
  ValueTypePtr stream_error = stream_error_type(*host);
  ValueTypePtr bytes = wit::list(wit::u8());
  auto self_in = Param{"self", wit::borrow(in)};
  auto self_out = Param{"self", wit::borrow(out)};
  HostInterface iface("wasi:io/streams", kVersion);
  iface.resource("error", host->errors.type());
  iface.resource("pollable", host->pollables.type());
  iface.resource("input-stream", in);
  iface.resource("output-stream", out);
  iface.type("stream-error", stream_error);

  auto read_type = wit::func({self_in, {"len", wit::u64()}}, wit::result(bytes, stream_error));
  auto skip_type = wit::func({self_in, {"len", wit::u64()}}, wit::result(wit::u64(), stream_error));
  // `read` returns what is available now (a file's bytes always are);
  // `blocking-read` waits for at least one byte.
  iface.method("input-stream", "read", read_type,
               [host](Store&, Args a) { return do_read(*host, a, false); });
  iface.method("input-stream", "blocking-read", read_type,
               [host](Store&, Args a) { return do_read(*host, a, true); });
  iface.method("input-stream", "skip", skip_type,
               [host](Store&, Args a) { return do_skip(*host, a, false); });
  iface.method("input-stream", "blocking-skip", skip_type,
               [host](Store&, Args a) { return do_skip(*host, a, true); });
  iface.method("input-stream", "subscribe", wit::func({self_in}, wit::own(host->pollables.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(InputStream * s, host->input_streams.get(a[0]));
                 // A source's read waits only if it has a ready_fd (an
                 // outbound response's body): polled; else always ready.
                 if (s->source) {
                   SharedFd fd = s->source->ready_fd();
                   return subscribe_fd(*host, fd, !fd, POLLIN);
                 }
                 return subscribe_fd(*host, s->fd, s->positional, POLLIN);
               });

  auto unit = wit::result(nullptr, stream_error);
  auto write_type = wit::func({self_out, {"contents", bytes}}, unit);
  auto flush = [host](Store&, Args a) -> Return {
    FLINT_ASSIGN(OutputStream * s, host->output_streams.get(a[0]));
    if (s->closed) return closed();
    return val::ok();  // writes are complete when they return
  };
  iface.method("output-stream", "check-write",
               wit::func({self_out}, wit::result(wit::u64(), stream_error)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutputStream * s, host->output_streams.get(a[0]));
                 if (s->closed) return closed();
                 return val::ok(val::u64(kChunk));
               });
  iface.method("output-stream", "write", write_type, [host](Store&, Args a) -> Return {
    // Beyond check-write's budget is a guest error; WIT says it traps.
    if (val::to_bytes(a[1]).size() > kChunk)
      return make_error(ErrorCode::HostTrap, "output-stream.write beyond check-write");
    return do_write(*host, a);
  });
  iface.method("output-stream", "blocking-write-and-flush", write_type,
               [host](Store&, Args a) -> Return {
                 // WIT: at most 4096 bytes; more is accepted, as by Wasmtime's hosts.
                 return do_write(*host, a);
               });
  iface.method("output-stream", "flush", wit::func({self_out}, unit), flush);
  iface.method("output-stream", "blocking-flush", wit::func({self_out}, unit), flush);
  iface.method("output-stream", "subscribe",
               wit::func({self_out}, wit::own(host->pollables.type())),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(OutputStream * s, host->output_streams.get(a[0]));
                 // A sink takes every write whole: always ready.
                 return subscribe_fd(*host, s->fd, s->mode != OutputStream::Mode::Stream || s->sink,
                                     POLLOUT);
               });
  auto zeroes_type = wit::func({self_out, {"len", wit::u64()}}, unit);
  iface.method("output-stream", "write-zeroes", zeroes_type,
               [host](Store&, Args a) { return do_write_zeroes(*host, a); });
  iface.method("output-stream", "blocking-write-zeroes-and-flush", zeroes_type,
               [host](Store&, Args a) { return do_write_zeroes(*host, a); });
  auto splice_type = wit::func({self_out, {"src", wit::borrow(in)}, {"len", wit::u64()}},
                               wit::result(wit::u64(), stream_error));
  iface.method("output-stream", "splice", splice_type,
               [host](Store&, Args a) { return do_splice(*host, a); });
  iface.method("output-stream", "blocking-splice", splice_type,
               [host](Store&, Args a) { return do_splice(*host, a); });
  define(linker, iface);
}

}  // namespace

void define_io(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  define_error(linker, host);
  define_poll(linker, host);
  define_streams(linker, host);
}

}  // namespace flint::wasip2

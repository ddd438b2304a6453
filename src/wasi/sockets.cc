// sock_accept, sock_recv, sock_send, sock_shutdown
// (wasi_snapshot_preview1.witx). Preview 1 cannot create sockets: a guest
// only accepts connections on listeners the host preopened (--tcplisten).
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

constexpr uint64_t kSocketRights = rights::kFdRead | rights::kFdWrite | rights::kFdFdstatSetFlags |
                                   rights::kFdFilestatGet | rights::kPollFdReadwrite | rights::kSockShutdown;

Errno socket_fd(HostCall& c, uint32_t fd, FdEntry::Kind kind, int& host) {
  FdEntry* e = c.ctx.fds().get(fd);
  if (!e || !e->host.valid()) return Errno::Badf;
  if (e->kind != kind) return e->kind == FdEntry::Kind::Socket || e->kind == FdEntry::Kind::Listener
                                  ? Errno::Inval
                                  : Errno::NotSock;
  host = e->host.get();
  return Errno::Success;
}

Result<Errno> sock_accept(HostCall& c) {
  int host = -1;
  if (Errno e = socket_fd(c, c.u32(0), FdEntry::Kind::Listener, host); e != Errno::Success) return e;
  uint32_t flags = c.u32(1);
  if (flags & ~uint32_t(fdflags::kNonblock)) return Errno::Inval;
  int fd;
  do {
    fd = accept4(host, nullptr, nullptr, SOCK_CLOEXEC | ((flags & fdflags::kNonblock) ? SOCK_NONBLOCK : 0));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return last_host_errno();
  auto entry = std::make_unique<FdEntry>();
  entry->kind = FdEntry::Kind::Socket;
  entry->host = UniqueFd(fd);
  entry->filetype = Filetype::SocketStream;
  entry->rights_base = entry->rights_inheriting = kSocketRights;
  entry->fdflags = uint16_t(flags);
  std::optional<uint32_t> guest_fd = c.ctx.fds().insert(std::move(entry));
  if (!guest_fd) return Errno::Mfile;
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(2), *guest_fd));
  return Errno::Success;
}

std::vector<struct iovec> host_iovecs(const std::vector<IoSlice>& slices) {
  std::vector<struct iovec> out;
  for (size_t i = 0; i < slices.size() && i < IOV_MAX; ++i) out.push_back({slices[i].data(), slices[i].size()});
  return out;
}

Result<Errno> sock_recv(HostCall& c) {
  int host = -1;
  if (Errno e = socket_fd(c, c.u32(0), FdEntry::Kind::Socket, host); e != Errno::Success) return e;
  FLINT_ASSIGN(auto slices, load_iovecs(c.mem, c.u32(1), c.u32(2)));
  uint32_t riflags = c.u32(3);
  if (riflags & ~uint32_t(kRecvPeek | kRecvWaitall)) return Errno::Inval;
  std::vector<struct iovec> iov = host_iovecs(slices);
  struct msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = ((riflags & kRecvPeek) ? MSG_PEEK : 0) | ((riflags & kRecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n;
  do n = recvmsg(host, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(4), uint32_t(n)));
  FLINT_TRY(c.mem.store<uint16_t>(c.u32(5), (msg.msg_flags & MSG_TRUNC) ? kRecvDataTruncated : 0));
  return Errno::Success;
}

Result<Errno> sock_send(HostCall& c) {
  int host = -1;
  if (Errno e = socket_fd(c, c.u32(0), FdEntry::Kind::Socket, host); e != Errno::Success) return e;
  FLINT_ASSIGN(auto slices, load_iovecs(c.mem, c.u32(1), c.u32(2)));
  if (c.u32(3) != 0) return Errno::Inval;  // $siflags has no flags defined
  std::vector<struct iovec> iov = host_iovecs(slices);
  struct msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  // MSG_NOSIGNAL: a peer that went away is EPIPE for the guest, not SIGPIPE for the host.
  do n = sendmsg(host, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(4), uint32_t(n)));
  return Errno::Success;
}

Result<Errno> sock_shutdown(HostCall& c) {
  int host = -1;
  if (Errno e = socket_fd(c, c.u32(0), FdEntry::Kind::Socket, host); e != Errno::Success) return e;
  int how;
  switch (c.u32(1)) {
    case kShutRd: how = SHUT_RD; break;
    case kShutWr: how = SHUT_WR; break;
    case kShutRd | kShutWr: how = SHUT_RDWR; break;
    default: return Errno::Inval;  // $sdflags are flags, not an enum: unknown bits are EINVAL
  }
  if (shutdown(host, how) != 0) return last_host_errno();
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"sock_accept", "iii", sock_accept},
    {"sock_recv", "iiiiii", sock_recv},
    {"sock_send", "iiiii", sock_send},
    {"sock_shutdown", "ii", sock_shutdown},
};

}  // namespace

std::span<const HostFunctionSpec> socket_functions() { return kFunctions; }

}  // namespace flint::wasi

#include "wasi/context.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "wasi/fd_rights.h"
#include "wasi/file_kind.h"

namespace flint::wasi {

namespace {

Error io_error(const std::string& what) {
  return make_error(ErrorCode::Io, fmt::format("{}: {}", what, std::strerror(errno)));
}

// Guest stdio `fd` (0, 1 or 2) over a dup of `host_fd`.
std::unique_ptr<FdEntry> stdio_entry(int fd, int host_fd) {
  auto e = std::make_unique<FdEntry>();
  e->kind = FdEntry::Kind::Stdio;
  // Invalid when the host's is closed (or -1).
  e->host = UniqueFd(host_fd < 0 ? -1 : fcntl(host_fd, F_DUPFD_CLOEXEC, 0));
  // As Wasmtime: a terminal is a character device, anything else (pipe,
  // file, socket) shows only as "unknown", so the guest learns nothing more.
  e->filetype =
      e->host.valid() && isatty(e->host.get()) ? Filetype::CharacterDevice : Filetype::Unknown;
  e->rights_base = e->rights_inheriting = fd == 0 ? fd_rights::kStdin : fd_rights::kStdout;
  return e;
}

Result<std::unique_ptr<FdEntry>> preopen_entry(const PreopenDir& dir) {
  int fd = open(dir.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(fmt::format("cannot open directory {}", dir.host_path));
  auto e = std::make_unique<FdEntry>();
  e->kind = FdEntry::Kind::Directory;
  e->host = UniqueFd(fd);
  e->filetype = Filetype::Directory;
  e->writable = !dir.read_only;
  e->rights_base = fd_rights::kPreopenBase;
  e->rights_inheriting = fd_rights::kPreopenInheriting;
  e->preopen_name = dir.guest_path;
  return e;
}

// "HOST:PORT", "[V6HOST]:PORT" or ":PORT" (all interfaces).
Result<std::unique_ptr<FdEntry>> listener_entry(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos)
    return make_error(ErrorCode::Usage, fmt::format("--tcplisten {}: expected HOST:PORT", address));
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  unsigned long port_number = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || port_number > 65535)
    return make_error(
        ErrorCode::Usage,
        fmt::format("--tcplisten {}: the port must be a number from 0 to 65535", address));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
      rc != 0)
    return make_error(ErrorCode::Io, fmt::format("--tcplisten {}: {}", address, gai_strerror(rc)));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  UniqueFd sock(socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol));
  if (!sock.valid()) return io_error("--tcplisten " + address);
  int one = 1;
  setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(sock.get(), found->ai_addr, found->ai_addrlen) != 0 || listen(sock.get(), 128) != 0)
    return io_error("--tcplisten " + address);
  auto e = std::make_unique<FdEntry>();
  e->kind = FdEntry::Kind::Listener;
  e->host = std::move(sock);
  e->filetype = Filetype::SocketStream;
  return e;
}

}  // namespace

Result<std::shared_ptr<WasiContext>> WasiContext::create(WasiOptions options) {
  std::shared_ptr<WasiContext> ctx(new WasiContext());
  ctx->args_ = std::move(options.args);
  for (auto& [name, value] : options.env) ctx->env_.push_back(name + "=" + value);
  for (int fd = 0; fd < 3; ++fd) ctx->fds_.insert_at(fd, stdio_entry(fd, options.stdio[fd]));
  // Preopens take the numbers after stdio in the order granted, as in
  // Wasmtime: directories first, then sockets.
  uint32_t next = 3;
  for (const PreopenDir& dir : options.dirs) {
    FLINT_ASSIGN(auto entry, preopen_entry(dir));
    ctx->fds_.insert_at(next++, std::move(entry));
  }
  for (const std::string& address : options.tcp_listen) {
    FLINT_ASSIGN(auto entry, listener_entry(address));
    ctx->fds_.insert_at(next++, std::move(entry));
  }
  return ctx;
}

}  // namespace flint::wasi

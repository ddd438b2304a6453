// WASI 0.2: the host's shared state and types, and defining every interface.
#include "wasip2/wasip2.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace flint::wasip2 {

using namespace component;

namespace {

// A dup of preview 1's stdio descriptor, so streams share nothing with the
// fd table's lifetime. A closed host stdio stays invalid (writes fail).
SharedFd stdio_fd(wasi::WasiContext& ctx, uint32_t fd) {
  wasi::FdEntry* e = ctx.fds().get(fd);
  int host = e && e->host.valid() ? fcntl(e->host.get(), F_DUPFD_CLOEXEC, 3) : -1;
  return std::make_shared<wasi::UniqueFd>(host);
}

}  // namespace

Host::Host(std::shared_ptr<wasi::WasiContext> context) : ctx(std::move(context)) {
  for (uint32_t i = 0; i < 3; ++i) stdio[i] = stdio_fd(*ctx, i);
}

// renew() resets Host's fields one by one: a field added to it must be
// added there too (or, for a table, its objects would outlive the request).
// The size stands guard on the platform CI builds.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(Host) == 792, "a field was added to Host: reset it in renew()");
#endif

void Host::renew(std::shared_ptr<wasi::WasiContext> context) {
  // Field by field, as the constructor leaves them; the socket grants stay.
  ctx = std::move(context);
  for (uint32_t i = 0; i < 3; ++i) stdio[i] = stdio_fd(*ctx, i);
  errors.renew();
  pollables.renew();
  input_streams.renew();
  output_streams.renew();
  descriptors.renew();
  directory_entries.renew();
  terminal_inputs.renew();
  terminal_outputs.renew();
  networks.renew();
  tcp_sockets.renew();
  udp_sockets.renew();
  incoming_datagrams.renew();
  outgoing_datagrams.renew();
  resolved_addresses.renew();
  insecure_seed.reset();
  exit_code.reset();
}

ValueTypePtr datetime_type() {
  static const ValueTypePtr type =
      wit::record({{"seconds", wit::u64()}, {"nanoseconds", wit::u32()}});
  return type;
}

ComponentValue datetime(int64_t seconds, uint32_t nanoseconds) {
  // Times before 1970 do not fit WASI's unsigned seconds: they read as 0.
  return val::record({val::u64(seconds < 0 ? 0 : uint64_t(seconds)), val::u32(nanoseconds)});
}

ValueTypePtr stream_error_type(const Host& host) {
  return wit::variant(
      {{"last-operation-failed", wit::own(host.errors.type())}, {"closed", nullptr}});
}

ValueTypePtr filesystem_error_code_type() {
  static const ValueTypePtr type = wit::enumeration({"access",
                                                     "would-block",
                                                     "already",
                                                     "bad-descriptor",
                                                     "busy",
                                                     "deadlock",
                                                     "quota",
                                                     "exist",
                                                     "file-too-large",
                                                     "illegal-byte-sequence",
                                                     "in-progress",
                                                     "interrupted",
                                                     "invalid",
                                                     "io",
                                                     "is-directory",
                                                     "loop",
                                                     "too-many-links",
                                                     "message-size",
                                                     "name-too-long",
                                                     "no-device",
                                                     "no-entry",
                                                     "no-lock",
                                                     "insufficient-memory",
                                                     "insufficient-space",
                                                     "not-directory",
                                                     "not-empty",
                                                     "not-recoverable",
                                                     "unsupported",
                                                     "no-tty",
                                                     "no-such-device",
                                                     "overflow",
                                                     "not-permitted",
                                                     "pipe",
                                                     "read-only",
                                                     "invalid-seek",
                                                     "text-file-busy",
                                                     "cross-device"});
  return type;
}

uint32_t error_code_of(wasi::Errno e) {
  using wasi::Errno;
  switch (e) {
    case Errno::Acces: return 0;
    case Errno::Again: return 1;
    case Errno::Already: return 2;
    case Errno::Badf: return 3;
    case Errno::Busy: return 4;
    case Errno::Deadlk: return 5;
    case Errno::Dquot: return 6;
    case Errno::Exist: return 7;
    case Errno::Fbig: return 8;
    case Errno::Ilseq: return 9;
    case Errno::InProgress: return 10;
    case Errno::Intr: return 11;
    case Errno::Inval: return 12;
    case Errno::Io: return 13;
    case Errno::IsDir: return 14;
    case Errno::Loop: return 15;
    case Errno::Mlink: return 16;
    case Errno::MsgSize: return 17;
    case Errno::NameTooLong: return 18;
    case Errno::NoDev: return 19;
    case Errno::NoEnt: return 20;
    case Errno::NoLck: return 21;
    case Errno::NoMem: return 22;
    case Errno::NoSpc: return 23;
    case Errno::NotDir: return 24;
    case Errno::NotEmpty: return 25;
    case Errno::NotRecoverable: return 26;
    case Errno::NotSup:
    case Errno::NoSys: return 27;
    case Errno::NoTty: return 28;
    case Errno::Nxio: return 29;
    case Errno::Overflow: return 30;
    case Errno::Perm:
    case Errno::NotCapable: return 31;
    case Errno::Pipe: return 32;
    case Errno::Rofs: return 33;
    case Errno::Spipe: return 34;
    case Errno::TxtBsy: return 35;
    case Errno::Xdev: return 36;
    default: return error_code::kIo;
  }
}

uint32_t error_code_of_host(int host_errno) {
  return error_code_of(wasi::errno_from_host(host_errno));
}

std::shared_ptr<Host> define_wasip2(ComponentLinker& linker, std::shared_ptr<wasi::WasiContext> ctx,
                                    SocketGrants sockets) {
  auto host = std::make_shared<Host>(std::move(ctx));
  host->sockets = sockets;
  // Built when first imported: a request's linker builds only what its
  // component imports (most import neither files nor sockets).
  define_io(linker, host);
  define_cli(linker, host);
  define_clocks_random(linker, host);
  linker.define_group_lazily("wasip2/filesystem",
                             [host](ComponentLinker& l) { define_filesystem(l, host); });
  linker.define_group_lazily("wasip2/sockets",
                             [host](ComponentLinker& l) { define_sockets(l, host); });
  return host;
}

std::shared_ptr<Host> define_wasip2_proxy(ComponentLinker& linker,
                                          std::shared_ptr<wasi::WasiContext> ctx) {
  auto host = std::make_shared<Host>(std::move(ctx));
  define_io(linker, host);
  define_cli_stdio(linker, host);
  define_clocks_random(linker, host);
  return host;
}

Result<FunctionPtr> find_run(const ComponentInstanceItem& instance) {
  // Any 0.2.x: the export's name carries the version the guest was built with.
  for (const auto& [name, item] : instance.exports)
    if (name.starts_with("wasi:cli/run@0.2.") && std::get_if<InstancePtr>(&item))
      return find_function(instance, name + "#run");
  return make_error(ErrorCode::UnknownImport,
                    "the component exports no wasi:cli/run@0.2.x instance (not a command)");
}

std::optional<int> exit_status(const Host& host,
                               const Result<std::optional<ComponentValue>>& result) {
  if (host.exit_code) return int(*host.exit_code);
  if (!result) return std::nullopt;
  const std::optional<ComponentValue>& v = *result;
  if (v && v->kind == TypeKind::Result && v->as_case().index == 1) return 1;
  return 0;
}

}  // namespace flint::wasip2

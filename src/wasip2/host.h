// The state WASI 0.2's host functions share for one guest: preview 1's
// context (arguments, environment, preopened directories: the same
// deny-by-default grants) and one HostResourceTable per WASI resource
// type. Each interface group (cli.cc, io.cc, clocks_random.cc,
// filesystem.cc, sockets.cc) defines its interfaces over it.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "component_runtime/host_interface.h"
#include "outbound/allowed_hosts.h"
#include "wasi/context.h"
#include "wasi/host_errno.h"

namespace flint::outbound {
class AllowedHosts;  // outbound/allowed_hosts.h
}  // namespace flint::outbound

namespace flint::wasip2 {

using component::ComponentValue;
using component::HostResourceTable;
using component::ValueTypePtr;

/// A host descriptor shared by a filesystem descriptor and the streams made
/// from it (a stream may outlive its descriptor's handle).
using SharedFd = std::shared_ptr<wasi::UniqueFd>;

/// wasi:io/error's `error`: what failed, and for filesystem operations the
/// error-code wasi:filesystem/types.filesystem-error-code reports.
struct IoError {
  std::string message;
  std::optional<uint32_t> filesystem_code;
  /// The host errno of a failed stream operation, from which
  /// wasi:sockets/network.network-error-code derives its answer; 0: none.
  int host_errno = 0;
  /// An embedder's code for a failed source's read (wasi:http's
  /// error-code case, for http-error-code).
  std::optional<uint32_t> source_code;
};

/// wasi:io/poll's `pollable`: a clock's is ready from its deadline on; a
/// pipe's, terminal's or socket's stream (stdio) when poll(2) says the
/// descriptor is readable or writable; a file's is always ready (files do
/// not block).
struct Pollable {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  SharedFd fd;       ///< null: not a descriptor's
  short events = 0;  ///< POLLIN or POLLOUT
};

/// The bytes of an input stream that is not a host descriptor (wasi:http's
/// incoming bodies): what the embedder gives the guest to read.
class StreamSource {
 public:
  /// What one read gave: bytes, or the end, or a failure (the guest's
  /// stream reports `last-operation-failed` with `error`).
  struct Read {
    std::vector<uint8_t> bytes;
    bool end = false;
    std::optional<std::string> error;
    std::optional<uint32_t> code;  ///< with `error`: the embedder's code for it
  };
  virtual ~StreamSource() = default;
  /// Up to `len` bytes, waiting for at least one.
  virtual Read read(uint64_t len) = 0;
  /// A descriptor poll(2) finds readable while read() would not wait (its
  /// stream's pollable, and non-blocking reads, use it); null: read()
  /// never waits long.
  virtual SharedFd ready_fd() { return nullptr; }
};

/// Where the bytes of an output stream that is not a host descriptor go
/// (wasi:http's outgoing bodies).
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  /// Takes all of `data` before it returns; false when the reader is gone
  /// (the stream is then closed).
  virtual bool write(std::span<const uint8_t> data) = 0;
};

/// wasi:io/streams' `input-stream`: stdin, a file read from an offset, or
/// an embedder's source.
struct InputStream {
  SharedFd fd;
  bool positional = false;  ///< a file: pread at `offset`
  uint64_t offset = 0;
  bool closed = false;                        ///< end of file seen
  std::shared_ptr<StreamSource> source;       ///< set: reads come from it, not `fd`
  std::optional<StreamSource::Read> failure;  ///< the source's failed read
};

/// wasi:io/streams' `output-stream`: stdout/stderr, a file written at an
/// offset or appended to, or an embedder's sink.
struct OutputStream {
  enum class Mode : uint8_t { Stream, At, Append };
  SharedFd fd;
  Mode mode = Mode::Stream;
  uint64_t offset = 0;
  bool closed = false;               ///< the reader went away (EPIPE)
  std::shared_ptr<StreamSink> sink;  ///< set: writes go to it, not `fd`
};

/// wasi:filesystem/types' `descriptor`: an open file or directory.
struct Descriptor {
  SharedFd fd;
  bool directory = false;
  bool read = false, write = false;
  /// False beneath a read-only preopen (--dir-ro): nothing beneath it may
  /// be created, written, removed, renamed or have its metadata changed.
  bool mutate = false;
  /// The mutate-directory flag get-flags reports: a directory opened with
  /// it, or a writable preopen.
  bool mutate_flag = false;
};

/// wasi:filesystem/types' `directory-entry-stream`: a snapshot of the
/// directory's entries taken when read-directory was called.
struct DirectoryEntries {
  struct Entry {
    uint32_t type;  ///< a descriptor-type case
    std::string name;
  };
  std::vector<Entry> entries;
  size_t next = 0;
};

/// The terminal resources carry nothing: they only say that a stream is a
/// terminal.
struct Terminal {};

/// What wasi:sockets may do, as Wasmtime's `-S` switches grant it: nothing
/// reaches the network unless `inherit_network` is set, and names are
/// looked up only with `allow_ip_name_lookup` (deny by default).
struct SocketGrants {
  bool inherit_network = false;       ///< -S inherit-network: any address, any port
  bool allow_ip_name_lookup = false;  ///< -S allow-ip-name-lookup
  bool tcp = true;                    ///< -S tcp=n turns TCP off (even when inherited)
  bool udp = true;                    ///< -S udp=n turns UDP off
  /// Spin's allowed_outbound_hosts (when set, instead of inherit_network):
  /// TCP connects to addresses it allows as `tcp://IP:PORT`, UDP binds,
  /// connects and sends to those it allows as `udp://IP:PORT`, TCP binds
  /// and listens never (Spin's socket address check); names are looked up
  /// when it names a host (allows_any_name), besides allow_ip_name_lookup.
  std::shared_ptr<const outbound::AllowedHosts> allowed_hosts;
};

/// wasi:sockets/network's `network`: the capability socket functions take.
/// What it grants is the host's SocketGrants, the same for every handle.
struct Network {};

/// wasi:sockets/tcp's `tcp-socket`: a non-blocking host socket and where it
/// is in the WIT's state machine (tcp.wit, "TCP socket states").
struct TcpSocket {
  enum class State : uint8_t {
    Unbound,
    BindStarted,
    Bound,
    ListenStarted,
    Listening,
    Connecting,
    ConnectReady,  ///< connect(2) answered at once; finish-connect reports it
    Connected,
    Closed,  ///< a failed connect: the socket can do nothing more
  };
  SharedFd fd;
  bool ipv6 = false;
  State state = State::Unbound;
  uint64_t backlog = 128;  ///< set-listen-backlog-size's value, used by start-listen
};

/// wasi:sockets/udp's `udp-socket`, and its stream state: `remote` is the
/// address `stream` connected it to, if any.
struct UdpSocket {
  enum class State : uint8_t { Unbound, BindStarted, Bound };
  SharedFd fd;
  bool ipv6 = false;
  State state = State::Unbound;
  bool connected = false;
};

/// wasi:sockets/udp's `incoming-datagram-stream` and
/// `outgoing-datagram-stream`: the socket's descriptor, and (outgoing)
/// whether the socket was connected when `stream` made it.
struct DatagramStream {
  SharedFd fd;
  bool ipv6 = false;
  bool connected = false;
};

/// wasi:sockets/ip-name-lookup's `resolve-address-stream`: the addresses the
/// lookup found (done when resolve-addresses is called), and how many were
/// given. Each is a wasi:sockets/network.ip-address value.
struct ResolvedAddresses {
  std::vector<ComponentValue> addresses;
  size_t next = 0;
};

/// All state of one guest's WASI 0.2 host.
struct Host {
  /// Takes its own duplicates of `context`'s stdin, stdout and stderr.
  explicit Host(std::shared_ptr<wasi::WasiContext> context);

  /// Makes this host as a new one over `context` would be, for another
  /// store instantiated over the same linker (a server's next request):
  /// every table empty, every field as constructed, only the resource types
  /// (which the linker's definitions name) and the socket grants kept. The
  /// previous store must be gone.
  void renew(std::shared_ptr<wasi::WasiContext> context);

  /// Preview 1's grants: arguments, environment and preopens.
  std::shared_ptr<wasi::WasiContext> ctx;
  /// The host's stdin, stdout and stderr (preview 1's duplicates).
  SharedFd stdio[3];

  // One table per WASI resource type; each table's type() is the resource
  // type every interface that uses the resource exports. renew() resets
  // every field by name: a new one goes there too.
  HostResourceTable<IoError> errors{"wasi:io/error.error"};
  HostResourceTable<Pollable> pollables{"wasi:io/poll.pollable"};
  HostResourceTable<InputStream> input_streams{"wasi:io/streams.input-stream"};
  HostResourceTable<OutputStream> output_streams{"wasi:io/streams.output-stream"};
  HostResourceTable<Descriptor> descriptors{"wasi:filesystem/types.descriptor"};
  HostResourceTable<DirectoryEntries> directory_entries{
      "wasi:filesystem/types.directory-entry-stream"};
  HostResourceTable<Terminal> terminal_inputs{"wasi:cli/terminal-input.terminal-input"};
  HostResourceTable<Terminal> terminal_outputs{"wasi:cli/terminal-output.terminal-output"};
  HostResourceTable<Network> networks{"wasi:sockets/network.network"};
  HostResourceTable<TcpSocket> tcp_sockets{"wasi:sockets/tcp.tcp-socket"};
  HostResourceTable<UdpSocket> udp_sockets{"wasi:sockets/udp.udp-socket"};
  HostResourceTable<DatagramStream> incoming_datagrams{"wasi:sockets/udp.incoming-datagram-stream"};
  HostResourceTable<DatagramStream> outgoing_datagrams{"wasi:sockets/udp.outgoing-datagram-stream"};
  HostResourceTable<ResolvedAddresses> resolved_addresses{
      "wasi:sockets/ip-name-lookup.resolve-address-stream"};

  /// What wasi:sockets may do (set by define_wasip2).
  SocketGrants sockets;

  /// wasi:random/insecure-seed's value: the same for the whole run.
  std::optional<std::pair<uint64_t, uint64_t>> insecure_seed;
  /// wasi:cli/exit's status, set before the ProcExit error unwinds the guest.
  std::optional<uint32_t> exit_code;
};

// ---- Types several interfaces share (WIT `use`) -----------------------------

/// wasi:clocks/wall-clock.datetime: record { seconds: u64, nanoseconds: u32 }.
ValueTypePtr datetime_type();
/// A datetime value; times before 1970 read as 0 (WASI's seconds are unsigned).
ComponentValue datetime(int64_t seconds, uint32_t nanoseconds);
/// wasi:io/streams.stream-error: variant { last-operation-failed(own<error>), closed }.
ValueTypePtr stream_error_type(const Host& host);
/// wasi:filesystem/types.error-code (enum, 37 cases in WIT order).
ValueTypePtr filesystem_error_code_type();

/// The filesystem error-code case for a preview-1 errno (the sandbox's
/// answers) or a host errno.
uint32_t error_code_of(wasi::Errno e);
/// The same for a host errno value.
uint32_t error_code_of_host(int host_errno);
/// Some error-code cases by name.
namespace error_code {
inline constexpr uint32_t kAccess = 0, kBadDescriptor = 3, kExist = 7, kInvalid = 12, kIo = 13,
                          kIsDirectory = 14, kNoEntry = 20, kNotDirectory = 24, kUnsupported = 27,
                          kNotPermitted = 31, kReadOnly = 33;
}

// ---- What WASI 0.3 shares (src/wasip3) --------------------------------------
// WASI 0.3's synchronous interfaces mean the same as 0.2's: these bodies and
// definitions serve both, so the two versions cannot drift apart.

/// wasi:cli/environment's get-environment: only what --env granted.
ComponentValue environment_value(const Host& host);
/// wasi:cli/environment's get-arguments.
ComponentValue arguments_value(const Host& host);
/// wasi:cli/exit (exit, exit-with-code) at `version`: the same WIT in 0.2 and 0.3.
void define_exit(component::ComponentLinker& linker, const std::shared_ptr<Host>& host,
                 const std::string& version);
/// wasi:cli/terminal-input, -output, -stdin, -stdout, -stderr at `version`
/// (the same WIT in 0.2 and 0.3; the same resource types, so one table).
void define_terminals(component::ComponentLinker& linker, const std::shared_ptr<Host>& host,
                      const std::string& version);
/// Writes all of `data` to `s` (io.cc's blocking write): 0, or the host
/// errno of the failure (EPIPE also closes `s`).
int write_bytes(OutputStream& s, std::span<const uint8_t> data);
/// Reads up to `len` bytes of `s` (at most 1 MiB), waiting for at least
/// one: an empty result means len 0, end of file (then `s.closed` is set)
/// or a failure (then `error` is its host errno).
std::vector<uint8_t> read_some(InputStream& s, uint64_t len, int& error);
/// wasi:filesystem/types and wasi:filesystem/preopens at kVersion, not yet
/// defined in a linker: WASI 0.3's filesystem adapts their functions.
component::HostInterface filesystem_types(const std::shared_ptr<Host>& host);
component::HostInterface filesystem_preopens(const std::shared_ptr<Host>& host);
/// Whether `path` beneath the directory `d` ends in a symlink whose target
/// lies outside the preopen (WASI 0.3 refuses removing it as not-permitted).
bool escapes_through_symlink(const Descriptor& d, const std::string& path);
/// Nanoseconds on the host's monotonic clock (steady_clock).
uint64_t monotonic_now();
/// The resolution of a host clock (CLOCK_MONOTONIC, CLOCK_REALTIME) in nanoseconds.
uint64_t clock_resolution_ns(clockid_t clock);
/// The most random bytes one call returns: a bound on what a guest can make
/// the host allocate (its own memory must hold the list anyway).
inline constexpr uint64_t kMaxRandomBytes = 64 << 20;
/// `len` bytes from the kernel's CSPRNG; more than kMaxRandomBytes is a trap.
Result<std::vector<uint8_t>> random_bytes(uint64_t len);
/// Eight random bytes as a u64.
Result<uint64_t> random_u64();
/// wasi:random/insecure-seed's tuple<u64, u64>: drawn once, then the same
/// for the whole run (WIT asks for one value per instance).
Result<ComponentValue> insecure_seed_value(Host& host);

// ---- The interface groups ----------------------------------------------------

/// The WASI 0.2 version Flint defines its interfaces at; the linker's
/// semver-compatible resolution gives it to imports of any 0.2.x.
inline constexpr const char* kVersion = "0.2.6";

/// Each defines its group's interfaces in `linker` over `host` (see README.md
/// for which): cli.cc, io.cc, clocks_random.cc, filesystem.cc, sockets.cc.
void define_cli(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
/// Of wasi:cli only stdin, stdout and stderr (what wasi:http/proxy imports).
void define_cli_stdio(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
void define_io(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
void define_clocks_random(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
void define_filesystem(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
void define_sockets(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
/// wasi:sockets/tcp and tcp-create-socket (tcp.cc), udp and
/// udp-create-socket (udp.cc); define_sockets calls them.
void define_tcp(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);
void define_udp(component::ComponentLinker& linker, const std::shared_ptr<Host>& host);

}  // namespace flint::wasip2

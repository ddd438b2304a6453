// wasi:cli@0.3 (wit/environment.wit, exit.wit, stdio.wit's `types`,
// terminal.wit): what a command is given and how it ends. exit and the
// terminals are 0.2's WIT unchanged, so 0.2's definitions serve at 0.3's
// versions; environment renames initial-cwd to get-initial-cwd. stdin,
// stdout and stderr are streams in 0.3 (byte_streams.h) over the same host
// descriptors as 0.2's.
#include <cerrno>

#include "wasip3/byte_streams.h"
#include "wasip3/wasip3.h"

namespace flint::wasip3 {

using namespace component;
using wasip2::Host;

namespace {

using Args = std::span<const ComponentValue>;

void define_environment(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                        const std::string& version) {
  HostInterface iface("wasi:cli/environment", version);
  iface.function("get-environment",
                 wit::func({}, wit::list(wit::tuple({wit::string(), wit::string()}))),
                 [host](Store&, Args) -> HostReturn { return wasip2::environment_value(*host); });
  iface.function("get-arguments", wit::func({}, wit::list(wit::string())),
                 [host](Store&, Args) -> HostReturn { return wasip2::arguments_value(*host); });
  // No working directory of its own, as in 0.2 (and Wasmtime): paths are
  // relative to the preopens.
  iface.function("get-initial-cwd", wit::func({}, wit::option(wit::string())),
                 [](Store&, Args) -> HostReturn { return val::none(); });
  define(linker, iface);
}

/// stdio.wit's `error-code`, which the stdio streams' futures report.
ValueTypePtr stdio_error_code() {
  return wit::enumeration({"io", "illegal-byte-sequence", "pipe"});
}

/// The stdio error-code case of a host errno: `pipe` when the reader went
/// away, `io` otherwise.
ComponentValue stdio_error_of(int host_errno) {
  return val::enum_case(host_errno == EPIPE ? 2 : 0);
}

/// stdio.wit's `types`.
void define_types(ComponentLinker& linker, const std::string& version) {
  HostInterface iface("wasi:cli/types", version);
  iface.type("error-code", stdio_error_code());
  define(linker, iface);
}

/// stdio.wit's stdin, stdout and stderr: the host's descriptors as streams.
void define_stdio(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                  const std::string& version) {
  ValueTypePtr result = wit::result(nullptr, stdio_error_code());
  HostInterface in("wasi:cli/stdin", version);
  in.type("error-code", stdio_error_code());
  in.function("read-via-stream",
              wit::func({}, wit::tuple({wit::stream(wit::u8()), wit::future(result)})),
              [host, result](Store& store, Args) -> HostReturn {
                wasip2::InputStream stream;
                stream.fd = host->stdio[0];
                return read_to_stream(store, std::move(stream), result, stdio_error_of);
              });
  define(linker, in);
  const char* names[] = {"wasi:cli/stdout", "wasi:cli/stderr"};
  for (int fd = 1; fd <= 2; ++fd) {
    HostInterface out(names[fd - 1], version);
    out.type("error-code", stdio_error_code());
    out.function(
        "write-via-stream", wit::func({{"data", wit::stream(wit::u8())}}, wit::future(result)),
        [host, result, fd](Store&, Args a) -> HostReturn {
          wasip2::OutputStream stream;
          stream.fd = host->stdio[fd];
          return write_from_stream(channel_of(a[0]), std::move(stream), result, stdio_error_of);
        });
    define(linker, out);
  }
}

}  // namespace

void define_cli(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                const std::string& version) {
  define_environment(linker, host, version);
  wasip2::define_exit(linker, host, version);
  define_types(linker, version);
  define_stdio(linker, host, version);
  wasip2::define_terminals(linker, host, version);
}

}  // namespace flint::wasip3

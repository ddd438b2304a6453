// args_get, args_sizes_get, environ_get, environ_sizes_get
// (wasi_snapshot_preview1.witx). Both lists are laid out the C way: an
// array of pointers, and a buffer of NUL-terminated strings they point into.
#include <vector>

#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

Result<Errno> sizes_get(HostCall& call, const std::vector<std::string>& list) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  FLINT_TRY(call.mem.store<uint32_t>(call.u32(0), uint32_t(list.size())));
  FLINT_TRY(call.mem.store<uint32_t>(call.u32(1), uint32_t(bytes)));
  return Errno::Success;
}

Result<Errno> list_get(HostCall& call, const std::vector<std::string>& list) {
  uint32_t pointers = call.u32(0), buffer = call.u32(1);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& s = list[i];
    FLINT_ASSIGN(auto dest, call.mem.slice(buffer, uint64_t(s.size()) + 1));
    std::copy(s.begin(), s.end(), dest.begin());
    dest[s.size()] = 0;
    FLINT_TRY(call.mem.store<uint32_t>(pointers + uint32_t(i * 4), buffer));
    buffer += uint32_t(s.size() + 1);
  }
  return Errno::Success;
}

Result<Errno> args_sizes_get(HostCall& c) { return sizes_get(c, c.ctx.args()); }
Result<Errno> args_get(HostCall& c) { return list_get(c, c.ctx.args()); }
Result<Errno> environ_sizes_get(HostCall& c) { return sizes_get(c, c.ctx.env()); }
Result<Errno> environ_get(HostCall& c) { return list_get(c, c.ctx.env()); }

constexpr HostFunctionSpec kFunctions[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
};

}  // namespace

std::span<const HostFunctionSpec> args_environ_functions() { return kFunctions; }

}  // namespace flint::wasi

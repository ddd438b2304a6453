// wasi:random@0.3 (wit/random.wit, insecure.wit, insecure-seed.wit): 0.2's
// sources under 0.3's names. get-random-bytes now takes `max-len` and may
// return fewer bytes, so a request above the host's bound is cut to it
// instead of trapping as 0.2's `len` must.
#include <algorithm>

#include "wasip3/wasip3.h"

namespace flint::wasip3 {

using namespace component;
using wasip2::Host;

void define_random(ComponentLinker& linker, const std::shared_ptr<Host>& host,
                   const std::string& version) {
  // Both the secure and the insecure source are the kernel's CSPRNG, as in
  // 0.2: WIT allows an insecure source to be secure.
  auto bytes = [](Store&, std::span<const ComponentValue> a) -> HostReturn {
    uint64_t len = std::min<uint64_t>(a[0].as_unsigned(), wasip2::kMaxRandomBytes);
    FLINT_ASSIGN(std::vector<uint8_t> b, wasip2::random_bytes(len));
    return val::bytes(b.data(), b.size());
  };
  auto u64 = [](Store&, std::span<const ComponentValue>) -> HostReturn {
    FLINT_ASSIGN(uint64_t v, wasip2::random_u64());
    return val::u64(v);
  };
  auto bytes_type = wit::func({{"max-len", wit::u64()}}, wit::list(wit::u8()));
  HostInterface random("wasi:random/random", version);
  random.function("get-random-bytes", bytes_type, bytes);
  random.function("get-random-u64", wit::func({}, wit::u64()), u64);
  define(linker, random);
  HostInterface insecure("wasi:random/insecure", version);
  insecure.function("get-insecure-random-bytes", bytes_type, bytes);
  insecure.function("get-insecure-random-u64", wit::func({}, wit::u64()), u64);
  define(linker, insecure);
  HostInterface seed("wasi:random/insecure-seed", version);
  seed.function("get-insecure-seed", wit::func({}, wit::tuple({wit::u64(), wit::u64()})),
                [host](Store&, std::span<const ComponentValue>) -> HostReturn {
                  return wasip2::insecure_seed_value(*host);
                });
  define(linker, seed);
}

}  // namespace flint::wasip3

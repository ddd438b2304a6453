#include "aot/artifact.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "aot/cpu_features.h"
#include "aot/crc32c.h"

namespace flint::aot {

namespace {

constexpr char kMagic[8] = {'F', 'L', 'I', 'N', 'T', 'A', 'O', 'T'};

void put_u64(std::vector<uint8_t>& out, uint64_t v, int bytes = 8) {
  for (int i = 0; i < bytes; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void put_str(std::vector<uint8_t>& out, const std::string& s) {
  put_u64(out, s.size(), 4);
  out.insert(out.end(), s.begin(), s.end());
}

// Reads with every length checked against what remains.
struct Reader {
  std::span<const uint8_t> bytes;
  size_t pos = 0;
  bool ok = true;
  uint64_t u(int n) {
    if (bytes.size() - pos < size_t(n)) return ok = false, 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(bytes[pos + i]) << (8 * i);
    pos += n;
    return v;
  }
  std::span<const uint8_t> take(uint64_t n) {
    if (!ok || bytes.size() - pos < n) return ok = false, std::span<const uint8_t>();
    auto s = bytes.subspan(pos, n);
    pos += n;
    return s;
  }
  std::string str() {
    auto s = take(u(4));
    return std::string(s.begin(), s.end());
  }
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

Error reject(std::string why) { return make_error(ErrorCode::BadArtifact, std::move(why)); }

}  // namespace

std::string host_triple() {
#if defined(__x86_64__)
  return "x86_64-pc-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-unknown-linux-gnu";
#else
  return "unknown";
#endif
}

bool is_artifact(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof(kMagic) && std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) == 0;
}

std::vector<uint8_t> encode_artifact(const Artifact& a) {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof(kMagic));
  put_u64(out, kArtifactVersion, 4);
  put_str(out, a.flint_version);
  put_str(out, a.triple);
  put_str(out, join(a.cpu_features));
  put_u64(out, (a.fuel ? kArtifactFuel : 0) | (a.interruptible ? kArtifactInterruptible : 0), 4);
  out.insert(out.end(), a.module_hash.begin(), a.module_hash.end());
  put_u64(out, a.wasm.size());
  out.insert(out.end(), a.wasm.begin(), a.wasm.end());
  put_u64(out, a.shared_object.size());
  out.insert(out.end(), a.shared_object.begin(), a.shared_object.end());
  put_u64(out, a.code_locations.size());
  out.insert(out.end(), a.code_locations.begin(), a.code_locations.end());
  put_u64(out, crc32c(out), 4);
  return out;
}

Result<Artifact> decode_artifact(std::span<const uint8_t> bytes) {
  FLINT_ASSIGN(ArtifactView view, decode_artifact_view(bytes));
  Artifact a = std::move(view.header);
  a.wasm.assign(view.wasm.begin(), view.wasm.end());
  a.shared_object.assign(view.shared_object.begin(), view.shared_object.end());
  a.code_locations.assign(view.code_locations.begin(), view.code_locations.end());
  return a;
}

Result<ArtifactView> decode_artifact_view(std::span<const uint8_t> bytes) {
  if (!is_artifact(bytes)) return reject("not a Flint artifact (bad magic)");
  Reader r{bytes, sizeof(kMagic)};
  uint32_t version = uint32_t(r.u(4));
  if (r.ok && version != kArtifactVersion)
    return reject(fmt::format("artifact format {} (this Flint reads format {}): recompile it",
                              version, kArtifactVersion));
  // Everything else is read from checked bytes.
  if (bytes.size() < r.pos + 4) return reject("truncated or corrupted artifact");
  std::span<const uint8_t> body = bytes.first(bytes.size() - 4);
  if (crc32c(body) != uint32_t(Reader{bytes, body.size()}.u(4)))
    return reject("truncated or corrupted artifact (checksum mismatch)");
  r.bytes = body;
  Artifact a;
  a.flint_version = r.str();
  a.triple = r.str();
  std::string features = r.str();
  uint32_t options = uint32_t(r.u(4));
  auto module_hash = r.take(32);
  auto wasm = r.take(r.u(8));
  auto so = r.take(r.u(8));
  auto locations = r.take(r.u(8));
  if (!r.ok || r.pos != body.size()) return reject("truncated or corrupted artifact");
  if (a.flint_version != kFlintVersion)
    return reject(fmt::format("compiled by Flint {}, this is Flint {}: recompile it",
                              a.flint_version, kFlintVersion));
  if (a.triple != host_triple())
    return reject(fmt::format("compiled for {}, this machine is {}", a.triple, host_triple()));
  std::vector<std::string> host = host_cpu_features();
  for (size_t start = 0; start < features.size();) {
    size_t comma = std::min(features.find(',', start), features.size());
    std::string f = features.substr(start, comma - start);
    if (!std::binary_search(host.begin(), host.end(), f))
      return reject(fmt::format("compiled for CPUs with {}, which this CPU lacks", f));
    a.cpu_features.push_back(f);
    start = comma + 1;
  }
  if (options & ~(kArtifactFuel | kArtifactInterruptible))
    return reject(fmt::format("unknown compile options {:#x}", options));
  a.fuel = (options & kArtifactFuel) != 0;
  a.interruptible = (options & kArtifactInterruptible) != 0;
  std::copy(module_hash.begin(), module_hash.end(), a.module_hash.begin());
  return ArtifactView{std::move(a), wasm, so, locations};
}

}  // namespace flint::aot

// Differential test against wabt's wasm-validate: modules of the spec suite,
// mutated inside their code section and still decodable by Flint, must be
// rejected by Flint whenever wabt rejects them. The converse is not asserted:
// wabt 1.0.32 is laxer than the spec in unreachable code (it accepts
// `unreachable select (result i32) ref.is_null`, which the spec's algorithm
// types as ref.is_null on an i32), so there Flint is right to be stricter.
// Deterministic (fixed seed); skipped without the suite or wabt.
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <sstream>
#include <variant>

#include "suite_support.h"
#include "text/parse.h"

namespace flint::test {
namespace {

namespace fs = std::filesystem;

// Where the code section's contents lie, by walking the section headers.
std::optional<std::pair<size_t, size_t>> code_section(const std::vector<uint8_t>& b) {
  size_t i = 8;
  auto leb = [&](size_t& p) -> std::optional<uint64_t> {
    uint64_t v = 0;
    for (int shift = 0; p < b.size() && shift < 35; shift += 7) {
      uint8_t byte = b[p++];
      v |= uint64_t(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    return std::nullopt;
  };
  while (i < b.size()) {
    uint8_t id = b[i++];
    auto size = leb(i);
    if (!size || i + *size > b.size()) return std::nullopt;
    if (id == 10) return std::make_pair(i, i + *size);
    i += *size;
  }
  return std::nullopt;
}

std::vector<std::vector<uint8_t>> seed_modules() {
  std::vector<std::vector<uint8_t>> out;
  for (const char* name : {"block", "br_table", "call_indirect", "select", "local_tee", "loop",
                           "ref_func", "table_copy", "memory_init", "unreached-valid"}) {
    std::ifstream in(kSuiteDir / (std::string(name) + ".wast"));
    std::stringstream source;
    source << in.rdbuf();
    Result<wast::Script> script = text::parse_wast(source.str());
    if (!script.ok()) continue;
    for (const wast::Command& c : script->commands)
      if (auto* m = std::get_if<wast::ModuleCommand>(&c))
        if (m->module.form != wast::ScriptModule::Form::Quote) out.push_back(m->module.binary);
  }
  return out;
}

bool wabt_accepts(const fs::path& file) {
  std::string cmd = "wasm-validate '" + file.string() + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST(Differential, MutatedCodeAgreesWithWabt) {
  if (!fs::exists(kSuiteDir)) GTEST_SKIP() << "spec suite not found at " << kSuiteDir;
  if (std::system("wasm-validate --version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "wasm-validate (wabt) not installed";
  std::vector<std::vector<uint8_t>> seeds = seed_modules();
  ASSERT_FALSE(seeds.empty());

  // Opcodes and type bytes make mutations that still decode but may not type.
  const uint8_t interesting[] = {0x00, 0x02, 0x03, 0x04, 0x05, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x1A,
                                 0x1B, 0x20, 0x21, 0x22, 0x23, 0x41, 0x42, 0x45, 0x50, 0x6A, 0x7C,
                                 0xA7, 0xD0, 0xD1, 0x7F, 0x7E, 0x70, 0x6F, 0x40, 0x01};
  std::mt19937 rng(4242);
  fs::path file = fs::temp_directory_path() / ("flint-valid-diff-" + std::to_string(getpid()));
  int compared = 0, stricter = 0;
  for (int round = 0; round < 600; ++round) {
    std::vector<uint8_t> bytes = seeds[rng() % seeds.size()];
    auto code = code_section(bytes);
    if (!code || code->second - code->first < 4) continue;
    for (unsigned n = 1 + rng() % 2; n > 0; --n) {
      size_t at = code->first + 2 + rng() % (code->second - code->first - 2);
      bytes[at] = rng() % 4 ? interesting[rng() % sizeof interesting] : uint8_t(rng());
    }
    Result<Module> module = decode_module(bytes, Features::wasm2());
    if (!module.ok()) continue;  // decoding is the binary tests' subject
    bool flint_ok = validate(*module, Features::wasm2()).ok();
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    bool wabt_ok = wabt_accepts(file);
    ++compared;
    if (!flint_ok && wabt_ok) ++stricter;
    if (flint_ok && !wabt_ok) {
      fs::path kept = file.string() + "-" + std::to_string(round) + ".wasm";
      fs::copy_file(file, kept, fs::copy_options::overwrite_existing);
      ADD_FAILURE() << "Flint accepts a module wabt rejects: kept as " << kept;
    }
  }
  fs::remove(file);
  std::cout << "[differential] " << compared << " decodable mutants compared with wasm-validate; "
            << stricter << " rejected only by Flint\n";
  EXPECT_GT(compared, 100);
}

}  // namespace
}  // namespace flint::test

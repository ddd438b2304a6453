// The artifact's integrity check (artifact.h, format 3): one CRC-32C over
// the whole file. Every damaged byte, every truncation and an artifact of
// the previous format are refused with a message saying which, never loaded.
#include "aot/artifact.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aot/llvm/codegen.h"
#include "flint/runtime.h"
#include "module/module.h"
#include "text/parse.h"

namespace flint::aot {
namespace {

std::vector<uint8_t> small_artifact() {
  auto wasm = text::parse_wat(R"((module (memory 1) (func (export "f") (param i32) (result i32)
      (i32.add (local.get 0) (i32.load (i32.const 16))))))");
  EXPECT_TRUE(wasm);
  auto artifact = compile_to_artifact(*wasm);
  EXPECT_TRUE(artifact) << artifact.error().describe();
  return artifact ? *artifact : std::vector<uint8_t>();
}

TEST(Artifact, RoundTripsAndKeepsTheModuleHash) {
  std::vector<uint8_t> bytes = small_artifact();
  auto decoded = decode_artifact(bytes);
  ASSERT_TRUE(decoded) << decoded.error().describe();
  EXPECT_EQ(decoded->module_hash, sha256(decoded->wasm));
  EXPECT_EQ(encode_artifact(*decoded), bytes);
}

// compile() takes WebAssembly only: an artifact's machine code would run as
// is, so only the explicitly named load_precompiled() loads one (issue 11).
TEST(Artifact, CompileRefusesAnArtifactAndLoadPrecompiledLoadsIt) {
  std::vector<uint8_t> bytes = small_artifact();
  for (EngineKind engine : {EngineKind::Interpreter, EngineKind::Aot}) {
    Config config;
    config.engine = engine;
    auto refused = compile(bytes, config);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::BadArtifact);
    EXPECT_NE(refused.error().describe().find("load_precompiled"), std::string::npos);
  }
  EXPECT_TRUE(is_precompiled(bytes));
  auto loaded = load_precompiled(bytes);
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EXPECT_EQ((*loaded)->module().exports.size(), 1u);
  // And the other way round: WebAssembly is not an artifact.
  auto wasm = text::parse_wat("(module)");
  ASSERT_TRUE(wasm);
  EXPECT_FALSE(is_precompiled(*wasm));
  auto not_artifact = load_precompiled(*wasm);
  ASSERT_FALSE(not_artifact);
  EXPECT_EQ(not_artifact.error().code, ErrorCode::BadArtifact);
}

TEST(Artifact, EveryDamagedByteIsRefused) {
  std::vector<uint8_t> bytes = small_artifact();
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> damaged = bytes;
    damaged[i] ^= 0x10;
    auto r = decode_artifact_view(damaged);
    ASSERT_FALSE(r) << "byte " << i << " of " << bytes.size();
    ASSERT_EQ(r.error().code, ErrorCode::BadArtifact);
    // Past the magic and the format version, the checksum is what notices.
    if (i >= 12)
      ASSERT_NE(r.error().message().find("checksum mismatch"), std::string::npos)
          << r.error().message();
  }
}

TEST(Artifact, EveryTruncationIsRefused) {
  std::vector<uint8_t> bytes = small_artifact();
  for (size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 61)) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + n);
    EXPECT_FALSE(decode_artifact_view(truncated)) << "length " << n;
  }
}

TEST(Artifact, ThePreviousFormatAsksForARecompile) {
  std::vector<uint8_t> bytes = small_artifact();
  bytes[8] = uint8_t(kArtifactVersion - 1);  // u32 format version after the magic
  auto r = decode_artifact_view(bytes);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find(fmt::format("artifact format {} (this Flint reads format {}): "
                                                 "recompile it",
                                                 kArtifactVersion - 1, kArtifactVersion)),
            std::string::npos)
      << r.error().message();
}

// flint-compile's --loop-entries plan names each defined function: one of
// another length is refused, naming both counts, rather than read past.
TEST(Artifact, ALoopEntryPlanOfAnotherLengthIsRefused) {
  auto wasm = text::parse_wat(R"((module
    (func (loop $l (br $l)))
    (func (loop $l (br $l)))))");
  ASSERT_TRUE(wasm);
  ArtifactOptions options;
  options.loop_entries = {LoopEntry::Only};
  auto r = compile_to_artifact(*wasm, options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("the loop entry plan names 1 functions; the module defines 2"),
            std::string::npos)
      << r.error().message();
  options.loop_entries = {LoopEntry::Only, LoopEntry::Beside};
  EXPECT_TRUE(compile_to_artifact(*wasm, options));
}

}  // namespace
}  // namespace flint::aot

#include <fmt/format.h>

#include <cstdlib>
#include <string_view>

#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/llvm/codegen.h"
#include "binary/decoder.h"
#include "valid/validator.h"

namespace flint::aot {

namespace {
/// TargetOptions::verify_ir for compiles that users run: always in debug
/// builds, else only when FLINT_VERIFY_IR is set to something other than 0.
bool verify_ir_requested() {
#ifndef NDEBUG
  return true;
#else
  const char* verify = std::getenv("FLINT_VERIFY_IR");
  return verify && std::string_view(verify) != "0";
#endif
}
}  // namespace

Result<std::vector<uint8_t>> compile_to_artifact(std::span<const uint8_t> wasm,
                                                 const ArtifactOptions& options) {
  TargetOptions target;
  // A test knob, not an option: code of either effort behaves the same, so
  // artifacts (and cache entries) do not record it.
  if (const char* effort = std::getenv("FLINT_COMPILE_EFFORT"))
    target.all_quick = std::string_view(effort) == "quick";
  target.verify_ir = verify_ir_requested();
  return compile_to_artifact(wasm, options, target);
}

Result<std::vector<uint8_t>> compile_to_artifact(std::span<const uint8_t> wasm,
                                                 const ArtifactOptions& options,
                                                 TargetOptions target) {
  FLINT_ASSIGN(Module module, decode_module(wasm));
  FLINT_TRY(validate(module));
  target.fuel = options.fuel;
  target.interruptible = options.interruptible;
  if (!options.loop_entries.empty() && options.loop_entries.size() != module.functions.size())
    return make_error(ErrorCode::Usage,
                      fmt::format("the loop entry plan names {} functions; the module defines {}",
                                  options.loop_entries.size(), module.functions.size()));
  target.loop_entries = options.loop_entries;
  FLINT_ASSIGN(std::vector<LocatedObject> located, compile_objects(module, target));
  std::vector<std::vector<uint8_t>> objects;
  for (LocatedObject& o : located) objects.push_back(std::move(o.object));
  Artifact a;
  a.flint_version = kFlintVersion;
  a.triple = host_triple();
  a.cpu_features = host_cpu_features();
  a.fuel = options.fuel;
  a.interruptible = options.interruptible;
  a.module_hash = sha256(wasm);
  a.wasm.assign(wasm.begin(), wasm.end());
  FLINT_ASSIGN(a.shared_object, link_shared_object(objects));
  if (target.code_locations) {
    FLINT_ASSIGN(CodeLocations locations, place_locations(located, a.shared_object));
    a.code_locations = locations.encode();
  }
  return encode_artifact(a);
}

}  // namespace flint::aot

// The code locations (aot/code_locations.h) of linked code: read back from
// the DWARF line tables and inlining records LLVM wrote for the debug
// locations function_codegen.cc gave every instruction, then dropped from
// the shared object, whose loader never reads them.
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/ObjCopy/ConfigManager.h>
#include <llvm/ObjCopy/ObjCopy.h>
#include <llvm/Object/Binary.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <charconv>

#include "aot/llvm/codegen.h"

namespace flint::aot {

namespace {

llvm::MemoryBufferRef buffer_of(std::span<const uint8_t> bytes) {
  return llvm::MemoryBufferRef(
      llvm::StringRef(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "code");
}

/// The wasm frames LLVM recorded at `address`, innermost first; empty
/// where it recorded none of ours.
std::vector<FrameLocation> frames_at(llvm::DWARFContext& dwarf, uint64_t address) {
  llvm::DILineInfoSpecifier spec(llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
                                 llvm::DINameKind::ShortName);
  llvm::DIInliningInfo inlined = dwarf.getInliningInfoForAddress(
      {address, llvm::object::SectionedAddress::UndefSection}, spec);
  std::vector<FrameLocation> chain;
  for (uint32_t i = 0; i < inlined.getNumberOfFrames(); ++i) {
    const llvm::DILineInfo& frame = inlined.getFrame(i);
    // Subprograms are named by their function index (function_codegen.cc).
    FrameLocation location;
    const std::string& name = frame.FunctionName;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), location.function);
    if (error != std::errc() || end != name.data() + name.size()) return {};
    // Line 0 is DWARF's "no line": code LLVM merged from several places.
    if (frame.Line != 0) location.offset = frame.Line;
    chain.push_back(location);
  }
  return chain;
}

}  // namespace

Result<CodeLocations> read_code_locations(std::span<const uint8_t> shared_object) {
  auto object = llvm::object::ObjectFile::createObjectFile(buffer_of(shared_object));
  if (!object)
    return make_error(ErrorCode::Usage, "internal error: the linked code is not an object: " +
                                            llvm::toString(object.takeError()));
  std::unique_ptr<llvm::DWARFContext> dwarf = llvm::DWARFContext::create(**object);
  // Each row of a line table starts the code of one location; a sequence's
  // end row starts code without one (until another sequence's row).
  std::vector<std::pair<uint64_t, bool>> starts;  // address, has a location
  for (const std::unique_ptr<llvm::DWARFUnit>& unit : dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable* lines = dwarf->getLineTableForUnit(unit.get());
    if (!lines) continue;
    for (const llvm::DWARFDebugLine::Row& row : lines->Rows)
      starts.emplace_back(row.Address.Address, !row.EndSequence);
  }
  // At one address a sequence's start wins over another's end.
  std::sort(starts.begin(), starts.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second > b.second);
  });
  CodeLocations table;
  for (size_t i = 0; i < starts.size(); ++i) {
    if (i > 0 && starts[i].first == starts[i - 1].first) continue;
    if (starts[i].first > UINT32_MAX)
      return make_error(ErrorCode::Usage, "internal error: code beyond 4 GiB");
    std::vector<FrameLocation> chain;
    if (starts[i].second) chain = frames_at(*dwarf, starts[i].first);
    table.add_range(uint32_t(starts[i].first), chain);
  }
  return table;
}

Result<std::vector<uint8_t>> strip_debug_info(std::span<const uint8_t> shared_object) {
  auto binary = llvm::object::createBinary(buffer_of(shared_object));
  if (!binary)
    return make_error(ErrorCode::Usage, "internal error: the linked code is not an object: " +
                                            llvm::toString(binary.takeError()));
  llvm::objcopy::ConfigManager config;
  config.Common.StripDebug = true;
  llvm::SmallVector<char, 0> stripped;
  llvm::raw_svector_ostream out(stripped);
  if (llvm::Error error = llvm::objcopy::executeObjcopyOnBinary(config, **binary, out))
    return make_error(ErrorCode::Usage,
                      "internal error: cannot strip the code's debug information: " +
                          llvm::toString(std::move(error)));
  return std::vector<uint8_t>(stripped.begin(), stripped.end());
}

}  // namespace flint::aot

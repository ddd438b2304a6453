// The code locations (aot/code_locations.h) of compiled code: read back from
// the DWARF line tables and inlining records LLVM wrote for the debug
// locations function_codegen.cc gave every instruction, then dropped, since
// the loader never reads them. Each partition's object is read and stripped
// on the thread that compiled it (locate_object), and its table placed
// where the linker put its code (place_locations): read from the linked
// code, the DWARF was a serial step after the link (0.3 s of Go's os test
// binary's compile), and the linker had to carry it.
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/ObjCopy/ConfigManager.h>
#include <llvm/ObjCopy/ObjCopy.h>
#include <llvm/Object/Binary.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>

#include "aot/llvm/codegen.h"

namespace flint::aot {

namespace {

llvm::MemoryBufferRef buffer_of(std::span<const uint8_t> bytes) {
  return llvm::MemoryBufferRef(
      llvm::StringRef(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "code");
}

/// The wasm function a subprogram's DIE stands for: subprograms are named
/// by their function index (function_codegen.cc).
std::optional<uint32_t> function_named(const char* name) {
  if (!name) return std::nullopt;
  std::string_view text(name);
  uint32_t function = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), function);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return function;
}

/// The wasm frames LLVM recorded at `address`, innermost first; empty
/// where it recorded none of ours.
std::vector<FrameLocation> frames_at(llvm::DWARFContext& dwarf,
                                     llvm::object::SectionedAddress address) {
  llvm::DILineInfoSpecifier spec(llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
                                 llvm::DINameKind::ShortName);
  llvm::DIInliningInfo inlined = dwarf.getInliningInfoForAddress(address, spec);
  std::vector<FrameLocation> chain;
  for (uint32_t i = 0; i < inlined.getNumberOfFrames(); ++i) {
    const llvm::DILineInfo& frame = inlined.getFrame(i);
    std::optional<uint32_t> function = function_named(frame.FunctionName.c_str());
    if (!function) return {};
    FrameLocation location{.function = *function, .offset = std::nullopt};
    // Line 0 is DWARF's "no line": code LLVM merged from several places.
    if (frame.Line != 0) location.offset = frame.Line;
    chain.push_back(location);
  }
  return chain;
}

/// Code from `low` up to `high` (not included).
struct CodeSpan {
  uint64_t low, high;
  std::optional<uint32_t> function;  ///< a subprogram's, if it is unambiguous
  bool operator<(const CodeSpan& other) const { return low < other.low; }
};

/// Where each function's machine code lies, and where code inlined from
/// other functions does (the union of the inlined-subroutine DIEs' spans,
/// which nest): each list sorted by address, its spans disjoint.
struct CodeSpans {
  std::vector<CodeSpan> functions, inlined;
};

CodeSpans code_spans(llvm::DWARFContext& dwarf) {
  CodeSpans spans;
  for (const std::unique_ptr<llvm::DWARFUnit>& unit : dwarf.compile_units()) {
    for (const llvm::DWARFDebugInfoEntry& entry : unit->dies()) {
      llvm::DWARFDie die(unit.get(), &entry);
      llvm::dwarf::Tag tag = die.getTag();
      if (tag != llvm::dwarf::DW_TAG_subprogram && tag != llvm::dwarf::DW_TAG_inlined_subroutine)
        continue;
      llvm::Expected<llvm::DWARFAddressRangesVector> ranges = die.getAddressRanges();
      if (!ranges) {
        llvm::consumeError(ranges.takeError());
        continue;
      }
      bool inlined = tag == llvm::dwarf::DW_TAG_inlined_subroutine;
      std::optional<uint32_t> function;
      if (!inlined) function = function_named(die.getName(llvm::DINameKind::ShortName));
      for (const llvm::DWARFAddressRange& range : *ranges)
        if (range.LowPC < range.HighPC)
          (inlined ? spans.inlined : spans.functions)
              .push_back(CodeSpan{range.LowPC, range.HighPC, function});
    }
  }
  // Functions' code does not overlap; should two spans overlap, neither
  // names its function for sure (read_code_locations then asks DWARF).
  std::sort(spans.functions.begin(), spans.functions.end());
  for (size_t i = 1; i < spans.functions.size(); ++i)
    if (spans.functions[i].low < spans.functions[i - 1].high)
      spans.functions[i].function = spans.functions[i - 1].function = std::nullopt;
  std::sort(spans.inlined.begin(), spans.inlined.end());
  std::vector<CodeSpan> merged;
  for (const CodeSpan& span : spans.inlined) {
    if (!merged.empty() && span.low <= merged.back().high)
      merged.back().high = std::max(merged.back().high, span.high);
    else
      merged.push_back(span);
  }
  spans.inlined = std::move(merged);
  return spans;
}

/// The span of `spans` (sorted, disjoint) holding `address`, or null.
/// `next` carries the search on from the previous call, whose address was
/// lower.
const CodeSpan* span_holding(const std::vector<CodeSpan>& spans, size_t& next, uint64_t address) {
  while (next < spans.size() && spans[next].high <= address) ++next;
  return next < spans.size() && spans[next].low <= address ? &spans[next] : nullptr;
}

/// The code locations of a relocatable object's code, at offsets from the
/// start of its one code section, `text` (LLVM puts every function there
/// unless asked for a section each).
Result<CodeLocations> read_code_locations(const llvm::object::ObjectFile& object,
                                          const llvm::object::SectionRef& text) {
  std::unique_ptr<llvm::DWARFContext> dwarf = llvm::DWARFContext::create(object);
  // Each row of a line table starts the code of one location; a sequence's
  // end row starts code without one (until another sequence's row).
  struct Start {
    uint64_t address;
    bool located;   ///< not a sequence's end
    uint32_t line;  ///< the wasm offset, 0 for none
    size_t order;   ///< in the line tables, as read
  };
  std::vector<Start> starts;
  for (const std::unique_ptr<llvm::DWARFUnit>& unit : dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable* lines = dwarf->getLineTableForUnit(unit.get());
    if (!lines) continue;
    for (const llvm::DWARFDebugLine::Row& row : lines->Rows) {
      if (row.Address.SectionIndex != text.getIndex())
        return make_error(ErrorCode::Usage,
                          "internal error: compiled code outside the object's .text");
      starts.push_back(Start{row.Address.Address, !row.EndSequence, row.Line, starts.size()});
    }
  }
  // At one address a sequence's start wins over another's end, and of rows
  // at one address the last one holds (as a lookup of the address finds).
  std::sort(starts.begin(), starts.end(), [](const Start& a, const Start& b) {
    if (a.address != b.address) return a.address < b.address;
    if (a.located != b.located) return a.located;
    return a.order > b.order;
  });
  // Code inlined nothing into is one frame, its function's at the row's
  // line: only where LLVM inlined a call does the chain need DWARF's
  // inlining records (most of a large module's code, compiled with
  // Effort::Quick, inlines nothing).
  CodeSpans spans = code_spans(*dwarf);
  size_t next_function = 0, next_inlined = 0;
  CodeLocations table;
  for (size_t i = 0; i < starts.size(); ++i) {
    const Start& start = starts[i];
    if (i > 0 && start.address == starts[i - 1].address) continue;
    if (start.address > UINT32_MAX)
      return make_error(ErrorCode::Usage, "internal error: code beyond 4 GiB");
    std::vector<FrameLocation> chain;
    if (start.located) {
      const CodeSpan* function = span_holding(spans.functions, next_function, start.address);
      bool inlined = span_holding(spans.inlined, next_inlined, start.address);
      if (function && function->function && !inlined)
        chain.push_back(FrameLocation{
            .function = *function->function,
            .offset = start.line ? std::optional<uint32_t>(start.line) : std::nullopt});
      else
        chain = frames_at(*dwarf, {start.address, text.getIndex()});
    }
    table.add_range(uint32_t(start.address), chain);
  }
  return table;
}

/// `object` without its DWARF sections (read_code_locations has what the
/// runtime needs of them), so that neither the linker nor the artifact
/// carries them.
Result<std::vector<uint8_t>> strip_debug_info(llvm::object::Binary& object) {
  llvm::objcopy::ConfigManager config;
  config.Common.StripDebug = true;
  llvm::SmallVector<char, 0> stripped;
  llvm::raw_svector_ostream out(stripped);
  if (llvm::Error error = llvm::objcopy::executeObjcopyOnBinary(config, object, out))
    return make_error(ErrorCode::Usage,
                      "internal error: cannot strip the code's debug information: " +
                          llvm::toString(std::move(error)));
  return std::vector<uint8_t>(stripped.begin(), stripped.end());
}

Error not_an_object(llvm::Error error) {
  return make_error(ErrorCode::Usage, "internal error: compiled code is not an object: " +
                                          llvm::toString(std::move(error)));
}

}  // namespace

Result<LocatedObject> locate_object(std::vector<uint8_t> object) {
  auto file = llvm::object::ObjectFile::createObjectFile(buffer_of(object));
  if (!file) return not_an_object(file.takeError());
  llvm::object::ObjectFile& o = **file;
  std::optional<llvm::object::SectionRef> text;
  for (const llvm::object::SectionRef& section : o.sections()) {
    llvm::Expected<llvm::StringRef> name = section.getName();
    if (name && *name == ".text") text = section;
    if (!name) llvm::consumeError(name.takeError());
  }
  LocatedObject located;
  if (text) {
    // The anchor: a function of .text that keeps its name in the linked
    // code, where the linker reports its address. Partitions' functions
    // are global (hidden); a module compiled whole has local ones only,
    // which are then the one object's.
    for (const llvm::object::SymbolRef& symbol : o.symbols()) {
      llvm::Expected<llvm::object::SymbolRef::Type> type = symbol.getType();
      llvm::Expected<llvm::object::section_iterator> section = symbol.getSection();
      llvm::Expected<llvm::StringRef> name = symbol.getName();
      llvm::Expected<uint32_t> flags = symbol.getFlags();
      llvm::Expected<uint64_t> offset = symbol.getValue();
      if (!type || !section || !name || !flags || !offset) {
        llvm::consumeError(type.takeError());
        llvm::consumeError(section.takeError());
        llvm::consumeError(name.takeError());
        llvm::consumeError(flags.takeError());
        llvm::consumeError(offset.takeError());
        continue;
      }
      if (*type != llvm::object::SymbolRef::ST_Function || *section == o.section_end() ||
          **section != *text || name->empty())
        continue;
      bool global = *flags & llvm::object::SymbolRef::SF_Global;
      if (!located.anchor.empty() && !global) continue;
      located.anchor = name->str();
      located.anchor_offset = *offset;
      if (global) break;
    }
    FLINT_ASSIGN(located.locations, read_code_locations(o, *text));
    if (!located.locations.empty() && located.anchor.empty())
      return make_error(ErrorCode::Usage,
                        "internal error: compiled code without a function symbol");
  }
  FLINT_ASSIGN(located.object, strip_debug_info(o));
  return located;
}

Result<CodeLocations> place_locations(std::span<const LocatedObject> objects,
                                      std::span<const uint8_t> shared_object) {
  auto file = llvm::object::ObjectFile::createObjectFile(buffer_of(shared_object));
  if (!file) return not_an_object(file.takeError());
  std::map<std::string, std::optional<uint64_t>, std::less<>> anchors;
  for (const LocatedObject& o : objects)
    if (!o.locations.empty()) anchors[o.anchor] = std::nullopt;
  for (const llvm::object::SymbolRef& symbol : (*file)->symbols()) {
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    llvm::Expected<uint64_t> address = symbol.getAddress();
    if (!name || !address) {
      llvm::consumeError(name.takeError());
      llvm::consumeError(address.takeError());
      continue;
    }
    auto it = anchors.find(*name);
    if (it == anchors.end()) continue;
    if (it->second && *it->second != *address)
      return make_error(ErrorCode::Usage, "internal error: two functions named " + it->first);
    it->second = *address;
  }
  // Each object's code moved as one piece: by its anchor's move.
  std::vector<std::pair<uint64_t, const CodeLocations*>> placed;
  for (const LocatedObject& o : objects) {
    if (o.locations.empty()) continue;
    const std::optional<uint64_t>& address = anchors[o.anchor];
    if (!address || *address < o.anchor_offset)
      return make_error(ErrorCode::Usage, "internal error: the linked code lost " + o.anchor);
    placed.emplace_back(*address - o.anchor_offset, &o.locations);
  }
  std::sort(placed.begin(), placed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  CodeLocations table;
  for (const auto& [shift, locations] : placed) {
    if (shift > UINT32_MAX)
      return make_error(ErrorCode::Usage, "internal error: code beyond 4 GiB");
    FLINT_TRY(table.append(*locations, uint32_t(shift)));
  }
  return table;
}

}  // namespace flint::aot

// A trap's backtrace as text (format_backtrace in flint/runtime.h).
#include <fmt/format.h>

#include "flint/runtime.h"

namespace flint {

std::string format_backtrace(std::span<const BacktraceFrame> frames) {
  if (frames.empty()) return {};
  std::string text = "wasm backtrace:\n";
  for (size_t i = 0; i < frames.size(); ++i) {
    const BacktraceFrame& f = frames[i];
    std::string where = f.offset ? fmt::format("{:#8x}", *f.offset) : std::string(8, ' ');
    std::string name = f.name.empty() ? fmt::format("<function {}>", f.function) : f.name;
    text += fmt::format("  {:>3}: {} - {}\n", i, where, name);
  }
  return text;
}

}  // namespace flint

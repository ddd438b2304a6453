// Every WASI function called with hostile arguments -- pointers at and past
// the end of memory, huge lengths and counts, unknown fds, flags with every
// bit set -- answers with an errno or traps. The host never crashes and
// never hangs (--timeout bounds the calls that may legitimately block).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "subprocess.h"
#include "wasi/wasi.h"

namespace flint::wasi_test {
namespace {

// One module importing every WASI function, exporting "call_<name>" that
// passes `fill` (an i32 pattern, widened for i64 parameters) to each.
std::string hostile_module(uint32_t fill) {
  std::string imports, funcs;
  for (std::string_view name : wasi::function_names()) {
    FuncType type = *wasi::function_type(name);
    std::string params, args;
    for (ValType t : type.params) {
      params += t == ValType::I64 ? " i64" : " i32";
      args += t == ValType::I64 ? fmt::format(" (i64.const {})", int64_t(int32_t(fill)))
                                : fmt::format(" (i32.const {})", int32_t(fill));
    }
    std::string result = type.results.empty() ? "" : " (result i32)";
    imports += fmt::format("  (import \"wasi_snapshot_preview1\" \"{}\" (func ${} (param{}){}))\n", name, name,
                           params, result);
    funcs += fmt::format("  (func (export \"call_{}\"){} (call ${}{}))\n", name, result, name, args);
  }
  return "(module\n" + imports + "  (memory (export \"memory\") 1)\n" + funcs + ")\n";
}

TEST(HostileArgumentsTest, ErrnoOrTrapNeverACrash) {
  ScratchDir dir("hostile");
  fs::create_directories(dir.path() / "granted");
  // Patterns: null, the last bytes of memory, just past it, all ones, a
  // mid-sized value that is a plausible fd, length and pointer at once.
  int answered = 0, trapped = 0;
  for (uint32_t fill : {0u, 65532u, 65536u, 0xFFFFFFFFu, 3u, 0x7FFFFFFFu}) {
    fs::path module = dir.path() / fmt::format("hostile_{}.wat", fill);
    std::ofstream(module) << hostile_module(fill);
    for (std::string_view name : wasi::function_names()) {
      if (name == "proc_exit") continue;  // checked on its own in run_command_test
      Outcome r = run_command({FLINT_BINARY, "run", "--timeout", "3s", "--dir", "granted", "--invoke",
                               "call_" + std::string(name), module.string()},
                              dir.path());
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 134)
          << name << " with " << fill << ": exit " << r.exit_code << "\n" << r.err;
      if (r.exit_code == 134) EXPECT_FALSE(r.err.empty()) << name;  // a trap says why
      (r.exit_code == 0 ? answered : trapped) += 1;
    }
  }
  // Both outcomes occur: the calls really ran.
  EXPECT_GT(answered, 50);
  EXPECT_GT(trapped, 20);
  // Nothing escaped into the directory the guest was not given.
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_TRUE(entry.path().filename() == "granted" || entry.path().extension() == ".wat") << entry.path();
}

}  // namespace
}  // namespace flint::wasi_test

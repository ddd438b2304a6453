// The differential test: every guest program must give the same stdout,
// stderr and exit code under `flint run` as under Wasmtime (the PyPI
// package, through wasmtime_run.py with the same flags), and leave the
// directory it was granted in the same state. Skips with a message when
// the wasmtime package is not installed; CI installs it.
//
// Each guest runs in two forms: the preview-1 core module, and the same
// module wrapped as a WASI 0.2 component by the preview-1 command adapter
// (guests/CMakeLists.txt). The component form under `flint run` must meet
// the core form's expectations, Wasmtime running the core module. What a
// component cannot do alike is listed with its reason in
// component_forms.txt; such a case is checked against `wasmtime run` of
// the same component instead (Wasmtime must behave as Flint), then
// reported as skipped with the reason.
#include <gtest/gtest.h>

#include <functional>

#include "component_form.h"

namespace flint::wasi_test {
namespace {

// What a guest finds in the directory it runs in.
using Fixture = std::function<void(const fs::path&)>;

void data_fixture(const fs::path& root) {
  std::ofstream(root / "data.txt") << "line one\nline two\n";
}

// The layout guests/c/sandbox_escape.c expects: a preopen "sandbox" with
// symlinks pointing everywhere, a secret one level above it, and a
// read-only tree "ro".
void sandbox_fixture(const fs::path& root) {
  fs::create_directories(root / "sandbox" / "sub");
  fs::create_directories(root / "ro");
  std::ofstream(root / "secret.txt") << "secret\n";
  std::ofstream(root / "sandbox" / "inside.txt") << "hello\n";
  std::ofstream(root / "sandbox" / "sub" / "x.txt") << "x\n";
  std::ofstream(root / "ro" / "ro.txt") << "ro\n";
  fs::create_symlink("..", root / "sandbox" / "up");
  fs::create_symlink("/etc", root / "sandbox" / "abs");
  fs::create_directory_symlink("sub", root / "sandbox" / "in");
  fs::create_symlink("sub/../..", root / "sandbox" / "deep_up");
  fs::create_symlink("loop", root / "sandbox" / "loop");
}

struct GuestCase {
  std::string name;
  std::string guest;               // relative to the guests build directory
  std::vector<std::string> flags;  // before the module
  std::vector<std::string> args;   // after it
  std::string input;
  std::string env_prefix;
  Fixture fixture = data_fixture;
  bool compare_stderr = true;  // false for traps: the messages are each runtime's own
};

// Names the case in test listings instead of a hex dump of the struct.
void PrintTo(const GuestCase& c, std::ostream* os) { *os << c.guest; }

std::vector<GuestCase> cases() {
  return {
      {"CFiles", "c/files.wasm", {"--dir", ".::/work"}, {}, "", ""},
      {"CReaddirCookies", "c/readdir_many.wasm", {"--dir", ".::/work"}, {}, "", ""},
      {"CPathEdges", "c/path_edges.wasm", {"--dir", "."}, {}, "", ""},
      {"CArgsEnv",
       "c/args_env.wasm",
       {"--env", "A=1", "--env", "GREETING", "--env", "EMPTY=", "--env", "UNSET_VAR"},
       {"x", "y z", "", "--flag"},
       "",
       "GREETING=hello "},
      {"CClocksRandom", "c/clocks_random.wasm", {}, {}, "", ""},
      {"CStdio", "c/stdio.wasm", {}, {}, "first\nsecond\nthird\n", ""},
      {"CStdioEmpty", "c/stdio.wasm", {}, {}, "", ""},
      {"CExitCode", "c/exit_code.wasm", {}, {"42"}, "", ""},
      {"CExitZero", "c/exit_code.wasm", {}, {"0"}, "", ""},
      {"CTrap", "c/exit_code.wasm", {}, {"trap"}, "", "", data_fixture, false},
      {"CNoFileSystem", "c/no_fs.wasm", {}, {}, "", ""},
      {"CSandboxEscapes",
       "c/sandbox_escape.wasm",
       {"--dir", "sandbox::/sandbox", "--dir-ro", "ro::/ro"},
       {},
       "",
       "",
       sandbox_fixture},
      {"RustFiles",
       "rust/files.wasm",
       {"--dir", ".::/work", "--env", "GREETING=hi"},
       {"3"},
       "one\ntwo\n",
       ""},
      {"GoFiles",
       "go/files.wasm",
       {"--dir", ".::/work", "--env", "GREETING"},
       {"exit7"},
       "a\nb\nc\n",
       "GREETING=hey "},
  };
}

class DifferentialTest : public ::testing::TestWithParam<std::tuple<GuestCase, Form>> {};

TEST_P(DifferentialTest, SameAsWasmtime) {
  const auto& [c, form] = GetParam();
  ScratchDir renamed("component-form");
  fs::path module = guest_in_form(c.guest, form, renamed);
  if (module.empty())
    GTEST_SKIP()
        << c.guest
        << " in this form was not built (its toolchain, or wasm-tools and the adapter, missing)";
  fs::path core = guest(c.guest);
  if (!wasmtime_available())
    GTEST_SKIP() << "the wasmtime Python package is not installed (pip install wasmtime); "
                    "the differential test needs it as the reference";

  ScratchDir flint_dir("flint"), wasmtime_dir("wasmtime");
  c.fixture(flint_dir.path());
  c.fixture(wasmtime_dir.path());
  auto command = [&](std::vector<std::string> argv, const fs::path& wasm_file) {
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    argv.push_back(wasm_file.string());
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    return argv;
  };
  Outcome flint =
      run_command(command({FLINT_BINARY, "run"}, module), flint_dir.path(), c.input, c.env_prefix);
  const std::string exception = form == Form::Component ? component_exception(c.name) : "";
  if (!exception.empty()) {
    // Wasmtime must do as Flint does with the component; the core form's
    // expectations do not hold for it.
    const std::string cli = wasmtime_cli();
    if (cli.empty()) GTEST_SKIP() << exception << " (and the wasmtime command line is absent)";
    Outcome wasmtime =
        run_command(command({cli, "run"}, module), wasmtime_dir.path(), c.input, c.env_prefix);
    EXPECT_EQ(flint.exit_code, wasmtime.exit_code) << flint.err << "\n" << wasmtime.err;
    EXPECT_EQ(flint.out, wasmtime.out);
    EXPECT_EQ(tree_snapshot(flint_dir.path()), tree_snapshot(wasmtime_dir.path()));
    if (!HasFailure()) GTEST_SKIP() << exception << " (wasmtime run does the same)";
    return;
  }
  // The reference is always Wasmtime running the core module.
  Outcome wasmtime = run_command(command({"python3", FLINT_WASMTIME_RUN}, core),
                                 wasmtime_dir.path(), c.input, c.env_prefix);

  EXPECT_EQ(flint.exit_code, wasmtime.exit_code) << "flint stderr:\n"
                                                 << flint.err << "\nwasmtime stderr:\n"
                                                 << wasmtime.err;
  EXPECT_EQ(flint.out, wasmtime.out);
  if (c.compare_stderr) EXPECT_EQ(flint.err, wasmtime.err);
  EXPECT_EQ(tree_snapshot(flint_dir.path()), tree_snapshot(wasmtime_dir.path()));
}

INSTANTIATE_TEST_SUITE_P(Guests, DifferentialTest,
                         ::testing::Combine(::testing::ValuesIn(cases()),
                                            ::testing::Values(Form::Core, Form::Component)),
                         [](const auto& info) {
                           return std::get<0>(info.param).name +
                                  form_suffix(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace flint::wasi_test

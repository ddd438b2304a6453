// `flint run` passes every word after the module to the guest untouched,
// flags included, as `wasmtime run` does.
#include <gtest/gtest.h>

#include "cli/commands.h"

namespace flint::cli {
namespace {

int own_words(std::vector<const char*> words) {
  CLI::App app;
  CommandRunner run;
  CLI::App* run_command = add_run_command(app, run);
  return words_for_flint(*run_command, int(words.size()), const_cast<char**>(words.data()));
}

TEST(GuestWordsTest, TheModuleEndsFlintsWords) {
  EXPECT_EQ(own_words({"flint", "run", "m.wasm", "--dir", "/", "-x"}), 3);
  EXPECT_EQ(own_words({"flint", "run", "--invoke", "f", "m.wasm", "1", "2"}), 5);
}

TEST(GuestWordsTest, OptionValuesAreNotTakenForTheModule) {
  EXPECT_EQ(own_words({"flint", "run", "--dir", "a::b", "--env", "X", "m.wasm", "--env", "Y"}), 7);
  EXPECT_EQ(own_words({"flint", "run", "--dir=a", "--fuel=9", "m.wasm", "z"}), 5);
}

// A flag takes no value: the word after it is flint's next option, or the
// module (once the flag's word was taken as its value, so a module after
// two more options was refused as "cannot open --argv0").
TEST(GuestWordsTest, FlagsTakeNoValue) {
  EXPECT_EQ(own_words({"flint", "run", "--allow-precompiled", "m.fwasm", "--x"}), 4);
  EXPECT_EQ(own_words({"flint", "run", "--stop-on-signal", "--env", "A=1", "--argv0", "x", "m.wasm",
                       "3"}),
            8);
  EXPECT_EQ(own_words({"flint", "run", "--no-cache", "--dir", "/tmp::/", "m.wasm"}), 6);
}

TEST(GuestWordsTest, DoubleDashAndOtherCommands) {
  EXPECT_EQ(own_words({"flint", "run", "--", "m.wasm", "--help"}), 4);
  EXPECT_EQ(own_words({"flint", "wast", "a.wast", "--strict-messages"}), 4);
  EXPECT_EQ(own_words({"flint", "run", "--invoke"}), 3);  // no module: CLI11 reports it
}

}  // namespace
}  // namespace flint::cli

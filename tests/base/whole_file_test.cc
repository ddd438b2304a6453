// read_whole_file: the one reader behind `flint` and `flint-compile`.
#include "base/whole_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace flint {
namespace {

namespace fs = std::filesystem;

class WholeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flint_whole_file_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(WholeFileTest, ReadsEveryByteOfARegularFile) {
  // Larger than the first 64 KiB buffer and not a multiple of it, with
  // zero bytes inside: the size comes from the reads, not from text.
  std::string bytes;
  for (int i = 0; i < 200'003; ++i) bytes.push_back(char(i * 7));
  std::ofstream(dir_ / "f.bin", std::ios::binary) << bytes;
  auto read = read_whole_file((dir_ / "f.bin").string());
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(std::string(read->begin(), read->end()), bytes);
  auto text = read_whole_text_file((dir_ / "f.bin").string());
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, bytes);
}

TEST_F(WholeFileTest, ReadsAnEmptyFile) {
  std::ofstream(dir_ / "empty").flush();
  auto read = read_whole_file((dir_ / "empty").string());
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->empty());
}

TEST_F(WholeFileTest, ReadsAFileThatReportsNoSize) {
  // /proc files have st_size 0 but content: read until the end.
  auto read = read_whole_text_file("/proc/self/status");
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_NE(read->find("Pid:"), std::string::npos);
}

TEST_F(WholeFileTest, MissingFileIsAnErrorNamingIt) {
  std::string path = (dir_ / "absent.wasm").string();
  auto read = read_whole_file(path);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::Io);
  EXPECT_NE(read.error().describe().find("cannot open " + path), std::string::npos)
      << read.error().describe();
}

TEST_F(WholeFileTest, DirectoryIsAnErrorNamingIt) {
  auto read = read_whole_file(dir_.string());
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().describe().find("cannot read " + dir_.string()), std::string::npos)
      << read.error().describe();
}

}  // namespace
}  // namespace flint

// Base64, digests, Docker's credentials file and the tar writer.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "oci/base64.h"
#include "oci/credentials.h"
#include "oci/digest.h"
#include "oci/tar_writer.h"

namespace flint::oci {
namespace {

namespace fs = std::filesystem;

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), std::string(plain));
  }
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Z"));
}

TEST(Digest, Sha256OfKnownText) {
  EXPECT_EQ(sha256_digest(std::string_view("abc")),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class Credentials : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flint-cred-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    path_ = (dir_ / "docker" / "config.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

TEST_F(Credentials, StoredThenLoadedKeepingOtherKeys) {
  fs::create_directories(dir_ / "docker");
  std::ofstream(path_) << R"({"credsStore": "", "auths": {"ghcr.io": {"auth": "dTpw"}}})";
  ASSERT_TRUE(store_credentials(path_, "127.0.0.1:5000", {"alice", "s3:cret"}));
  auto got = load_credentials(path_, "127.0.0.1:5000");
  ASSERT_TRUE(got);
  ASSERT_TRUE(*got);
  EXPECT_EQ((*got)->username, "alice");
  EXPECT_EQ((*got)->password, "s3:cret");
  auto other = load_credentials(path_, "ghcr.io");
  ASSERT_TRUE(other && *other);
  EXPECT_EQ((*other)->username, "u");
  struct stat st{};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(Credentials, MissingFileOrEntryIsAnonymous) {
  auto none = load_credentials(path_, "127.0.0.1:5000");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(Credentials, GarbageIsAnErrorNamingTheFile) {
  fs::create_directories(dir_ / "docker");
  std::ofstream(path_) << "{not json";
  auto bad = load_credentials(path_, "x");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find(path_), std::string::npos);
  std::ofstream(path_) << R"({"auths": {"x": {"auth": "bm9jb2xvbg=="}}})";  // "nocolon"
  bad = load_credentials(path_, "x");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("user:password"), std::string::npos);
}

TEST(TarWriter, UstarHeadersWithChecksumsAndParents) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("a/b.txt", "hello"));
  std::string out = tar.finish();
  // a/ directory, a/b.txt header + one data block, two end blocks.
  ASSERT_EQ(out.size(), 512u * 5);
  EXPECT_EQ(out.substr(0, 2), "a/");
  EXPECT_EQ(out[156], '5');
  EXPECT_EQ(out.substr(512, 7), "a/b.txt");
  EXPECT_EQ(out[512 + 156], '0');
  EXPECT_EQ(out.substr(512 + 257, 5), "ustar");
  EXPECT_EQ(out.substr(1024, 5), "hello");
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : uint8_t(out[512 + i]);
  EXPECT_EQ(std::stoul(out.substr(512 + 148, 6), nullptr, 8), sum);
  EXPECT_FALSE(tar.add_file("../x", "y"));
  EXPECT_FALSE(tar.add_file("/x", "y"));
}

}  // namespace
}  // namespace flint::oci

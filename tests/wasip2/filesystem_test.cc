// wasi:filesystem through real components: what a --dir grants, what it
// does not, and read-only preopens.
#include <gtest/gtest.h>

#include "component_guest.h"

namespace flint::wasip2_test {
namespace {

// Each command line argument is one operation: "read:PATH", "write:PATH",
// "mkdir:PATH", "rename:FROM:TO", "unlink:PATH", "list:PATH", "stat:PATH".
constexpr const char* kFileOps = R"c(
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* op = argv[i];
    char* path = strchr(op, ':');
    *path++ = 0;
    if (!strcmp(op, "read")) {
      FILE* f = fopen(path, "r");
      if (!f) { printf("read %s: %s\n", path, strerror(errno)); continue; }
      char buf[256];
      size_t n = fread(buf, 1, sizeof buf - 1, f);
      buf[n] = 0;
      fclose(f);
      printf("read %s: [%s]\n", path, buf);
    } else if (!strcmp(op, "write")) {
      FILE* f = fopen(path, "w");
      if (!f) { printf("write %s: %s\n", path, strerror(errno)); continue; }
      fputs("written by the guest", f);
      printf("write %s: %s\n", path, fclose(f) == 0 ? "ok" : strerror(errno));
    } else if (!strcmp(op, "mkdir")) {
      printf("mkdir %s: %s\n", path, mkdir(path, 0755) == 0 ? "ok" : strerror(errno));
    } else if (!strcmp(op, "rename")) {
      char* to = strchr(path, ':');
      *to++ = 0;
      printf("rename %s: %s\n", path, rename(path, to) == 0 ? "ok" : strerror(errno));
    } else if (!strcmp(op, "unlink")) {
      printf("unlink %s: %s\n", path, unlink(path) == 0 ? "ok" : strerror(errno));
    } else if (!strcmp(op, "list")) {
      DIR* d = opendir(path);
      if (!d) { printf("list %s: %s\n", path, strerror(errno)); continue; }
      int count = 0, found = 0;
      struct dirent* e;
      while ((e = readdir(d))) { ++count; found |= !strcmp(e->d_name, "in.txt"); }
      closedir(d);
      printf("list %s: has in.txt %d\n", path, found);
    } else if (!strcmp(op, "stat")) {
      struct stat st;
      if (stat(path, &st) != 0) { printf("stat %s: %s\n", path, strerror(errno)); continue; }
      printf("stat %s: size %lld dir %d\n", path, (long long)st.st_size, S_ISDIR(st.st_mode));
    }
  }
  return 0;
})c";

class WasiP2Files : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = missing_toolchain(); !why.empty())
      GTEST_SKIP() << "WASI 0.2 components cannot be built: " << why;
    dir_ = scratch() / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "data/in.txt") << "granted contents";
    std::ofstream(dir_ / "secret.txt") << "outside the grant";
    std::string error;
    guest_ = component("file_ops", kFileOps, error);
    ASSERT_FALSE(guest_.empty()) << error;
  }

  RunOutcome run_ops(std::vector<std::string> ops, bool read_only = false) {
    wasi::WasiOptions o;
    o.args = {"file_ops"};
    o.args.insert(o.args.end(), ops.begin(), ops.end());
    o.dirs.push_back({(dir_ / "data").string(), "/data", read_only});
    return run(guest_, std::move(o));
  }

  fs::path dir_, guest_;
};

TEST_F(WasiP2Files, ReadsInsideThePreopen) {
  RunOutcome r = run_ops({"read:/data/in.txt", "stat:/data/in.txt", "list:/data"});
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "read /data/in.txt: [granted contents]\n"
            "stat /data/in.txt: size 16 dir 0\n"
            "list /data: has in.txt 1\n");
}

TEST_F(WasiP2Files, DeniedOutsideThePreopen) {
  std::string secret = (dir_ / "secret.txt").string();
  RunOutcome r = run_ops({"read:/data/../secret.txt", "read:" + secret, "read:/etc/passwd"});
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("outside the grant"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("root:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("read /data/../secret.txt: "), std::string::npos);
  // Three refusals, none of them with contents.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '['), 0) << r.out;
}

TEST_F(WasiP2Files, NothingWithoutADir) {
  wasi::WasiOptions o;
  o.args = {"file_ops", "read:/data/in.txt", "list:/"};
  RunOutcome r = run(guest_, std::move(o));
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.out.find("granted contents"), std::string::npos) << r.out;
}

TEST_F(WasiP2Files, WritesRenamesAndRemoves) {
  RunOutcome r = run_ops({"write:/data/out.txt", "read:/data/out.txt", "mkdir:/data/sub",
                          "rename:/data/out.txt:/data/sub/moved.txt", "unlink:/data/in.txt"});
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.out,
            "write /data/out.txt: ok\n"
            "read /data/out.txt: [written by the guest]\n"
            "mkdir /data/sub: ok\n"
            "rename /data/out.txt: ok\n"
            "unlink /data/in.txt: ok\n");
  EXPECT_EQ(read_file(dir_ / "data/sub/moved.txt"), "written by the guest");
  EXPECT_FALSE(fs::exists(dir_ / "data/in.txt"));
}

TEST_F(WasiP2Files, ReadOnlyPreopenRefusesChanges) {
  RunOutcome r = run_ops(
      {"read:/data/in.txt", "write:/data/out.txt", "mkdir:/data/sub", "unlink:/data/in.txt"},
      /*read_only=*/true);
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_NE(r.out.find("read /data/in.txt: [granted contents]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(": ok"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "data/out.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "data/sub"));
  EXPECT_TRUE(fs::exists(dir_ / "data/in.txt"));
}

}  // namespace
}  // namespace flint::wasip2_test

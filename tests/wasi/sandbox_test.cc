// The sandbox: every way out of a preopened directory we could think of is
// refused, both at the resolver (sandbox_path.h) and end to end through a
// guest; and a guest granted no directory sees no file system at all.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "component_form.h"
#include "wasi/sandbox_path.h"

namespace flint::wasi_test {
namespace {

using wasi::Errno;

class SandboxPathTest : public ::testing::TestWithParam<wasi::Resolver> {
 protected:
  void SetUp() override {
    wasi::force_resolver(GetParam());
    root_ = scratch_.path();
    fs::create_directories(root_ / "box" / "sub" / "deeper");
    std::ofstream(root_ / "secret.txt") << "secret";
    std::ofstream(root_ / "box" / "inside.txt") << "inside";
    std::ofstream(root_ / "box" / "sub" / "x.txt") << "x";
    fs::create_symlink("..", root_ / "box" / "up");
    fs::create_symlink((root_ / "secret.txt").string(), root_ / "box" / "abs_secret");
    fs::create_symlink("/", root_ / "box" / "root");
    fs::create_symlink("sub/deeper/../../..", root_ / "box" / "sneaky");
    fs::create_symlink("chain2", root_ / "box" / "chain1");
    fs::create_symlink("up/secret.txt", root_ / "box" / "chain2");
    fs::create_symlink("sub/x.txt", root_ / "box" / "good_link");
    fs::create_symlink("self", root_ / "box" / "self");
    fs::create_symlink("../../secret.txt", root_ / "box" / "sub" / "rel_up");
    fs::create_directory_symlink("sub/deeper", root_ / "box" / "dirlink");
    box_ = open((root_ / "box").c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(box_, 0);
  }
  void TearDown() override {
    close(box_);
    wasi::force_resolver(wasi::Resolver::Auto);
  }

  Errno open_read(std::string_view path, bool follow = true) {
    wasi::UniqueFd fd;
    return wasi::open_beneath(box_, path, O_RDONLY, 0, follow, fd);
  }

  ScratchDir scratch_{"sandbox"};
  fs::path root_;
  int box_ = -1;
};

TEST_P(SandboxPathTest, PathsInsideOpen) {
  for (const char* p : {"inside.txt", "sub/x.txt", "./inside.txt", "sub/../inside.txt",
                        "sub//x.txt", "sub/deeper/../x.txt", "good_link", ".", "sub/.."})
    EXPECT_EQ(open_read(p), Errno::Success) << p;
}

TEST_P(SandboxPathTest, EscapesAreRefusedWithEperm) {
  // EPERM is what Wasmtime answers for each of these (see the differential test).
  for (const char* p : {"..", "../secret.txt", "/etc/passwd", "/", "sub/../../secret.txt",
                        "sub/deeper/../../../secret.txt", "up", "up/secret.txt", "abs_secret",
                        "root", "root/etc/passwd", "sneaky", "sneaky/secret.txt", "chain1",
                        "sub/rel_up", "dirlink/../../../secret.txt", "sub/./../.././secret.txt"})
    EXPECT_EQ(open_read(p), Errno::Perm) << p;
}

TEST_P(SandboxPathTest, CreatingThroughAnEscapeIsRefused) {
  wasi::UniqueFd fd;
  EXPECT_EQ(wasi::open_beneath(box_, "../created.txt", O_WRONLY | O_CREAT, 0644, true, fd),
            Errno::Perm);
  EXPECT_EQ(wasi::open_beneath(box_, "up/created.txt", O_WRONLY | O_CREAT, 0644, true, fd),
            Errno::Perm);
  // A dangling link aimed outside must not create its target either.
  fs::create_symlink("../made_by_link.txt", root_ / "box" / "dangling");
  EXPECT_EQ(wasi::open_beneath(box_, "dangling", O_WRONLY | O_CREAT, 0644, true, fd), Errno::Perm);
  EXPECT_FALSE(fs::exists(root_ / "created.txt"));
  EXPECT_FALSE(fs::exists(root_ / "made_by_link.txt"));
}

TEST_P(SandboxPathTest, SymlinksAsLastComponent) {
  EXPECT_EQ(open_read("self"), Errno::Loop);
  EXPECT_EQ(open_read("good_link", /*follow=*/false), Errno::Loop);  // O_NOFOLLOW
  wasi::UniqueFd fd;
  // O_PATH without following opens the link itself, even one pointing out.
  EXPECT_EQ(wasi::open_beneath(box_, "abs_secret", O_PATH, 0, false, fd), Errno::Success);
  struct stat st;
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_P(SandboxPathTest, MalformedPaths) {
  EXPECT_EQ(open_read(""), Errno::NoEnt);
  EXPECT_EQ(open_read(std::string_view("inside.txt\0../secret.txt", 25)), Errno::Inval);
  EXPECT_EQ(open_read("\xff\xfe"), Errno::Ilseq);
  EXPECT_EQ(open_read("inside.txt/"), Errno::NotDir);
  EXPECT_EQ(open_read(std::string(5000, 'a')), Errno::NameTooLong);
}

TEST_P(SandboxPathTest, ResolveParentKeepsTheNameUnfollowed) {
  wasi::ParentAndName p;
  ASSERT_EQ(wasi::resolve_parent(box_, "sub/x.txt", p), Errno::Success);
  EXPECT_EQ(p.name, "x.txt");
  EXPECT_FALSE(p.trailing_slash);
  ASSERT_EQ(wasi::resolve_parent(box_, "up", p), Errno::Success);  // the link itself, in box
  EXPECT_EQ(p.name, "up");
  ASSERT_EQ(wasi::resolve_parent(box_, "sub/deeper///", p), Errno::Success);
  EXPECT_EQ(p.name, "deeper");
  EXPECT_TRUE(p.trailing_slash);
  ASSERT_EQ(wasi::resolve_parent(box_, "sub/..", p), Errno::Success);
  EXPECT_EQ(p.name, ".");
  EXPECT_EQ(wasi::resolve_parent(box_, "..", p), Errno::Perm);
  EXPECT_EQ(wasi::resolve_parent(box_, "/tmp/x", p), Errno::Perm);
  EXPECT_EQ(wasi::resolve_parent(box_, "up/secret.txt", p), Errno::Perm);
  EXPECT_EQ(wasi::resolve_parent(box_, "abs_secret/x", p), Errno::Perm);
  EXPECT_EQ(wasi::resolve_parent(box_, "", p), Errno::NoEnt);
}

// Both resolvers must give the same answer to every question.
INSTANTIATE_TEST_SUITE_P(Resolvers, SandboxPathTest,
                         ::testing::Values(wasi::Resolver::Openat2, wasi::Resolver::ComponentWalk),
                         [](const auto& info) {
                           return info.param == wasi::Resolver::Openat2
                                      ? std::string("Openat2")
                                      : std::string("ComponentWalk");
                         });

// The sandbox guests run in both forms (component_form.h): through the
// preview-1 adapter, a component's every call crosses wasi:filesystem and
// must meet the same refusals.
class SandboxGuestTest : public ::testing::TestWithParam<Form> {};

// End to end: the probe guest's every escape attempt is refused, and
// nothing outside the preopen changed.
TEST_P(SandboxGuestTest, EveryEscapeRefused) {
  ScratchDir renamed("sandbox-form");
  fs::path module = guest_in_form("c/sandbox_escape.wasm", GetParam(), renamed);
  if (module.empty()) GTEST_SKIP() << "c/sandbox_escape.wasm in this form was not built";
  ScratchDir dir("escape");
  fs::create_directories(dir.path() / "sandbox" / "sub");
  std::ofstream(dir.path() / "secret.txt") << "secret\n";
  std::ofstream(dir.path() / "sandbox" / "inside.txt") << "hello\n";
  std::ofstream(dir.path() / "sandbox" / "sub" / "x.txt") << "x\n";
  fs::create_symlink("..", dir.path() / "sandbox" / "up");
  fs::create_symlink("/etc", dir.path() / "sandbox" / "abs");
  fs::create_directory_symlink("sub", dir.path() / "sandbox" / "in");
  fs::create_symlink("sub/../..", dir.path() / "sandbox" / "deep_up");
  fs::create_symlink("loop", dir.path() / "sandbox" / "loop");
  std::string outside_before = slurp(dir.path() / "secret.txt");

  Outcome r =
      run_command({FLINT_BINARY, "run", "--dir", "sandbox::/sandbox", module.string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int escapes = 0;
  while (std::getline(lines, line)) {
    // Every attempt naming the world outside must fail.
    bool escaping = line.find("..") != std::string::npos || line.find(" /") != std::string::npos ||
                    line.find(" up") != std::string::npos ||
                    line.find(" abs") != std::string::npos ||
                    line.find("deep_up") != std::string::npos;
    bool harmless =
        line.find("nofollow") != std::string::npos ||
        line.find("readlink up") != std::string::npos || line.find("sub/..") != std::string::npos ||
        line.find("sub/../inside") != std::string::npos ||
        line.find("from sub x.txt") != std::string::npos || line.find("->") != std::string::npos ||
        line.find("symlink ../secret.txt rel_escape") != std::string::npos;
    if (!escaping || harmless) continue;
    ++escapes;
    EXPECT_EQ(line.find(" ok"), std::string::npos) << "not refused: " << line;
  }
  EXPECT_GT(escapes, 30) << r.out;
  EXPECT_EQ(slurp(dir.path() / "secret.txt"), outside_before);
  for (const char* name : {"created.txt", "newdir", "stolen", "hard", "outside_link", "mine"})
    EXPECT_FALSE(fs::exists(dir.path() / name)) << name;
  EXPECT_TRUE(fs::exists(dir.path() / "sandbox" / "inside.txt"));
}

TEST_P(SandboxGuestTest, NoDirMeansNoFileSystem) {
  ScratchDir renamed("sandbox-form");
  fs::path module = guest_in_form("c/no_fs.wasm", GetParam(), renamed);
  if (module.empty()) GTEST_SKIP() << "c/no_fs.wasm in this form was not built";
  ScratchDir dir("nofs");
  std::ofstream(dir.path() / "data.txt") << "data";
  Outcome r = run_command({FLINT_BINARY, "run", module.string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("preopens: 0\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("opened"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("path_open on fd 3: 8\n"), std::string::npos)
      << r.out;  // EBADF: nothing there
}

TEST_P(SandboxGuestTest, ReadOnlyDirectoryStaysUnchanged) {
  ScratchDir renamed("sandbox-form");
  fs::path module = guest_in_form("c/files.wasm", GetParam(), renamed);
  if (module.empty()) GTEST_SKIP() << "c/files.wasm in this form was not built";
  ScratchDir dir("ro");
  std::ofstream(dir.path() / "data.txt") << "line one\nline two\n";
  std::string before = tree_snapshot(dir.path());
  Outcome r =
      run_command({FLINT_BINARY, "run", "--dir-ro", ".::/work", module.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out;  // it could read, not write
  EXPECT_NE(r.out.find("data: line one"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.out;
  EXPECT_EQ(tree_snapshot(dir.path()), before);
}

INSTANTIATE_TEST_SUITE_P(Forms, SandboxGuestTest, ::testing::Values(Form::Core, Form::Component),
                         [](const auto& info) { return "Form" + form_suffix(info.param); });

}  // namespace
}  // namespace flint::wasi_test

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "linux/resolve.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using namespace ocirt;

namespace {

// A temporary directory standing for a container's root, removed with everything in it.
struct EmulatedRoot : ocirt::unit_test::TempTree {
    UniqueFd fd;
    EmulatedRoot() : TempTree("ocirt-root") { fd.reset(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)); }
};

ino_t inode_of_fd(const UniqueFd& fd) {
    struct stat st {};
    REQUIRE(::fstat(fd.get(), &st) == 0);
    return st.st_ino;
}

ino_t inode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_ino;
}

}  // namespace

TEST_CASE("resolve emulated: missing directories and files are created inside the root") {
    EmulatedRoot root;
    auto dir = linux_::make_in_root(root.fd.get(), "/a/b/c", false);
    CHECK(fs::is_directory(root.path + "/a/b/c"));
    CHECK(inode_of_fd(dir) == inode_of(root.path + "/a/b/c"));
    auto file = linux_::make_in_root(root.fd.get(), "/a/f", true);
    CHECK(fs::is_regular_file(root.path + "/a/f"));
}

TEST_CASE("resolve emulated: symlinks to /, up the tree and to absolute paths stay inside the root") {
    EmulatedRoot root;
    std::string outside = root.path + "-outside-" + std::to_string(getpid());
    fs::create_symlink("/", root.path + "/to-root");
    fs::create_symlink("../../../../..", root.path + "/up");
    fs::create_symlink(outside, root.path + "/abs");
    auto a = linux_::make_in_root(root.fd.get(), "/to-root/x", false);
    CHECK(inode_of_fd(a) == inode_of(root.path + "/x"));
    auto b = linux_::make_in_root(root.fd.get(), "/up/y", true);
    CHECK(fs::is_regular_file(root.path + "/y"));
    CHECK(inode_of_fd(b) == inode_of(root.path + "/y"));
    auto c = linux_::make_in_root(root.fd.get(), "/abs/z", false);
    CHECK(fs::is_directory(root.path + outside + "/z"));
    CHECK_FALSE(fs::exists(outside));
    auto top = linux_::open_in_root(root.fd.get(), "/to-root", O_PATH);
    CHECK(inode_of_fd(top) == inode_of(root.path));
}

TEST_CASE("resolve emulated: a dangling symlink's target is created inside the root, relative or absolute") {
    EmulatedRoot root;
    std::string marker = "made-" + std::to_string(getpid());
    fs::create_directories(root.path + "/etc");
    fs::create_symlink("/" + marker + "/deeper", root.path + "/dangling-abs");
    fs::create_symlink("../../../" + marker + "-file", root.path + "/etc/dangling-rel");
    fs::create_symlink("sibling-dir", root.path + "/etc/dangling-sibling");
    auto a = linux_::make_in_root(root.fd.get(), "/dangling-abs", false);
    CHECK(fs::is_directory(root.path + "/" + marker + "/deeper"));
    CHECK(inode_of_fd(a) == inode_of(root.path + "/" + marker + "/deeper"));
    auto b = linux_::make_in_root(root.fd.get(), "/etc/dangling-rel", true);
    CHECK(fs::is_regular_file(root.path + "/" + marker + "-file"));
    auto c = linux_::make_in_root(root.fd.get(), "/etc/dangling-sibling/inner", false);
    CHECK(fs::is_directory(root.path + "/etc/sibling-dir/inner"));
    CHECK(fs::is_symlink(root.path + "/etc/dangling-sibling"));
    CHECK_FALSE(fs::exists("/" + marker));
    CHECK_FALSE(fs::exists("/" + marker + "-file"));
}

TEST_CASE("resolve emulated: a symlink loop fails with ELOOP instead of spinning") {
    EmulatedRoot root;
    fs::create_symlink("/loop-b", root.path + "/loop-a");
    fs::create_symlink("/loop-a", root.path + "/loop-b");
    try {
        linux_::make_in_root(root.fd.get(), "/loop-a/x", false);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.errno_value() == ELOOP);
    }
}

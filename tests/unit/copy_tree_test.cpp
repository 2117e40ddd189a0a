#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "linux/copy_tree.hpp"
#include "temp_tree.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

using ocirt::UniqueFd;
using ocirt::unit_test::TempTree;
namespace fs = std::filesystem;

namespace {

UniqueFd open_dir(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    return UniqueFd(fd);
}

struct stat lstat_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st;
}

}  // namespace

TEST_CASE("copy_tree: files, directories, symlinks and fifos arrive with content, mode, owner and mtime") {
    TempTree from("copy-from"), to("copy-to");
    from.file("f", "file content");
    from.file("sub/deep/g", "deep content");
    REQUIRE(::chmod((from.path + "/f").c_str(), 0640) == 0);
    REQUIRE(::chown((from.path + "/f").c_str(), 1000, 1001) == 0);
    REQUIRE(::chmod((from.path + "/sub").c_str(), 0710) == 0);
    REQUIRE(::symlink("/outside/target", (from.path + "/link").c_str()) == 0);
    REQUIRE(::lchown((from.path + "/link").c_str(), 1002, 1003) == 0);
    REQUIRE(::mkfifo((from.path + "/fifo").c_str(), 0600) == 0);
    const timespec old_times[2] = {{1000000, 0}, {2000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (from.path + "/f").c_str(), old_times, 0) == 0);
    REQUIRE(::chmod(from.path.c_str(), 0751) == 0);
    REQUIRE(::chown(from.path.c_str(), 1004, 1005) == 0);

    UniqueFd source = open_dir(from.path), target = open_dir(to.path);
    ocirt::linux_::copy_tree(source.get(), target.get(), "/run");

    CHECK(to.read("f") == "file content");
    CHECK(to.read("sub/deep/g") == "deep content");
    auto f = lstat_of(to.path + "/f");
    CHECK((f.st_mode & 07777) == 0640);
    CHECK(f.st_uid == 1000);
    CHECK(f.st_gid == 1001);
    CHECK(f.st_mtim.tv_sec == 2000000);
    CHECK((lstat_of(to.path + "/sub").st_mode & 07777) == 0710);
    auto link = lstat_of(to.path + "/link");
    REQUIRE(S_ISLNK(link.st_mode));
    CHECK(fs::read_symlink(to.path + "/link") == "/outside/target");
    CHECK(link.st_uid == 1002);
    CHECK(S_ISFIFO(lstat_of(to.path + "/fifo").st_mode));
    auto root = lstat_of(to.path);
    CHECK((root.st_mode & 07777) == 0751);
    CHECK(root.st_uid == 1004);
    CHECK(root.st_gid == 1005);
}

TEST_CASE("copy_tree: an entry that cannot be made is named below the shown directory") {
    TempTree from("copy-from"), to("copy-to");
    from.file("f", "x");
    to.file("f", "already there");
    UniqueFd source = open_dir(from.path), target = open_dir(to.path);
    try {
        ocirt::linux_::copy_tree(source.get(), target.get(), "/run");
        FAIL("copy_tree did not throw");
    } catch (const ocirt::Error& e) {
        CHECK(std::string(e.what()).find("copy \"/run/f\"") != std::string::npos);
    }
}

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "linux/exec.hpp"
#include "linux/mountinfo.hpp"
#include "linux/resolve.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"

using namespace ocirt;
namespace fs = std::filesystem;

namespace {

struct LinuxTestTree : ocirt::unit_test::TempTree {
    LinuxTestTree() : ocirt::unit_test::TempTree("ocirt-linux-test") {}
};

}  // namespace

TEST_CASE("linux: mountinfo lines parse into mount point, fs type, source and options") {
    std::string text =
        "26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n"
        "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "40 26 0:50 / /mnt/with\\040space rw master:3 - tmpfs tmpfs rw\n";
    auto mounts = linux_::parse_mountinfo(text);
    REQUIRE(mounts.size() == 3);
    CHECK(mounts[0].mount_point == "/");
    CHECK(mounts[0].optional == "shared:1");
    CHECK(mounts[0].fstype == "ext4");
    CHECK(mounts[1].mount_point == "/sys/fs/cgroup/cpu");
    CHECK(mounts[1].super_options == "rw,cpu");
    CHECK(mounts[2].mount_point == "/mnt/with space");
    CHECK(linux_::mount_point_of(mounts, "/sys/fs/cgroup/cpu/x") == "/sys/fs/cgroup/cpu");
    CHECK(linux_::mount_point_of(mounts, "/sys/fs/cgroup/cpuset") == "/");
    CHECK(linux_::mount_point_of(mounts, "/mnt/with space") == "/mnt/with space");
}

TEST_CASE("linux: make_in_root creates missing targets and never follows a symlink out of the root") {
    LinuxTestTree outside, root;
    fs::create_directory(root.path + "/etc");
    fs::create_symlink(outside.path, root.path + "/escape");        // absolute, points outside
    fs::create_symlink("../../../..", root.path + "/etc/up");        // climbs above the root
    UniqueFd root_fd(::open(root.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(root_fd);

    fs::create_directories(root.path + outside.path);
    linux_::make_in_root(root_fd.get(), "/escape/made", false);
    CHECK_FALSE(fs::exists(outside.path + "/made"));
    CHECK(fs::is_directory(root.path + outside.path + "/made"));

    linux_::make_in_root(root_fd.get(), "/etc/up/file", true);
    CHECK(fs::is_regular_file(root.path + "/file"));

    UniqueFd deep = linux_::make_in_root(root_fd.get(), "/a/b/c", false);
    CHECK(deep);
    CHECK(fs::is_directory(root.path + "/a/b/c"));
}

TEST_CASE("linux: find_executable searches the container's PATH, not ours") {
    LinuxTestTree tree;
    fs::create_directories(tree.path + "/bin1");
    fs::create_directories(tree.path + "/bin2");
    std::string tool = tree.path + "/bin2/tool";
    std::ofstream(tool) << "#!/bin/sh\n";
    ::chmod(tool.c_str(), 0755);
    std::ofstream(tree.path + "/bin1/tool") << "not executable";
    std::vector<std::string> env = {"HOME=/", "PATH=" + tree.path + "/bin1:" + tree.path + "/bin2"};
    CHECK(linux_::find_executable("tool", env) == tool);
    CHECK(linux_::find_executable(tool, env) == tool);
    CHECK_THROWS_WITH(linux_::find_executable("nope", env), "exec \"nope\": executable file not found in $PATH");
    CHECK_THROWS_WITH(linux_::find_executable(tree.path + "/missing", env),
                      ("exec \"" + tree.path + "/missing\": No such file or directory").c_str());
}

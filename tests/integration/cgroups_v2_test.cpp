// Real cgroup v2 tests on the host's cgroup2 mount, found in the mount table (/sys/fs/cgroup on a cgroup2-only
// host, /sys/fs/cgroup/unified on a hybrid one): the eBPF device filter, hugetlb, placement, cgroup.freeze and
// cgroup.kill through the Manager, and the container's view of its cgroup. The read-backs of linux.resources
// are in cgroups_v2_resources_test.cpp, the commands in cgroups_v2_commands_test.cpp.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cgroups/bpf_device_program.hpp"
#include "cgroups/bpf_syscalls.hpp"
#include "cgroups/default_device_rules.hpp"
#include "cgroups/device_filter.hpp"
#include "cgroups/drivers.hpp"
#include "linux/fork_into_cgroup.hpp"
#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;
using namespace ocirt::test;
using ocirt::UniqueFd;
using ocirt::config::DeviceCgroupRule;

namespace {

// The cgroup2 mount point; a test that needs one REQUIREs have_unified() first.
const std::string kUnified = cgroup2_mount();

bool have_unified() { return !kUnified.empty() && fs::exists(kUnified + "/cgroup.procs"); }

// A cgroup made under the cgroup2 mount for one test; removed (after its processes left) at scope exit.
class TestCgroup {
public:
    explicit TestCgroup(const std::string& prefix) : path_(kUnified + "/" + unique_id(prefix)) {
        REQUIRE(::mkdir(path_.c_str(), 0755) == 0);
    }
    ~TestCgroup() { remove(); }
    TestCgroup(const TestCgroup&) = delete;
    TestCgroup& operator=(const TestCgroup&) = delete;
    const std::string& path() const { return path_; }
    bool remove() {
        return eventually([&] { return ::rmdir(path_.c_str()) == 0 || errno == ENOENT; });
    }

private:
    std::string path_;
};

// Forks a child that moves itself into `cgroup` and opens each device read-write; returns the errno of
// each open (0: opened).
std::vector<int> open_errors_in(const std::string& cgroup, const std::vector<std::string>& devices) {
    int pipe_fds[2];
    REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        std::string pid = std::to_string(::getpid());
        int procs = ::open((cgroup + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
        if (procs < 0 || ::write(procs, pid.data(), pid.size()) < 0) ::_exit(100);
        for (const auto& device : devices) {
            int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
            int result = fd >= 0 ? 0 : errno;
            if (fd >= 0) ::close(fd);
            if (::write(pipe_fds[1], &result, sizeof result) != sizeof result) ::_exit(101);
        }
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::vector<int> results;
    int result;
    while (::read(pipe_fds[0], &result, sizeof result) == sizeof result) results.push_back(result);
    ::close(pipe_fds[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    REQUIRE(results.size() == devices.size());
    return results;
}

DeviceCgroupRule rule(bool allow, std::optional<std::string> type, std::optional<int64_t> major,
                      std::optional<int64_t> minor, std::string access) {
    return {allow, std::move(type), major, minor, std::move(access)};
}

const DeviceCgroupRule kDenyAll = rule(false, std::nullopt, std::nullopt, std::nullopt, "rwm");

std::vector<uint32_t> ocirt_programs(const std::string& cgroup) {
    UniqueFd dir(::open(cgroup.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir);
    std::vector<uint32_t> ours;
    for (uint32_t id : ocirt::cgroups::bpf::attached_device_programs(dir.get()))
        if (auto fd = ocirt::cgroups::bpf::program_by_id(id);
            fd && ocirt::cgroups::bpf::program_name(fd->get()) == ocirt::cgroups::kDeviceProgramName)
            ours.push_back(id);
    return ours;
}

// A child that waits in pause() until killed, returned once it has its default SIGTERM action back
// (doctest's handler, inherited through fork, would report a crash and go on running tests).
pid_t idle_child() {
    int ready[2];
    REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::signal(SIGTERM, SIG_DFL);
        if (::write(ready[1], "r", 1) != 1) ::_exit(1);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    char byte;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    return child;
}

int killed_by(pid_t child) {
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// The host's hierarchy seen as a pure cgroup v2 host: only the cgroup2 mount of the mount table.
ocirt::cgroups::Hierarchy unified_only() {
    std::istringstream table(read_file("/proc/self/mountinfo"));
    std::string kept;
    for (std::string line; std::getline(table, line);)
        if (line.find(" - cgroup2 ") != std::string::npos) kept += line + "\n";
    return ocirt::cgroups::Hierarchy::parse(kept, read_file("/proc/self/cgroup"), "/sys/fs/cgroup");
}

// "hugepages-2048kB" → "2MB", as the hugetlb controller names its files.
std::string page_size_name(uint64_t kb) {
    if (kb % (1024 * 1024) == 0) return std::to_string(kb / (1024 * 1024)) + "GB";
    if (kb % 1024 == 0) return std::to_string(kb / 1024) + "MB";
    return std::to_string(kb) + "KB";
}

std::vector<std::pair<std::string, uint64_t>> host_page_sizes() {
    std::vector<std::pair<std::string, uint64_t>> sizes;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/sys/kernel/mm/hugepages", ec)) {
        std::string name = entry.path().filename().string();  // hugepages-<N>kB
        uint64_t kb = std::stoull(name.substr(name.find('-') + 1));
        sizes.push_back({page_size_name(kb), kb * 1024});
    }
    return sizes;
}

bool subtree_has(const std::string& controller) {
    std::istringstream words(read_file(kUnified + "/cgroup.subtree_control"));
    for (std::string w; words >> w;)
        if (w == controller) return true;
    return false;
}

}  // namespace

TEST_CASE("cgroups v2: the eBPF device filter denies what its rules deny to a process in the cgroup") {
    REQUIRE(have_unified());
    TestCgroup cg("ocirt-devfilter");
    ocirt::cgroups::install_device_filter(cg.path(), {kDenyAll, rule(true, "c", 1, 5, "rwm")});
    auto errors = open_errors_in(cg.path(), {"/dev/null", "/dev/zero", "/dev/full"});
    CHECK(errors[0] == EPERM);
    CHECK(errors[1] == 0);
    CHECK(errors[2] == EPERM);
    CHECK(open_errors_in(kUnified, {"/dev/null", "/dev/full"}) == std::vector<int>{0, 0});  // outside: as before
    CHECK(ocirt_programs(cg.path()).size() == 1);
}

TEST_CASE("cgroups v2: with runc's default rules, /dev/null stays usable under a deny-all list") {
    REQUIRE(have_unified());
    TestCgroup cg("ocirt-devdefaults");
    ocirt::cgroups::install_device_filter(cg.path(), ocirt::cgroups::with_default_device_rules({kDenyAll}, {}));
    auto errors = open_errors_in(cg.path(), {"/dev/null", "/dev/zero", "/dev/urandom", "/dev/kmsg"});
    CHECK(errors == std::vector<int>{0, 0, 0, EPERM});
    CHECK(open_errors_in(kUnified, {"/dev/kmsg"})[0] == 0);
}

TEST_CASE("cgroups v2: installing again replaces ocirt's program and leaves foreign ones attached") {
    REQUIRE(have_unified());
    TestCgroup cg("ocirt-devreplace");
    namespace bpf = ocirt::cgroups::bpf;
    UniqueFd dir(::open(cg.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir);
    auto allow_all = ocirt::cgroups::device_program({rule(true, "a", std::nullopt, std::nullopt, "rwm")});
    UniqueFd foreign = bpf::load_device_program(allow_all, "foreign_prog");
    bpf::attach_device_program(dir.get(), foreign.get());
    uint32_t foreign_id = bpf::program_id(foreign.get());

    ocirt::cgroups::install_device_filter(cg.path(), {kDenyAll, rule(true, "c", 1, 5, "rwm")});
    auto first = ocirt_programs(cg.path());
    REQUIRE(first.size() == 1);
    ocirt::cgroups::install_device_filter(cg.path(), {kDenyAll, rule(true, "c", 1, 3, "rwm")});
    auto second = ocirt_programs(cg.path());
    REQUIRE(second.size() == 1);
    CHECK(second[0] != first[0]);
    auto attached = bpf::attached_device_programs(dir.get());
    CHECK(attached.size() == 2);
    CHECK(std::find(attached.begin(), attached.end(), foreign_id) != attached.end());
    // Every attached program must allow: the foreign one allows all, ocirt's now allows only null.
    CHECK(open_errors_in(cg.path(), {"/dev/null", "/dev/zero"}) == std::vector<int>{0, EPERM});
}

TEST_CASE("cgroups v2: the device program goes away with its cgroup") {
    REQUIRE(have_unified());
    uint32_t id = 0;
    {
        TestCgroup cg("ocirt-devgone");
        ocirt::cgroups::install_device_filter(cg.path(), {kDenyAll});
        auto ids = ocirt_programs(cg.path());
        REQUIRE(ids.size() == 1);
        id = ids[0];
        CHECK(ocirt::cgroups::bpf::program_by_id(id).has_value());
        REQUIRE(cg.remove());
    }
    // The cgroup's programs are released by a kernel worker after rmdir (cgroup_bpf_release).
    CHECK(eventually([&] { return !ocirt::cgroups::bpf::program_by_id(id).has_value(); }));
}

TEST_CASE("cgroups v2: an invalid rule is refused before anything is attached") {
    REQUIRE(have_unified());
    TestCgroup cg("ocirt-devinvalid");
    CHECK_THROWS_WITH(ocirt::cgroups::install_device_filter(cg.path(), {rule(true, "x", 1, 1, "r")}),
                      doctest::Contains("/linux/resources/devices/0/type"));
    CHECK(ocirt_programs(cg.path()).empty());
}

TEST_CASE("cgroups v2: placement, cgroup.freeze and cgroup.kill on the cgroup2 mount through the Manager") {
    REQUIRE(have_unified());
    auto hierarchy = unified_only();
    REQUIRE(hierarchy.mode() == ocirt::cgroups::Hierarchy::Mode::v2);
    std::string name = unique_id("ocirt-v2place");
    auto owned = ocirt::cgroups::cgroupfs_cgroup("/" + name, name, hierarchy);
    ocirt::cgroups::Manager& manager = *owned;
    manager.create();
    std::string dir = kUnified + "/" + name;
    REQUIRE(fs::is_directory(dir));
    pid_t child = idle_child();
    bool child_reaped = false;
    struct Cleanup {
        pid_t child;
        bool& reaped;
        ocirt::cgroups::Manager& manager;
        ~Cleanup() {
            if (!reaped) {
                ::kill(child, SIGKILL);
                ::waitpid(child, nullptr, 0);
            }
            try {
                manager.destroy();
            } catch (...) {
            }
        }
    } cleanup{child, child_reaped, manager};

    manager.add_process(child);
    CHECK(read_file("/proc/" + std::to_string(child) + "/cgroup").find("0::/" + name + "\n") != std::string::npos);
    CHECK(manager.pids() == std::vector<pid_t>{child});

    std::ofstream(dir + "/cgroup.freeze") << "1";
    CHECK(eventually([&] { return manager.frozen(); }));
    std::ofstream(dir + "/cgroup.freeze") << "0";
    CHECK(eventually([&] { return !manager.frozen(); }));

    // SIGTERM on v2: freeze, signal each process, thaw (cgroup.freeze back to 0).
    manager.signal_all(SIGTERM);
    CHECK(killed_by(child) == SIGTERM);
    CHECK(read_file(dir + "/cgroup.freeze") == "0\n");

    pid_t second = idle_child();
    cleanup.child = second;
    manager.add_process(second);
    manager.signal_all(SIGKILL);  // cgroup.kill
    CHECK(killed_by(second) == SIGKILL);
    child_reaped = true;
    manager.destroy();
    CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("cgroups v2: hugepageLimits land in the container's unified cgroup, read back from the kernel") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"hugetlb"}));
    auto sizes = host_page_sizes();
    OCIRT_SKIP_IF(sizes.empty(), "this kernel has no huge page sizes (/sys/kernel/mm/hugepages is empty)");
    bool was_enabled = subtree_has("hugetlb");
    Ocirt ocirt;
    Bundle bundle;
    std::string script;
    for (const auto& [name, bytes] : sizes) {
        bundle.config["linux"]["resources"]["hugepageLimits"].push_back({{"pageSize", name}, {"limit", 4 * bytes}});
        script += "cat " + cgroup2_inside() + "/hugetlb." + name + ".max " + cgroup2_inside() + "/hugetlb." + name +
                  ".rsvd.max; ";
    }
    bundle.shell(script + "sleep 1000");
    {
        RunningContainer container(ocirt, bundle, "hugetlb");
        std::string host_dir = cgroup2_dir(container.pid());
        CHECK(fs::path(host_dir).filename() == (systemd_cgroup_driver() ? systemd_scope_of(container.id()) : container.id()));
        for (const auto& [name, bytes] : sizes) {
            CHECK(read_file(host_dir + "/hugetlb." + name + ".max") == std::to_string(4 * bytes) + "\n");
            CHECK(read_file(host_dir + "/hugetlb." + name + ".rsvd.max") == std::to_string(4 * bytes) + "\n");
        }
        std::string expected;
        for (const auto& [name, bytes] : sizes) expected += std::to_string(4 * bytes) + "\n" + std::to_string(4 * bytes) + "\n";
        CHECK(eventually([&] { return container.out() == expected; }));  // the same, seen from inside
        CHECK(ocirt({"delete", "-f", container.id()}).exit_code == 0);
        CHECK(cgroups_named(container.id()).empty());
    }
    if (!was_enabled) std::ofstream(kUnified + "/cgroup.subtree_control") << "-hugetlb";
}

TEST_CASE("cgroups v2: with a cgroup namespace the container sees its own cgroup as / in every hierarchy") {
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle, "cat /proc/self/cgroup");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::istringstream lines(r.out);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        INFO(line);
        CHECK(line.substr(line.rfind(':')) == ":/");
    }
    std::string host = read_file("/proc/self/cgroup");
    CHECK(count == std::count(host.begin(), host.end(), '\n'));
}

namespace {

// Forks with fork_into_cgroup; the child exits 0 when the first thing it reads, /proc/self/cgroup, has
// the cgroup2 line `expected`.
bool child_starts_in(const std::optional<std::string>& cgroup_dir, const std::string& expected) {
    pid_t child = ocirt::linux_::fork_into_cgroup(cgroup_dir);
    if (child == 0) {
        char buf[4096];
        int fd = ::open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : ::read(fd, buf, sizeof buf - 1);
        if (n < 0) ::_exit(2);
        buf[n] = '\0';
        ::_exit(std::string(buf).find(expected) != std::string::npos ? 0 : 1);
    }
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("cgroups v2: clone3 with CLONE_INTO_CGROUP starts the child in its cgroup, else a plain fork") {
    REQUIRE(have_unified());
    TestCgroup cg("ocirt-clone3");
    std::string name = cg.path().substr(kUnified.size());
    CHECK(child_starts_in(cg.path(), "0::" + name + "\n"));
    std::string self = read_file("/proc/self/cgroup");
    std::string own = self.substr(self.find("0::"));
    TempDir not_a_cgroup("ocirt-clone3-plain");
    CHECK(child_starts_in(not_a_cgroup.path(), own));
    CHECK(child_starts_in(std::nullopt, own));
}

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cgroup_records.hpp"
#include "cgroups/drivers.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;
using ocirt::unit_test::open_legacy_cgroup;

namespace {

struct Tree : ocirt::unit_test::TempTree {
    const std::string& root = path;
    Tree() : TempTree("ocirt-cgroups-emulated") {}
    // A mount table like this host's: v1 controllers under <root>, cgroup2 at <root>/unified.
    std::string hybrid_mountinfo() const {
        return "22 1 0:21 / /sys rw - sysfs sysfs rw\n"
               "30 22 0:27 / " + root + " rw,relatime - tmpfs tmpfs rw,mode=755\n"
               "31 30 0:28 / " + root + "/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
               "33 30 0:30 / " + root + "/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children\n"
               "34 30 0:31 / " + root + "/memory rw,relatime - cgroup cgroup rw,memory\n"
               "36 30 0:33 / " + root + "/freezer rw,relatime - cgroup cgroup rw,freezer\n"
               "39 30 0:36 / " + root + "/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd\n"
               "40 30 0:37 / " + root + "/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
               "41 30 0:38 / /elsewhere/cgroup rw,relatime - cgroup cgroup rw,pids\n";
    }
    static std::string hybrid_self_cgroup() {
        return "9:name=systemd:/\n6:freezer:/\n4:memory:/outer/job\n3:cpuset:/\n1:cpuacct,cpu:/\n0::/\n";
    }
    Hierarchy hybrid() const {
        for (const char* dir : {"cpu,cpuacct", "cpuset", "memory", "freezer", "systemd", "unified"})
            fs::create_directories(root + "/" + dir);
        return Hierarchy::parse(hybrid_mountinfo(), hybrid_self_cgroup(), root);
    }
    Hierarchy v2() const {
        fs::create_directories(root);
        return Hierarchy::parse("40 30 0:37 / " + root + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
                                "0::/user.slice/session\n", root);
    }
};

std::vector<std::string> keys(const Hierarchy& h) {
    std::vector<std::string> out;
    for (const auto& m : h.all()) out.push_back(m.key());
    return out;
}

// The cgroup path in each hierarchy, by hierarchy key.
std::map<std::string, std::string> cgroups_by_key(const Manager& m) {
    std::map<std::string, std::string> out;
    for (const auto& p : m.placements()) out[p.hierarchy.key()] = p.cgroup;
    return out;
}

// The directory in each hierarchy, with the hierarchy's version, by hierarchy key.
std::map<std::string, std::pair<std::string, bool>> directories_by_key(const Manager& m) {
    std::map<std::string, std::pair<std::string, bool>> out;
    for (const auto& p : m.placements()) out[p.hierarchy.key()] = {p.directory(), p.hierarchy.unified};
    return out;
}

}  // namespace

TEST_CASE("cgroups emulated: a hybrid mount table gives v1 hierarchies, the cgroup2 mount and own cgroups") {
    Tree t;
    auto h = t.hybrid();
    CHECK(h.mode() == Hierarchy::Mode::hybrid);
    CHECK(keys(h) == std::vector<std::string>{"cpu,cpuacct", "cpuset", "memory", "freezer", "name=systemd", "unified"});
    REQUIRE(h.v1_with("memory") != nullptr);
    CHECK(h.v1_with("memory")->own_cgroup == "/outer/job");
    CHECK(h.v1_with("cpuacct")->mount_point == t.root + "/cpu,cpuacct");
    CHECK(h.v1_with("cpu")->own_cgroup == "/");  // "cpuacct,cpu" in /proc/self/cgroup matches in any order
    CHECK(h.v1_with("pids") == nullptr);         // mounted outside the root
    REQUIRE(h.unified());
    CHECK(h.unified()->mount_point == t.root + "/unified");
}

TEST_CASE("cgroups emulated: pure v1 and pure v2 hosts are told apart") {
    Tree t;
    auto v1 = Hierarchy::parse("31 30 0:28 / " + t.root + "/pids rw - cgroup cgroup rw,pids\n", "3:pids:/a\n", t.root);
    CHECK(v1.mode() == Hierarchy::Mode::v1);
    CHECK(v1.v1().at(0).own_cgroup == "/a");
    auto v2 = t.v2();
    CHECK(v2.mode() == Hierarchy::Mode::v2);
    CHECK(v2.unified()->own_cgroup == "/user.slice/session");
    CHECK(Hierarchy::parse("", "", t.root).mode() == Hierarchy::Mode::none);
}

TEST_CASE("cgroups emulated: mount points with escaped spaces are decoded") {
    auto h = Hierarchy::parse("31 30 0:28 / /cg\\040root/pids rw - cgroup cgroup rw,pids\n", "", "/cg root");
    REQUIRE(h.v1().size() == 1);
    CHECK(h.v1()[0].mount_point == "/cg root/pids");
}

TEST_CASE("cgroups emulated: cgroup paths are cleaned and never climb above the root") {
    CHECK(clean_cgroup_path("/a/../b//c/") == "/b/c");
    CHECK(clean_cgroup_path("../../x") == "/x");
    CHECK(clean_cgroup_path("/") == "/");
    CHECK(clean_cgroup_path("a/./b") == "/a/b");
}

TEST_CASE("cgroups emulated: absolute, relative and absent cgroupsPath") {
    Tree t;
    auto h = t.hybrid();
    auto absolute = cgroupfs_cgroup(std::string("/machine/c1"), "c1", h);
    CHECK(absolute->placements().size() == 6);
    for (const auto& p : absolute->placements()) CHECK(p.cgroup == "/machine/c1");

    auto paths = cgroups_by_key(*cgroupfs_cgroup(std::string("pod/../c2"), "c2", h));  // own cgroups differ
    CHECK(paths["memory"] == "/outer/job/c2");
    CHECK(paths["cpu,cpuacct"] == "/c2");
    CHECK(paths["unified"] == "/c2");

    CHECK(cgroups_by_key(*cgroupfs_cgroup(std::nullopt, "c3", h))["memory"] == "/outer/job/c3");
    auto v2 = cgroupfs_cgroup(std::nullopt, "c4", t.v2());
    REQUIRE(v2->placements().size() == 1);
    // On cgroup2, under the parent of ocirt's own cgroup, which holds no process (runc's fs2 defaultDirPath).
    CHECK(v2->placements().front().cgroup == "/user.slice/c4");

    CHECK_THROWS_WITH(cgroupfs_cgroup(std::string("/a/.."), "c5", h), doctest::Contains("root cgroup"));
}

TEST_CASE("cgroups emulated: the record, through state.json, opens the same directories") {
    Tree t;
    auto h = t.hybrid();
    for (const auto& requested : {std::optional<std::string>("/abs/c"), std::optional<std::string>()}) {
        auto placed = cgroupfs_cgroup(requested, "c", h);
        nlohmann::json state;
        placed->record().write_to(state);
        auto found = open_recorded(RecordedCgroup::read_from(nlohmann::json::parse(state.dump())));
        CHECK(directories_by_key(*found) == directories_by_key(*placed));
    }
    CHECK(open_recorded(no_cgroup()->record())->placements().empty());
}

TEST_CASE("cgroups emulated: an older ocirt's cgroupPath string opens the same directories") {
    Tree t;
    auto h = t.hybrid();
    auto placed = cgroupfs_cgroup(std::string("pod/c"), "c", h);
    nlohmann::json by_key;
    for (const auto& p : placed->placements()) by_key[p.hierarchy.key()] = p.cgroup;
    auto found = open_legacy_cgroup(by_key.dump(), h);
    CHECK(cgroups_by_key(*found) == cgroups_by_key(*placed));
    auto absolute = open_legacy_cgroup("/abs/c", h);
    CHECK(absolute->placements().size() == 6);
    for (const auto& p : absolute->placements()) CHECK(p.directory() == p.hierarchy.mount_point + "/abs/c");
    CHECK(open_legacy_cgroup("", h)->placements().empty());
    CHECK_THROWS_WITH(open_legacy_cgroup("{not json", h), doctest::Contains("recorded cgroup path"));
}

TEST_CASE("cgroups emulated: create makes every level in every hierarchy; cpuset inherits cpus and mems") {
    Tree t;
    auto h = t.hybrid();
    t.file("cpuset/cpuset.cpus", "0-3\n");
    t.file("cpuset/cpuset.mems", "0\n");
    t.file("cpuset/parent/cpuset.cpus", "\n");
    t.file("cpuset/parent/cpuset.mems", "");
    auto m = cgroupfs_cgroup(std::string("/parent/leaf"), "leaf", h);
    m->create();
    for (const char* dir : {"cpu,cpuacct", "cpuset", "memory", "freezer", "systemd", "unified"})
        CHECK(fs::is_directory(t.root + "/" + std::string(dir) + "/parent/leaf"));
    CHECK(t.read("cpuset/parent/cpuset.cpus") == "0-3");
    CHECK(t.read("cpuset/parent/cpuset.mems") == "0");
    m->create();  // again: already there is fine
}

TEST_CASE("cgroups emulated: add_process writes the pid to cgroup.procs in each hierarchy") {
    Tree t;
    auto h = t.hybrid();
    auto m = cgroupfs_cgroup(std::string("/c"), "c", h);
    m->create();
    for (const auto& p : m->placements()) std::ofstream(p.directory() + "/cgroup.procs");
    m->add_process(12345);
    for (const auto& p : m->placements()) CHECK(t.read(p.directory().substr(t.root.size() + 1) + "/cgroup.procs") == "12345");
    CHECK_THROWS_WITH(cgroupfs_cgroup(std::string("/missing"), "x", h)->add_process(1),
                      doctest::Contains("cgroup.procs"));
}

TEST_CASE("cgroups emulated: pids come from the freezer hierarchy, nested cgroups included") {
    Tree t;
    auto h = t.hybrid();
    t.file("freezer/c/cgroup.procs", "10\n11\n");
    t.file("freezer/c/sub/cgroup.procs", "12\n");
    t.file("cpu,cpuacct/c/cgroup.procs", "99\n");
    auto pids = open_legacy_cgroup("/c", h)->pids();
    std::sort(pids.begin(), pids.end());
    CHECK(pids == std::vector<pid_t>{10, 11, 12});
    CHECK(open_legacy_cgroup("/nothing", h)->pids().empty());
}

TEST_CASE("cgroups emulated: frozen reads freezer.state (v1) or cgroup.events (v2)") {
    Tree t;
    t.file("freezer/c/freezer.state", "FROZEN\n");
    CHECK(open_legacy_cgroup("/c", t.hybrid())->frozen());
    t.file("freezer/c/freezer.state", "THAWED\n");
    CHECK_FALSE(open_legacy_cgroup("/c", t.hybrid())->frozen());
    t.file("c/cgroup.events", "populated 1\nfrozen 1\n");
    CHECK(open_legacy_cgroup("/c", t.v2())->frozen());
    t.file("c/cgroup.events", "populated 1\nfrozen 0\n");
    CHECK_FALSE(open_legacy_cgroup("/c", t.v2())->frozen());
}

TEST_CASE("cgroups emulated: signal_all on v1 freezes, signals every listed pid, then thaws") {
    Tree t;
    pid_t children[2];
    for (pid_t& c : children) {
        int ready[2];
        REQUIRE(pipe2(ready, O_CLOEXEC) == 0);
        c = fork();
        REQUIRE(c >= 0);
        if (c == 0) {
            signal(SIGTERM, SIG_DFL);  // doctest's handler would report a crash and go on running tests
            if (write(ready[1], "r", 1) != 1) _exit(1);
            for (;;) pause();
        }
        close(ready[1]);
        char byte;
        REQUIRE(read(ready[0], &byte, 1) == 1);
        close(ready[0]);
    }
    t.file("freezer/c/cgroup.procs", std::to_string(children[0]) + "\n");
    t.file("freezer/c/nested/cgroup.procs", std::to_string(children[1]) + "\n");
    t.file("freezer/c/freezer.state", "THAWED\n");
    open_legacy_cgroup("/c", t.hybrid())->signal_all(SIGTERM);
    for (pid_t c : children) {
        int status = 0;
        REQUIRE(waitpid(c, &status, 0) == c);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGTERM);
    }
    CHECK(t.read("freezer/c/freezer.state").substr(0, 6) == "THAWED");
}

TEST_CASE("cgroups emulated: SIGKILL on v2 writes cgroup.kill") {
    Tree t;
    t.file("c/cgroup.kill", "");
    t.file("c/cgroup.procs", "");
    open_legacy_cgroup("/c", t.v2())->signal_all(SIGKILL);
    CHECK(t.read("c/cgroup.kill") == "1");
}

TEST_CASE("cgroups emulated: destroy removes the leaf and cgroups inside it, and no parent it did not make") {
    Tree t;
    auto h = t.hybrid();
    for (const char* dir : {"cpu,cpuacct", "cpuset", "memory", "freezer", "systemd", "unified"})
        fs::create_directories(t.root + "/" + std::string(dir) + "/parent");
    auto m = cgroupfs_cgroup(std::string("/parent/leaf"), "leaf", h);
    m->create();
    fs::create_directories(t.root + "/memory/parent/leaf/inner/deeper");
    m->destroy();
    for (const char* dir : {"cpu,cpuacct", "cpuset", "memory", "freezer", "systemd", "unified"}) {
        CHECK_FALSE(fs::exists(t.root + "/" + std::string(dir) + "/parent/leaf"));
        CHECK(fs::is_directory(t.root + "/" + std::string(dir) + "/parent"));
    }
    CHECK_NOTHROW(m->destroy());  // already gone is fine
}

TEST_CASE("cgroups emulated: destroy removes the parents create made and keeps the ones that were there") {
    Tree t;
    auto h = t.hybrid();
    fs::create_directories(t.root + "/memory/outer/job/kept");
    fs::create_directories(t.root + "/cpuset/kept");
    auto m = cgroupfs_cgroup(std::string("kept/made/c1"), "c1", h);
    m->create();
    auto later = open_recorded(m->record());
    for (const auto& p : later->placements())  // memory sits under /outer/job, the others under /
        CHECK(p.created_from == (p.hierarchy.key() == "memory" ? "/outer/job/kept/made" :
                                 p.hierarchy.key() == "cpuset" ? "/kept/made" : "/kept"));
    later->destroy();
    CHECK(fs::exists(t.root + "/memory/outer/job/kept"));
    CHECK_FALSE(fs::exists(t.root + "/memory/outer/job/kept/made"));
    CHECK(fs::exists(t.root + "/cpuset/kept"));
    CHECK_FALSE(fs::exists(t.root + "/cpuset/kept/made"));
    CHECK_FALSE(fs::exists(t.root + "/freezer/kept"));
    CHECK(fs::exists(t.root + "/freezer"));
}

TEST_CASE("cgroups emulated: a parent another container still uses stays after destroy") {
    Tree t;
    auto h = t.hybrid();
    auto first = cgroupfs_cgroup(std::string("/shared/c1"), "c1", h);
    first->create();
    auto second = cgroupfs_cgroup(std::string("/shared/c2"), "c2", h);
    second->create();
    for (const auto& path : first->record().paths) CHECK(path.created_from == "/shared");
    for (const auto& path : second->record().paths) CHECK(path.created_from == "/shared/c2");
    first->destroy();
    CHECK(fs::exists(t.root + "/freezer/shared/c2"));
    second->destroy();
    CHECK(fs::exists(t.root + "/freezer/shared"));  // c2 did not make it; c1 could not remove it while c2 lived
}

#include <doctest/doctest.h>

#include <functional>

#include "cgroups/systemd/bus.hpp"
#include "cgroups/systemd/path.hpp"
#include "util/error.hpp"

using namespace ocirt::cgroups;

namespace {

std::string systemd_path_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const ocirt::Error& e) {
        return e.full() + " @" + e.json_pointer();
    }
    return "no error";
}

}  // namespace

TEST_CASE("systemd path: slice names with '-' expand to their nested path, -.slice is the root") {
    CHECK(expand_slice("system.slice") == "/system.slice");
    CHECK(expand_slice("a-b-c.slice") == "/a.slice/a-b.slice/a-b-c.slice");
    CHECK(expand_slice("-.slice") == "/");
    for (const char* bad : {"system", ".slice", "a--b.slice", "-a.slice", "a-.slice", "a/b.slice"})
        CHECK_MESSAGE(systemd_path_error([&] { expand_slice(bad); }).find("invalid systemd slice name") != std::string::npos,
                      bad);
}

TEST_CASE("systemd path: slice:prefix:name gives the unit prefix-name.scope under the expanded slice") {
    auto c = parse_systemd_cgroup(std::string("machine-pods.slice:crio:abc"), "id");
    CHECK(c.slice == "machine-pods.slice");
    CHECK(c.unit == "crio-abc.scope");
    CHECK(c.cgroup == "/machine.slice/machine-pods.slice/crio-abc.scope");
}

TEST_CASE("systemd path: an empty slice is system.slice, an empty path is :ocirt:<id>, a .slice name is the unit") {
    CHECK(parse_systemd_cgroup(std::string(":docker:x"), "id").cgroup == "/system.slice/docker-x.scope");
    auto defaulted = parse_systemd_cgroup(std::nullopt, "c1");
    CHECK(defaulted.unit == "ocirt-c1.scope");
    CHECK(defaulted.cgroup == "/system.slice/ocirt-c1.scope");
    CHECK(parse_systemd_cgroup(std::string(""), "c2").unit == "ocirt-c2.scope");
    auto slice = parse_systemd_cgroup(std::string("user.slice:ignored:mine.slice"), "id");
    CHECK(slice.unit == "mine.slice");
    CHECK(slice.cgroup == "/user.slice/mine.slice");
    CHECK(parse_systemd_cgroup(std::string("-.slice:p:n"), "id").cgroup == "/p-n.scope");
}

TEST_CASE("systemd path: not three parts, an empty name, '/' or a bad slice is refused at /linux/cgroupsPath") {
    CHECK(systemd_path_error([] { parse_systemd_cgroup(std::string("/a/b"), "id"); }) ==
          "/linux/cgroupsPath: with --systemd-cgroup, cgroupsPath must be \"slice:prefix:name\", got \"/a/b\" @/linux/cgroupsPath");
    CHECK(systemd_path_error([] { parse_systemd_cgroup(std::string("a:b:c:d"), "id"); }).find("slice:prefix:name") !=
          std::string::npos);
    CHECK(systemd_path_error([] { parse_systemd_cgroup(std::string("system.slice:p:"), "id"); }).find("name") !=
          std::string::npos);
    CHECK(systemd_path_error([] { parse_systemd_cgroup(std::string("system.slice:p:a/b"), "id"); }).find("'/'") !=
          std::string::npos);
    CHECK(systemd_path_error([] { parse_systemd_cgroup(std::string("system:p:n"), "id"); }) ==
          "/linux/cgroupsPath: invalid systemd slice name \"system\": it must end in \".slice\" @/linux/cgroupsPath");
}

TEST_CASE("systemd bus: sockets nobody listens on give an error naming the flag, the unit and both sockets") {
    SystemdSockets none{"/nonexistent/ocirt-test/private", "unix:path=/nonexistent/ocirt-test/bus"};
    std::string error = systemd_path_error([&] { connect_systemd("create unit \"ocirt-x.scope\"", none); });
    CHECK(error.find("--systemd-cgroup: no systemd answers to create unit \"ocirt-x.scope\"") != std::string::npos);
    CHECK(error.find("/nonexistent/ocirt-test/private: connect: No such file or directory") != std::string::npos);
    CHECK(error.find("/nonexistent/ocirt-test/bus: connect") != std::string::npos);
}

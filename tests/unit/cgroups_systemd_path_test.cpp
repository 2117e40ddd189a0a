#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <optional>

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
    // A rootless container's default slice is user.slice (runc's); podman names it itself.
    CHECK(parse_systemd_cgroup(std::string(":p:n"), "id", "user.slice").cgroup == "/user.slice/p-n.scope");
    CHECK(parse_systemd_cgroup(std::string("machine.slice:p:n"), "id", "user.slice").slice == "machine.slice");
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
    SystemdSockets none{"/nonexistent/ocirt-test/private", "unix:path=/nonexistent/ocirt-test/bus", false};
    std::string error = systemd_path_error([&] { connect_systemd("create unit \"ocirt-x.scope\"", none); });
    CHECK(error.find("--systemd-cgroup: no systemd answers to create unit \"ocirt-x.scope\"") != std::string::npos);
    CHECK(error.find("/nonexistent/ocirt-test/private: connect: No such file or directory") != std::string::npos);
    CHECK(error.find("/nonexistent/ocirt-test/bus: connect") != std::string::npos);
}

namespace {

// Sets (or, with nullopt, unsets) an environment variable for the scope, then puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("systemd bus: a rootless unit goes to the user's instance, found as sd_bus_open_user(3) and runc find it") {
    {
        ScopedEnv runtime_dir("XDG_RUNTIME_DIR", "/run/user/1001");
        ScopedEnv address("DBUS_SESSION_BUS_ADDRESS", std::nullopt);  // rootless podman passes none
        auto s = user_systemd_sockets();
        CHECK(s.user);
        CHECK(s.private_socket == "/run/user/1001/systemd/private");
        CHECK(s.bus == "unix:path=/run/user/1001/bus");
        CHECK(systemd_sockets(true).bus == s.bus);
    }
    {
        ScopedEnv runtime_dir("XDG_RUNTIME_DIR", "/run/user/1001");
        ScopedEnv address("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/session-bus");
        CHECK(user_systemd_sockets().bus == "unix:path=/tmp/session-bus");
    }
    {
        ScopedEnv runtime_dir("XDG_RUNTIME_DIR", std::nullopt);
        ScopedEnv address("DBUS_SESSION_BUS_ADDRESS", std::nullopt);
        std::string error = systemd_path_error([] { user_systemd_sockets(); });
        CHECK(error.find("neither XDG_RUNTIME_DIR nor DBUS_SESSION_BUS_ADDRESS") != std::string::npos);
    }
    CHECK_FALSE(systemd_sockets(false).user);
    CHECK(systemd_sockets(false).private_socket == "/run/systemd/private");
}

TEST_CASE("systemd bus: where the user's systemd does not answer, the error says it was the user's") {
    ScopedEnv runtime_dir("XDG_RUNTIME_DIR", "/nonexistent/ocirt-test/run");
    ScopedEnv address("DBUS_SESSION_BUS_ADDRESS", std::nullopt);
    std::string error =
        systemd_path_error([] { connect_systemd("create unit \"ocirt-x.scope\"", user_systemd_sockets()); });
    CHECK(error.find("--systemd-cgroup: the user's systemd instance does not answer to create unit \"ocirt-x.scope\"") !=
          std::string::npos);
    CHECK(error.find("/nonexistent/ocirt-test/run/systemd/private: connect") != std::string::npos);
    CHECK(error.find("unix:path=/nonexistent/ocirt-test/run/bus: connect") != std::string::npos);
}

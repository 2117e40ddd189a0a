// config-linux.md "Devices" and "Default Devices": listed device nodes of each type, the error for a
// conflicting file, and /dev/ptmx and /dev/console.
// Skipped: "the same type, major and minor SHOULD NOT be used for multiple devices" binds the config's
// author; "Containers MAY NOT access any device node..." is a permission (MAY), not a requirement.
#include <doctest/doctest.h>
#include <unistd.h>

#include "conformance.hpp"

using namespace ocirt::conformance;

TEST_CASE("config-linux.md#devices: block, unbuffered character and fifo devices are created, also outside /dev [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["devices"] = {
        {{"path", "/dev/conformance-loop"}, {"type", "b"}, {"major", 7}, {"minor", 0}, {"fileMode", 0600}},
        {{"path", "/dev/conformance-u"}, {"type", "u"}, {"major", 1}, {"minor", 7}, {"fileMode", 0644}},
        {{"path", "/conformance-fifo"}, {"type", "p"}, {"fileMode", 0620}, {"uid", 3}, {"gid", 4}}};
    bundle.config["process"]["args"] = {"/probe", "paths", "/dev/conformance-loop", "/dev/conformance-u", "/conformance-fifo"};
    bundle.write();
    auto r = runtime.to_files({"run", "--bundle", bundle.path(), ocirt::test::unique_id("conf")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto report = probe_report(r.out);
    auto loop = report["/dev/conformance-loop"], unbuffered = report["/dev/conformance-u"], fifo = report["/conformance-fifo"];
    CHECK(loop["type"] == "block");
    CHECK(loop["major"] == 7);
    CHECK(loop["minor"] == 0);
    CHECK(loop["mode"] == 0600);
    CHECK(unbuffered["type"] == "char");
    CHECK(unbuffered["major"] == 1);
    CHECK(unbuffered["minor"] == 7);
    CHECK(unbuffered["mode"] == 0644);
    CHECK(fifo["type"] == "fifo");
    CHECK(fifo["mode"] == 0620);
    CHECK(fifo["uid"] == 3);
    CHECK(fifo["gid"] == 4);
}

TEST_CASE("config-linux.md#devices: a file at a device's path that is not that device is an error [MUST]" *
          doctest::description("deliberate: config-linux.md#devices: a file at path that does not match the device MUST be an error; runc 1.1.5 and crun 1.8.1 replace it")) {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["devices"] = {{{"path", "/etc/passwd"}, {"type", "c"}, {"major", 1}, {"minor", 3}}};
    auto r = run_container(runtime, bundle, "echo ran");
    CHECK_REFUSED(r);
    CHECK(r.out.find("ran") == std::string::npos);
}

TEST_CASE("config-linux.md#devices: a listed device that is also a default device is available [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["devices"] = {{{"path", "/dev/null"}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"fileMode", 0666}}};
    auto r = run_container(runtime, bundle, "stat -c '%F %t:%T %a' /dev/null; echo x > /dev/null && echo written");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "character special file 1:3 666\nwritten\n");
}

TEST_CASE("config-linux.md#default-devices: /dev/ptmx is the container's /dev/pts/ptmx [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    // A new pty from /dev/ptmx appears in the container's own devpts instance (newinstance): pts/0.
    auto r = run_container(runtime, bundle,
                           "/probe paths /dev/ptmx; exec 3<>/dev/ptmx && echo pts: $(ls /dev/pts)");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto ptmx = probe_report(r.out)["/dev/ptmx"];
    bool symlink = ptmx["type"] == "symlink" && (ptmx["target"] == "pts/ptmx" || ptmx["target"] == "/dev/pts/ptmx");
    bool bound = ptmx["type"] == "char" && ptmx["major"] == 5 && ptmx["minor"] == 2;
    CHECK((symlink || bound));
    auto pts = lines_with(r.out, "pts:");
    REQUIRE(pts.size() == 1);
    CHECK(words(pts[0]) == std::vector<std::string>{"pts:", "0", "ptmx"});
}

TEST_CASE("config-linux.md#default-devices: with terminal, /dev/console is a bind mount of the process's pty [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.shell("stat -c '%t:%T' /dev/console; stat -L -c '%t:%T' /proc/self/fd/0; grep -c ' /dev/console ' /proc/self/mountinfo");
    std::string out = run_on_terminal(runtime, bundle);
    auto lines = lines_with(out, "\r");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == lines[1]);
    CHECK(lines[0].rfind("88:", 0) == 0);  // devices.txt: major 136 (0x88) is the Unix98 pty slaves
    CHECK(lines[2] == "1\r");
}

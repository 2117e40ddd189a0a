#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>

#include "container_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;

TEST_CASE("process: uid, gid and additionalGids as /proc/self/status shows them") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["user"] = {{"uid", 1234}, {"gid", 2345}, {"additionalGids", {5, 6}}};
    auto r = run_script(ocirt, bundle, "grep -E '^(Uid|Gid|Groups):' /proc/self/status");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Uid:\t1234\t1234\t1234\t1234\nGid:\t2345\t2345\t2345\t2345\nGroups:\t5 6 \n");
}

TEST_CASE("process: env, cwd and umask are the config's") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["env"] = {"PATH=/bin:/sbin", "GREETING=hello there"};
    bundle.config["process"]["cwd"] = "/tmp";
    bundle.config["process"]["user"]["umask"] = 027;
    auto r = run_script(ocirt, bundle, "echo \"$GREETING\"; pwd; umask; env | sort | grep -v '^PWD=\\|^SHLVL=\\|^_='");
    CHECK(r.exit_code == 0);
    // HOME is not in env: root's home from the rootfs's /etc/passwd, as runc adds it.
    CHECK(r.out == "hello there\n/tmp\n0027\nGREETING=hello there\nHOME=/root\nPATH=/bin:/sbin\n");
}

TEST_CASE("process: args[0] is found on the container's PATH, a missing one fails create") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sh", "-c", "echo found"};
    bundle.write();
    auto ok = ocirt({"run", "--bundle", bundle.path(), unique_id("path")});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == "found\n");
    bundle.config["process"]["args"] = {"no-such-program"};
    bundle.write();
    auto missing = ocirt({"run", "--bundle", bundle.path(), unique_id("path")});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("init: exec \"no-such-program\": executable file not found in $PATH") != std::string::npos);
}

TEST_CASE("process: rlimits are applied, and one above the hard limit fails naming it") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 768}},
                                           {{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 0}}};
    auto r = run_script(ocirt, bundle, "ulimit -n; ulimit -Hn; ulimit -c");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "512\n768\n0\n");

    // setrlimit(2): above fs.nr_open even CAP_SYS_RESOURCE cannot raise it; above the current hard limit, only it can.
    rlimit current{};
    getrlimit(RLIMIT_NOFILE, &current);
    uint64_t above = std::max<uint64_t>(current.rlim_max, std::stoull(read_file("/proc/sys/fs/nr_open"))) + 1;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", above}, {"hard", above}}};
    auto refused = run_script(ocirt, bundle, "true");
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("init: /process/rlimits/0: setrlimit RLIMIT_NOFILE") != std::string::npos);
}

TEST_CASE("process: noNewPrivileges reaches the kernel") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["noNewPrivileges"] = true;
    CHECK(run_script(ocirt, bundle, "grep NoNewPrivs /proc/self/status").out == "NoNewPrivs:\t1\n");
    bundle.config["process"]["noNewPrivileges"] = false;
    CHECK(run_script(ocirt, bundle, "grep NoNewPrivs /proc/self/status").out == "NoNewPrivs:\t0\n");
}

TEST_CASE("process: only stdio and the preserved fds reach the program") {
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle, "ls /proc/self/fd | sort -n | tr '\\n' ' '");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "0 1 2 3 ");  // 3 is the directory ls itself opened
}

// config.md: specification version, root, mounts, process, hostname, domainname, annotations, extensibility and
// valid values, read back from inside the container.
// Skipped: Windows/Solaris/VM/z/OS sections; "root.path SHOULD be rootfs" (a requirement on bundles); the
// org.opencontainers annotation keys and "Keys SHOULD be named using a reverse domain notation" (requirements on
// whoever writes the config); mount uidMappings/gidMappings (idmapped mounts need a user namespace: config-linux.md
// territory).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "conformance.hpp"

using namespace ocirt::conformance;
namespace fs = std::filesystem;

TEST_CASE("config.md#specification-version: an ociVersion that is not SemVer is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "one.two";
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

TEST_CASE("config.md#specification-version: a config of an earlier release of the same major version is accepted [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.0.0";
    CHECK(run_container(runtime, bundle, "echo ok").out == "ok\n");
}

TEST_CASE("config.md#root: path is either absolute or relative to the bundle [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    fs::rename(bundle.path() + "/rootfs", bundle.path() + "/other-root");
    bundle.config["root"]["path"] = "other-root";
    CHECK(run_container(runtime, bundle, "echo relative").out == "relative\n");
    bundle.config["root"]["path"] = bundle.path() + "/other-root";
    CHECK(run_container(runtime, bundle, "echo absolute").out == "absolute\n");
}

TEST_CASE("config.md#root: a root path where no directory exists is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["root"]["path"] = "missing-rootfs";
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

TEST_CASE("config.md#root: readonly root makes the root filesystem read-only; it defaults to false [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["root"]["readonly"] = true;
    auto r = run_container(runtime, bundle, "touch /probe 2>&1; awk '$5 == \"/\" { print $6 }' /proc/self/mountinfo");
    CHECK(r.out.find("Read-only file system") != std::string::npos);
    CHECK(r.out.find("\nro,") != std::string::npos);
    bundle.config["root"].erase("readonly");
    CHECK(run_container(runtime, bundle, "touch /written && echo writable").out == "writable\n");
}

TEST_CASE("config.md#mounts: mounts are made in order with their type and options [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/data"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                                       {"options", {"nosuid", "nodev", "noexec", "size=1m"}}});
    bundle.config["mounts"].push_back({{"destination", "/data/inner"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                                       {"options", {"ro"}}});
    auto r = run_container(runtime, bundle, "grep -E ' /data(/inner)? ' /proc/self/mountinfo");
    REQUIRE(r.exit_code == 0);
    auto data = lines_with(r.out, " /data ");
    auto inner = lines_with(r.out, " /data/inner ");
    REQUIRE(data.size() == 1);
    REQUIRE(inner.size() == 1);
    CHECK(data[0].find("rw,nosuid,nodev,noexec") != std::string::npos);
    CHECK(data[0].find("size=1024k") != std::string::npos);
    CHECK(inner[0].find(" /data/inner ro") != std::string::npos);
    CHECK(r.out.find(" /data ") < r.out.find(" /data/inner "));  // mountinfo lists mounts in the order made
}

TEST_CASE("config.md#mounts: a bind mount with ro shows the host directory read-only [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir shared("conformance-bind");
    std::ofstream(shared.path() + "/hello") << "from the host\n";
    bundle.config["mounts"].push_back({{"destination", "/shared"}, {"type", "bind"}, {"source", shared.path()},
                                       {"options", {"rbind", "ro"}}});
    auto r = run_container(runtime, bundle, "cat /shared/hello; touch /shared/new 2>&1");
    CHECK(r.out.find("from the host") != std::string::npos);
    CHECK(r.out.find("Read-only file system") != std::string::npos);
}

TEST_CASE("config.md#process: args, env and cwd reach the process [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["env"].push_back("CONFORMANCE=yes");
    bundle.config["process"]["cwd"] = "/etc";
    auto r = run_container(runtime, bundle, "echo \"$CONFORMANCE $(pwd) $0\"");
    CHECK(r.out == "yes /etc /bin/sh\n");
}

TEST_CASE("config.md#user: uid, gid and additionalGids are the process's [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1001}, {"additionalGids", {5, 1002}}};
    auto r = run_container(runtime, bundle, "grep -E '^(Uid|Gid|Groups):' /proc/self/status");
    CHECK(r.out.find("Uid:\t1000\t1000\t1000\t1000") != std::string::npos);
    CHECK(r.out.find("Gid:\t1001\t1001\t1001\t1001") != std::string::npos);
    CHECK(r.out.find("Groups:\t5 1002") != std::string::npos);
}

TEST_CASE("config.md#posix-process: rlimits are set [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 768}},
                                           {{"type", "RLIMIT_CORE"}, {"soft", 4096}, {"hard", 8192}}};
    auto r = run_container(runtime, bundle, "grep -E 'open files|core file' /proc/self/limits");
    auto nofile = lines_with(r.out, "Max open files");
    auto core = lines_with(r.out, "Max core file size");
    REQUIRE(nofile.size() == 1);
    REQUIRE(core.size() == 1);
    CHECK(words(nofile[0]) == std::vector<std::string>{"Max", "open", "files", "512", "768", "files"});
    CHECK(words(core[0]) == std::vector<std::string>{"Max", "core", "file", "size", "4096", "8192", "bytes"});
}

TEST_CASE("config.md#linux-process: noNewPrivileges sets no_new_privs [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["noNewPrivileges"] = true;
    CHECK(run_container(runtime, bundle, "grep NoNewPrivs /proc/self/status").out == "NoNewPrivs:\t1\n");
    bundle.config["process"]["noNewPrivileges"] = false;
    CHECK(run_container(runtime, bundle, "grep NoNewPrivs /proc/self/status").out == "NoNewPrivs:\t0\n");
}

TEST_CASE("config.md#linux-process: capabilities give exactly the listed sets [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    // CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29); inheritable and ambient absent: empty.
    auto r = run_container(runtime, bundle, "grep -E '^Cap' /proc/self/status");
    CHECK(r.out.find("CapBnd:\t0000000020000420") != std::string::npos);
    CHECK(r.out.find("CapEff:\t0000000020000420") != std::string::npos);
    CHECK(r.out.find("CapPrm:\t0000000020000420") != std::string::npos);
    CHECK(r.out.find("CapInh:\t0000000000000000") != std::string::npos);
    CHECK(r.out.find("CapAmb:\t0000000000000000") != std::string::npos);
}

TEST_CASE("config.md#linux-process: in a 1.0.x config an unknown capability name is an error [MUST]" *
          doctest::description("deliberate: config.md#linux-process (1.0.2): an unmappable capability MUST cause an "
                               "error in a config that declares 1.0.x, as this suite's bundles do; runc and crun apply "
                               "1.1's warning whatever the version")) {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["capabilities"]["bounding"].push_back("CAP_TEST");
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

TEST_CASE("config.md#linux-process: in a 1.1+ config an unknown capability name does not fail; the known ones apply [SHOULD]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.2.0";
    // CAP_KILL (5) and CAP_AUDIT_WRITE (29) around a name no kernel has.
    for (const char* set : {"bounding", "effective", "permitted"})
        bundle.config["process"]["capabilities"][set] = {"CAP_KILL", "CAP_TEST", "CAP_AUDIT_WRITE"};
    auto r = run_container(runtime, bundle, "grep -E '^Cap(Bnd|Eff)' /proc/self/status");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "CapEff:\t0000000020000020\nCapBnd:\t0000000020000020\n");
}

TEST_CASE("config.md#linux-process: oomScoreAdj is written to oom_score_adj [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["oomScoreAdj"] = 123;
    CHECK(run_container(runtime, bundle, "cat /proc/self/oom_score_adj").out == "123\n");
}

TEST_CASE("config.md#hostname: hostname is set in the new UTS namespace [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["hostname"] = "spec-host";
    CHECK(run_container(runtime, bundle, "hostname").out == "spec-host\n");
}

TEST_CASE("config.md#mounts: a relative destination is taken relative to / [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["mounts"].push_back({{"destination", "relative-dest"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=1m"}}});
    auto r = run_container(runtime, bundle, "grep -c ' /relative-dest ' /proc/self/mountinfo");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "1\n");
}

TEST_CASE("config.md#mounts: a relative bind-mount source is taken relative to the bundle [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    fs::create_directory(bundle.path() + "/shared-here");
    std::ofstream(bundle.path() + "/shared-here/hello") << "from the bundle\n";
    bundle.config["mounts"].push_back({{"destination", "/shared"}, {"type", "bind"}, {"source", "shared-here"},
                                       {"options", {"rbind", "ro"}}});
    auto r = run_container(runtime, bundle, "cat /shared/hello");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "from the bundle\n");
}

TEST_CASE("config.md#mounts: a mount with bind in its options is a bind mount, whatever its type [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir shared("conformance-bindtype");
    std::ofstream(shared.path() + "/hello") << "bound\n";
    bundle.config["mounts"].push_back({{"destination", "/typed"}, {"type", "tmpfs"}, {"source", shared.path()}, {"options", {"bind"}}});
    auto r = run_container(runtime, bundle, "cat /typed/hello");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "bound\n");
}

TEST_CASE("config.md#domainname: domainname is set in the new UTS namespace [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["domainname"] = "spec-domain.test";
    CHECK(probe_report(run_container(runtime, bundle, "/probe uts").out)["uts"].value("domainname", "") == "spec-domain.test");
}

TEST_CASE("config.md#annotations: a key that is empty or a value that is not a string is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["annotations"] = {{"", "empty key"}};
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
    bundle.config["annotations"] = {{"org.example.number", 5}};
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

TEST_CASE("config.md#annotations: unknown annotation keys are ignored [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["annotations"] = {{"org.opencontainers.conformance.unknown", "x"}, {"com.example.gpu-cores", "2"}};
    CHECK(run_container(runtime, bundle, "echo ok").out == "ok\n");
}

TEST_CASE("config.md#extensibility: unknown properties are ignored, not errors [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["conformanceUnknown"] = {{"nested", true}};
    bundle.config["process"]["conformanceUnknown"] = 1;
    bundle.config["root"]["conformanceUnknown"] = "x";
    bundle.config["mounts"][0]["conformanceUnknown"] = {1, 2};
    bundle.config["linux"]["conformanceUnknown"] = nullptr;
    CHECK(run_container(runtime, bundle, "echo ok").out == "ok\n");
}

TEST_CASE("config.md#valid-values: a value of the wrong type is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["root"]["readonly"] = "yes";
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
    bundle.config["root"]["readonly"] = false;
    bundle.config["process"]["user"]["uid"] = "root";
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

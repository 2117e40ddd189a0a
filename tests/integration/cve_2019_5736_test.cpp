// CVE-2019-5736: a container overwrites the runtime's binary through /proc/PID/exe of a runtime process
// that entered it: it opens /proc/PID/exe (O_RDONLY or O_PATH) while the process still runs ocirt's code
// in its PID namespace, holds the fd, and reopens it for writing through /proc/self/fd/N once nothing
// executes the binary any more. The attacker is tests/integration/cve_helpers/exe_attacker.cpp, the init
// of a container; the runtime processes are the init of a second container joining its PID namespace
// (create: it waits for start in ocirt's code) and the process of `ocirt exec`.
// ocirt's defences: the processes that enter containers are not dumpable (proc(5): /proc/PID/exe needs
// ptrace access) and run from a read-only copy of the binary (EROFS on the reopen). An attacker without
// CAP_SYS_PTRACE meets the first; a "privileged" one, with every capability, gets past it and meets the
// second. The original's other route, the container's process being "/proc/self/exe" (or a script with
// that interpreter), does start ocirt's binary inside the container now that ocirt is static (no dynamic
// loader is needed in the rootfs): it starts the init's read-only copy, which the test below checks.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "cve_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

// Every capability but CAP_SYS_RESOURCE, which this host's runtime does not hold itself.
const char* const kAllCapabilities[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
    "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

enum class Attacker { default_capabilities, privileged };

nlohmann::json bind_mount(const std::string& source, const std::string& destination) {
    return {{"destination", destination}, {"type", "bind"}, {"source", source}, {"options", {"rbind", "rw"}}};
}

struct AttackScene {
    PrivateOcirtCopy binary;  // declared first: the containers are deleted with the copy still in $OCIRT
    Ocirt ocirt;
    TempDir shared{"ocirt-cve-shared"};
    TempDir logs{"ocirt-cve-logs"};
    Bundle attacker;
    std::string id = unique_id("cve5736-attacker");

    explicit AttackScene(Attacker kind) {
        fs::copy_file(OCIRT_CVE_EXE_ATTACKER, attacker.path() + "/rootfs/attacker");
        fs::permissions(attacker.path() + "/rootfs/attacker", fs::perms(0755));
        attacker.config["process"]["args"] = {"/attacker", "/shared/report", "/shared/stop"};
        attacker.config["mounts"].push_back(bind_mount(shared.path(), "/shared"));
        if (kind == Attacker::privileged) {
            nlohmann::json all = nlohmann::json::array();
            for (const char* cap : kAllCapabilities) all.push_back(cap);
            for (const char* set : {"bounding", "effective", "permitted"}) attacker.config["process"]["capabilities"][set] = all;
        }
        attacker.write();
        auto created = run_to_files(ocirt, {"create", "--bundle", attacker.path(), id}, logs.path() + "/out", logs.path() + "/err");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        auto started = ocirt({"start", id});
        REQUIRE_MESSAGE(started.exit_code == 0, started.err);
        REQUIRE(eventually([&] { return fs::exists(shared.path() + "/report"); }));
    }

    pid_t attacker_pid() const { return nlohmann::json::parse(ocirt({"state", id}).out)["pid"].get<pid_t>(); }
    std::string report() const { return read_file(shared.path() + "/report"); }

    std::string finish() {
        std::ofstream(shared.path() + "/stop") << "";
        return wait_for_line(shared.path() + "/report", "done");
    }

    // The attacker saw the runtime's process and either could not open its exe or could not write it.
    void check_defended(const std::string& report, Attacker kind) {
        INFO(report);
        CHECK(report.find("\ndone\n") != std::string::npos);
        CHECK(report.find("WROTE") == std::string::npos);
        CHECK(read_file(binary.path()) == binary.original_bytes());
        binary.restore();
        if (kind == Attacker::privileged) {
            CHECK(report.find("exe-opened") != std::string::npos);
            CHECK(report.find("write-open refused") != std::string::npos);
            // Both routes: an O_RDONLY fd, and an O_PATH one reopened for writing.
            CHECK(report.find("(O_RDONLY): Read-only file system") != std::string::npos);
            CHECK(report.find("(O_PATH): Read-only file system") != std::string::npos);
        } else {
            CHECK(report.find("exe-open refused") != std::string::npos);
        }
    }
};

}  // namespace

TEST_CASE("CVE-2019-5736: the container cannot overwrite the runtime binary through /proc/PID/exe during exec") {
    // A privileged attacker: the process of `ocirt exec` has all capabilities until it takes the process's
    // own, so only an attacker with all of them may open its exe at all (commoncap's ptrace check).
    AttackScene scene(Attacker::privileged);
    auto r = scene.ocirt({"exec", scene.id, "/bin/true"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    scene.check_defended(scene.finish(), Attacker::privileged);
}

TEST_CASE("CVE-2019-5736: the container cannot overwrite the runtime binary through /proc/PID/exe during create") {
    for (Attacker kind : {Attacker::default_capabilities, Attacker::privileged}) {
        CAPTURE(static_cast<int>(kind));
        AttackScene scene(kind);
        // A second container in the attacker's PID namespace: its init waits for start in ocirt's code,
        // with the process's capabilities (the default ones) already taken.
        Bundle victim;
        victim.config["process"]["args"] = {"/bin/true"};
        for (auto& ns : victim.config["linux"]["namespaces"])
            if (ns["type"] == "pid") ns["path"] = "/proc/" + std::to_string(scene.attacker_pid()) + "/ns/pid";
        victim.write();
        std::string victim_id = unique_id("cve5736-victim");
        auto created = run_to_files(scene.ocirt, {"create", "--bundle", victim.path(), victim_id},
                                    scene.logs.path() + "/vout", scene.logs.path() + "/verr");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        std::string tried = kind == Attacker::privileged ? "exe-opened" : "exe-open refused";
        CHECK(eventually([&] { return scene.report().find(tried) != std::string::npos; }));
        auto started = scene.ocirt({"start", victim_id});
        CHECK_MESSAGE(started.exit_code == 0, started.err);
        CHECK(eventually([&] { return scene.ocirt({"state", victim_id}).out.find("\"stopped\"") != std::string::npos; }));
        scene.check_defended(scene.finish(), kind);
    }
}

TEST_CASE("CVE-2019-5736: a container whose process is /proc/self/exe runs the runtime's read-only copy, never the binary") {
    Ocirt ocirt;
    Bundle bundle;
    // The init's own exe is what /proc/self/exe names when it execs; ocirt then runs inside the container
    // and reports where it runs from: a read-only mount (or a sealed memfd), not the writable build/ocirt.
    bundle.config["process"]["args"] = {"/proc/self/exe", "--version"};
    // The host's libraries, for an ocirt that is not static (the sanitizer build): its loader must be found.
    for (const char* dir : {"/lib", "/lib64"})
        bundle.config["mounts"].push_back({{"destination", dir}, {"type", "bind"}, {"source", fs::canonical(dir).string()},
                                           {"options", {"rbind", "ro"}}});
    bundle.write();
    auto r = ocirt({"run", "--bundle", bundle.path(), unique_id("cve5736-selfexe")});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("ocirt version") != std::string::npos);
    CHECK(r.out.find("executable: protected") != std::string::npos);
}

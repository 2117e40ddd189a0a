#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "container_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;

namespace {

const char* const kTypes[] = {"pid", "net", "ipc", "uts", "mnt", "cgroup"};

// "pid:[4026531836]" per type, as the container's shell reads them.
std::map<std::string, std::string> container_namespaces(const Ocirt& ocirt, Bundle& bundle) {
    std::string script;
    for (const char* t : kTypes) script += std::string("echo ") + t + "=$(readlink /proc/self/ns/" + t + "); ";
    auto r = run_script(ocirt, bundle, script);
    REQUIRE(r.exit_code == 0);
    std::map<std::string, std::string> out;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        auto eq = line.find('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

// A process (and for pid, its child) sitting in new namespaces, for the container to join by path.
class NamespaceHolder {
public:
    NamespaceHolder() {
        int ready[2];
        REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
        holder_ = ::fork();
        REQUIRE(holder_ >= 0);
        if (holder_ == 0) {
            // Holders must not keep the test runner's stdout or stderr pipes open.
            int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
            for (int fd = 0; fd <= 2; ++fd) ::dup2(devnull, fd);
            if (::unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWPID) < 0)
                ::_exit(1);
            pid_t inner = ::fork();  // PID 1 of the new PID namespace
            if (inner == 0) {
                // The inner holder dies with the holder, which the destructor kills (prctl(2)).
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (::write(ready[1], "r", 1) < 0) ::_exit(1);
                for (;;) ::pause();
            }
            ::waitpid(inner, nullptr, 0);
            ::_exit(0);
        }
        ::close(ready[1]);
        char c;
        REQUIRE(::read(ready[0], &c, 1) == 1);
        ::close(ready[0]);
        // The pid namespace is the one its children are made in: /proc/<holder>/ns/pid_for_children.
    }
    ~NamespaceHolder() {
        ::kill(holder_, SIGKILL);
        ::waitpid(holder_, nullptr, 0);
    }
    std::string path(const std::string& type) const {
        std::string name = type == "pid" ? "pid_for_children" : type;
        return "/proc/" + std::to_string(holder_) + "/ns/" + name;
    }
    std::string inode(const std::string& type) const { return read_link(path(type)); }
    static std::string read_link(const std::string& p) {
        char buf[256];
        ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
        return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    }

private:
    pid_t holder_ = -1;
};

}  // namespace

TEST_CASE("namespaces: each one asked for is new (its inode differs from the host's)") {
    Ocirt ocirt;
    Bundle bundle;
    auto inside = container_namespaces(ocirt, bundle);
    for (const char* t : kTypes) {
        INFO("namespace " << t);
        REQUIRE(inside.count(t));
        CHECK(inside[t].rfind(std::string(t) + ":[", 0) == 0);
        CHECK(inside[t] != host_namespace(t));
    }
}

TEST_CASE("namespaces: one left out of the config is the host's") {
    Ocirt ocirt;
    Bundle bundle;
    drop_namespace(bundle, "network");
    drop_namespace(bundle, "ipc");
    auto inside = container_namespaces(ocirt, bundle);
    CHECK(inside["net"] == host_namespace("net"));
    CHECK(inside["ipc"] == host_namespace("ipc"));
    CHECK(inside["uts"] != host_namespace("uts"));
}

TEST_CASE("namespaces: each can be joined by path (same inode as the holder's)") {
    NamespaceHolder holder;
    Ocirt ocirt;
    Bundle bundle;
    const std::map<std::string, std::string> spec_names = {
        {"pid", "pid"}, {"net", "network"}, {"ipc", "ipc"}, {"uts", "uts"}, {"mnt", "mount"}, {"cgroup", "cgroup"}};
    nlohmann::json namespaces = nlohmann::json::array();
    for (const auto& [proc_name, spec_name] : spec_names)
        namespaces.push_back({{"type", spec_name}, {"path", holder.path(proc_name)}});
    bundle.config["linux"]["namespaces"] = namespaces;
    bundle.config.erase("hostname");
    auto inside = container_namespaces(ocirt, bundle);
    for (const auto& [proc_name, spec_name] : spec_names) {
        INFO("namespace " << spec_name);
        CHECK(inside[proc_name] == holder.inode(proc_name));
        CHECK(inside[proc_name] != host_namespace(proc_name));
    }
}

TEST_CASE("namespaces: the hostname and domainname are the config's") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["hostname"] = "inner-host";
    bundle.config["domainname"] = "inner.example";
    auto r = run_script(ocirt, bundle, "hostname; cat /proc/sys/kernel/domainname");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "inner-host\ninner.example\n");
}

TEST_CASE("namespaces: joining a path that is not a namespace fails with the chain") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["namespaces"][1] = {{"type", "network"}, {"path", "/proc/self/ns/does-not-exist"}};
    auto r = run_script(ocirt, bundle, "true");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("init: open network namespace \"/proc/self/ns/does-not-exist\": No such file or directory") !=
          std::string::npos);
}

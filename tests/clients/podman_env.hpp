#pragma once
// podman (with conmon) on private storage and configuration, driving RUNTIME: the fixture of the podman
// client tests. Made by the first test that needs it; torn down and checked for leftovers at the end of the run.
#include <sys/types.h>

#include <string>
#include <vector>

#include "clients.hpp"

namespace ocirt::clients {

class PodmanEnv {
public:
    // Writes containers.conf and storage.conf under a temp dir, points CONTAINERS_CONF and
    // CONTAINERS_STORAGE_CONF at them (podman and the conmon exit commands inherit them), loads the image.
    static PodmanEnv& instance();

    // `podman args...` (containers.conf names the runtime under test), with `input` on its stdin.
    test::Result operator()(const std::vector<std::string>& args, const std::string& input = "") const;
    // The same command line, quoted for a shell (for run_in_pty).
    std::string command_line(const std::vector<std::string>& args) const;

    const std::string& dir() const { return dir_.path(); }
    std::string runroot() const { return dir() + "/runroot"; }
    std::string graphroot() const { return dir() + "/graph"; }

private:
    PodmanEnv();
    std::vector<std::string> teardown();

    test::TempDir dir_;
    std::string podman_;
    std::vector<std::string> parent_cgroups_made_;  // absent before the run, so removed after it
};

// A container with a name unique to this run; `podman rm -f -t 0` when the test is done with it.
class PodmanContainer {
public:
    PodmanContainer();
    ~PodmanContainer();
    PodmanContainer(const PodmanContainer&) = delete;
    PodmanContainer& operator=(const PodmanContainer&) = delete;

    const std::string& name() const { return name_; }
    // `podman run -d --name <name> <options> <image> <command>`; fails the test unless it started.
    void run_detached(const std::vector<std::string>& options, const std::vector<std::string>& command);
    // `podman inspect -f <format> <name>`, trailing newline removed.
    std::string inspect(const std::string& format) const;
    // The host pid of the container's init (.State.Pid when it started).
    pid_t host_pid() const { return pid_; }
    // A file inside the running container, seen from the host through /proc/<pid>/root.
    std::string file_in_container(const std::string& path) const;

private:
    std::string name_;
    pid_t pid_ = 0;
};

}  // namespace ocirt::clients

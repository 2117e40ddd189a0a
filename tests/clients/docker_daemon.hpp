#pragma once
// A private dockerd (Debian's docker.io 20.10) for the Docker cases. Everything it writes lives in a temp
// dir: data root, exec root (its containerd, the runtime's state root), pid file, API socket, CLI config;
// it uses its own containerd namespaces, cgroup parent (/ocirt-docker-<pid>; with its systemd driver,
// Docker's default system.slice) and bridge (made for it and
// deleted after), and it is told to leave iptables and net.ipv4.ip_forward alone (--iptables=false,
// --ip-forward=false, --ip-masq=false): the cases need a container's address on a bridge, not NAT, so no
// host firewall chain is made and none may be left. The runtime under test is registered by daemon.json
// (`{"runtimes": {"<name>": {"path": "<binary>"}}}`, the shape a user writes). Started on first use, once
// per run; stopped at the end of the run, where anything left behind fails the run.
#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

#include "clients.hpp"

namespace ocirt::clients {

// The busybox rootfs (tools/mkrootfs) imported with `docker import`, with Cmd /bin/sh.
inline const std::string kDockerImage = "ocirt-busybox:docker";

class DockerDaemon {
public:
    // The running daemon; starts it on first use. Call it from the main thread: the daemon is told to
    // stop (PR_SET_PDEATHSIG) when the thread that started it ends, so a crashed run does not leave it.
    static DockerDaemon& instance();
    // The daemon if it is running, without starting it; nullptr otherwise.
    static DockerDaemon* running();

    // `/usr/bin/docker -H unix://<socket> --config <dir>/cli args...`, with `input` on its stdin.
    test::Result operator()(const std::vector<std::string>& args, const std::string& input = "") const;
    // The same argv (for run_in_pty).
    std::vector<std::string> argv(const std::vector<std::string>& args) const;
    // Whether dockerd uses its systemd cgroup driver (see clients_default_to_systemd), so that the runtime is
    // called with --systemd-cgroup and cgroupsPath "system.slice:docker:<id>".
    bool systemd_driver() const { return systemd_driver_; }
    // The name daemon.json gives the runtime under test: `docker run --runtime <name>`.
    const std::string& runtime() const { return runtime_; }
    const std::string& dir() const { return dir_; }
    // daemon.json as written.
    std::string daemon_json() const;

    // Stops the daemon and removes what it, its containerd, the shims and the runtime left: containers,
    // the runtime's state, processes, mounts under our dir, cgroups under our parent, the bridge. Returns
    // what a clean run does not leave behind (empty when all is well). No-op when not running.
    std::vector<std::string> stop();

    ~DockerDaemon();
    DockerDaemon(const DockerDaemon&) = delete;
    DockerDaemon& operator=(const DockerDaemon&) = delete;

private:
    DockerDaemon() = default;
    static DockerDaemon& storage();
    void start();
    std::string socket() const { return dir_ + "/docker.sock"; }
    std::string cgroup_parent() const { return "/" + name_; }

    std::string name_;     // containerd namespace and cgroup parent
    std::string bridge_;   // made by start(), deleted by stop()
    std::string runtime_;  // the runtime's name in daemon.json
    std::string dir_;      // empty when not running
    std::string failure_;  // why start() failed; later cases fail with it instead of starting again
    bool systemd_driver_ = false;
    std::string started_at_;            // unix time of the start, for `docker events --since`
    std::vector<std::string> created_;  // the ids of every container made, read by stop()
    pid_t pid_ = -1;
    std::set<std::string> firewall_chains_before_;
    std::string ip_forward_before_;
    bool had_trust_key_ = false;
};

// A container with a name unique to this run, removed (`docker rm -f`) when the case is done with it,
// whatever way the case ends.
class DockerContainer {
public:
    DockerContainer();
    ~DockerContainer();
    DockerContainer(const DockerContainer&) = delete;
    DockerContainer& operator=(const DockerContainer&) = delete;

    const std::string& name() const { return name_; }
    // `docker run --runtime <runtime> --name <name> <options> <image> <command>`, `input` on its stdin.
    test::Result run(const std::vector<std::string>& options, const std::vector<std::string>& command,
                     const std::string& input = "") const;
    // The argv of that command (for run_in_pty).
    std::vector<std::string> run_argv(const std::vector<std::string>& options,
                                      const std::vector<std::string>& command) const;
    // `run -d`; fails the test unless it started; records the init's host pid.
    void run_detached(const std::vector<std::string>& options, const std::vector<std::string>& command);
    // `docker inspect -f <format> <name>`, trimmed; fails the test when inspect fails.
    std::string inspect(const std::string& format) const;
    // The host pid of the container's init (.State.Pid when run_detached started it).
    pid_t host_pid() const { return pid_; }
    // A file inside the running container, read from the host through /proc/<pid>/root.
    std::string file_in_container(const std::string& path) const;

private:
    std::string name_;
    pid_t pid_ = 0;
};

}  // namespace ocirt::clients

#pragma once
// Shared by the integration tests: run the ocirt binary (path in $OCIRT), temp state roots and bundles
// whose config.json starts from bundles/busybox/config.json, each with a clone of that bundle's rootfs.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ocirt::test {

struct Result {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
    int signal = 0;  // N when killed by signal N, else 0 (an exit status 128+N is not a signal)
};

// Runs `argv` (argv[0] a path) with stdout/stderr captured; `input` is written to its stdin.
Result run_program(const std::vector<std::string>& argv, const std::string& input = "");

// Runs `argv` with stdin from /dev/null and stdout/stderr written to files, then reads them back. For
// create/start: the container's init inherits ocirt's stdout/stderr, so pipes would not see EOF.
Result run_program_to_files(const std::vector<std::string>& argv, const std::string& out_file,
                            const std::string& err_file);

// Spawns `argv` with stdin an empty pipe and stdout/stderr appended to files; returns the pid (reap it with
// wait_exit_code).
pid_t spawn_to_files(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file);
// A process whose stdin, stdout and stderr are pipes the caller holds the other ends of (non-blocking, closed
// with it): what a shim or conmon gives a runtime, and what a container's init then keeps.
struct PipedProcess {
    pid_t pid = -1;
    int in = -1;   // write end of its stdin
    int out = -1;  // read end of its stdout
    int err = -1;  // read end of its stderr
    PipedProcess() = default;
    PipedProcess(PipedProcess&& other) noexcept;
    PipedProcess& operator=(PipedProcess&& other) noexcept;
    ~PipedProcess();
    std::string read_out();  // what is there now
    std::string read_err();
};
PipedProcess spawn_with_pipes(const std::vector<std::string>& argv);
// A process whose stdin, stdout and stderr are `tty` (a pty's peer the caller opened), as from a shell.
pid_t spawn_on_terminal(const std::vector<std::string>& argv, int tty);
// waitpid's status as Result::exit_code has it: 128+N when killed by signal N.
int wait_exit_code(pid_t pid);

std::string ocirt_binary();         // $OCIRT, or <source>/build/ocirt
// The runtime a runtime-agnostic suite drives: $RUNTIME as a path, or a name looked up on PATH ("runc",
// "crun"); unset or "ocirt" means this build's ocirt.
std::string runtime_under_test();
std::string source_dir();           // the repository root
std::string busybox_rootfs();       // <source>/bundles/busybox/rootfs (made by tools/mkrootfs)

// OCIRT_TEST_CGROUP_DRIVER=systemd runs a suite with the systemd cgroup driver: every run of the runtime under
// test (argv[0] is ocirt_binary() or runtime_under_test(), through run_program or spawn_to_files) gets the
// global flag --systemd-cgroup, and Bundle::write() gives a cgroupsPath systemd's "slice:prefix:name" form.
// Unset or "cgroupfs": everything runs as written. Any other value is refused (the suite exits).
bool systemd_cgroup_driver();
// The unit name and slice the systemd driver gets for a cgroupfs `cgroups_path` ("/a/b/c" and "a/b/c" →
// "system.slice:ocirt:a-b-c"); empty stays empty (ocirt's default, ":ocirt:ID"), and a path already in the
// slice:prefix:name form (it holds a ':') is kept.
std::string systemd_cgroups_path(const std::string& cgroups_path);
// The scope a container gets for its `name` (the ID, or the name part of the path above): "ocirt-NAME.scope".
std::string systemd_scope_of(const std::string& name);
// The cgroup a container whose config says `cgroups_path` (absolute, as written before Bundle::write) lands in,
// as /proc/PID/cgroup names it: that path with the cgroupfs driver, its scope in system.slice with systemd's.
std::string expected_cgroup(const std::string& cgroups_path);

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "ocirt-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A bundle in a temp dir: config.json from bundles/busybox and its own clone of that bundle's rootfs.
class Bundle {
public:
    Bundle();
    nlohmann::json config;  // edit, then write()
    // With OCIRT_TEST_CGROUP_DRIVER=systemd, write() rewrites linux.cgroupsPath by systemd_cgroups_path() unless
    // this is false (a test of the systemd driver's own path rules writes the path it means).
    bool systemd_path_rewrite = true;
    void write() const;
    std::string path() const { return dir_.path(); }
    // Sets process.args to ["/bin/sh", "-c", script].
    void shell(const std::string& script);

private:
    TempDir dir_;
};

// ocirt with a private --root; delete -f of every container it made on destruction.
class Ocirt {
public:
    Ocirt();
    ~Ocirt();
    Result operator()(std::vector<std::string> args, const std::string& input = "") const;
    const std::string& root() const { return root_.path(); }
    std::string state_dir(const std::string& id) const { return root_.path() + "/" + id; }

private:
    TempDir root_;
};

std::string unique_id(const std::string& prefix);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);  // creates or truncates it

}  // namespace ocirt::test

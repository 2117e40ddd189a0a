#pragma once
// The conformance suite's view of a runtime: any runc-compatible binary (RUNTIME=ocirt|runc|crun or a path),
// driven only through its command line, so that the same cases run against ocirt and its peers.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../integration/harness.hpp"

namespace ocirt::conformance {

// RUNTIME: a path, or a name looked up on PATH; unset means this build's ocirt.
std::string runtime_binary();
// "ocirt", "runc" or "crun": the binary's file name.
std::string runtime_name();

// The runtime under test with a private --root; on destruction it force-deletes what it created.
class Runtime {
public:
    Runtime();
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // For commands that leave no process behind (state, kill, delete): output through pipes.
    test::Result operator()(std::vector<std::string> args) const;
    // For create, start and run: the container inherits stdout/stderr, so they go to files.
    test::Result to_files(std::vector<std::string> args) const;
    std::string root() const { return root_.path(); }

private:
    test::TempDir root_;
    test::TempDir output_;
};

// A bundle with the portable config (tests/oci-conformance/config.json, runtime-spec 1.0.2 so that the peers
// accept it), its own clone of the busybox rootfs, and the probe as /probe (tests/oci-conformance/probe:
// `/probe [SECTION ...]`, `/probe paths P ...`, `/probe errno CALL ...` print one JSON object).
class SpecBundle : public test::Bundle {
public:
    SpecBundle();
};

// The probe's JSON object from a container's output (the first line that parses as one), or {}.
nlohmann::json probe_report(const std::string& out);

// A refusal: the runtime exited on its own with an error status. The spec names no code: runc and ocirt exit
// 1, crun 1 and 255 when a hook fails. Killed by a signal (a crash) is not a refusal.
inline bool refused(const test::Result& r) { return r.signal == 0 && r.exit_code >= 1; }

// `run --bundle B ID` of `/bin/sh -c script`; exit code is the container process's.
test::Result run_container(const Runtime& runtime, SpecBundle& bundle, const std::string& script);

// `create` then the "status" field of `state`.
std::string status_of(const Runtime& runtime, const std::string& id);

// Waits until `state ID` reports `status` (up to 5 s).
bool reaches_status(const Runtime& runtime, const std::string& id, const std::string& status);

// The lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

// A --console-socket listener (runc's command line, which crun and ocirt share): the runtime connects
// and sends the pty master of a terminal container by SCM_RIGHTS.
class ConsoleSocket {
public:
    ConsoleSocket();
    ~ConsoleSocket();
    ConsoleSocket(const ConsoleSocket&) = delete;
    ConsoleSocket& operator=(const ConsoleSocket&) = delete;
    std::string path() const { return dir_.path() + "/console.sock"; }
    // The master received on the first connection (the caller owns it), or -1.
    int receive_master();

private:
    test::TempDir dir_;
    int listener_ = -1;
};

// What the pty master gives until the slave side is closed by the container's exit (or 5 s pass).
std::string read_until_hangup(int master);

// Creates and starts `bundle` with process.terminal set and a console socket; returns what the process
// wrote on its terminal until it exited.
std::string run_on_terminal(const Runtime& runtime, SpecBundle& bundle);

// `line` split on blanks.
std::vector<std::string> words(const std::string& line);

}  // namespace ocirt::conformance

// CHECK that a command's result is a refusal (refused()), showing its exit code and stderr otherwise.
#define CHECK_REFUSED(...)                                                                            \
    do {                                                                                             \
        const ::ocirt::test::Result& conformance_result_ = (__VA_ARGS__);                            \
        CHECK_MESSAGE(::ocirt::conformance::refused(conformance_result_),                            \
                      "exit code " << conformance_result_.exit_code << ", signal " << conformance_result_.signal \
                                   << ": " << conformance_result_.err);                                  \
    } while (false)

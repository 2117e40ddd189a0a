#pragma once
// The parent⇄child protocol of `create` and `exec`, over one socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
// both parents follow it through runtime/launcher.hpp. P is `ocirt create` or `ocirt exec`; S the first child
// (joins or creates the namespaces); I the container's init or the exec'd process (S itself, or S's child
// forked with CLONE_PARENT when a PID namespace is created or joined: always for exec).
// Each datagram is a header {u16 type, u16 flags, u32 length} followed by compact JSON; fds go by
// SCM_RIGHTS. Each side waits for exactly one expected message and reports a slip as "expected X, got Y".
//
// | # | message                     | direction | when, and what happens                                          |
// |---|-----------------------------|-----------|-----------------------------------------------------------------|
// | 1 | UsernsReady                 | S → P     | only with a new user namespace (create): P writes the id maps,  |
// |   | MapsWritten                 | P → S     | then tells S to go on                                           |
// | 2 | InitPid {pid}               | S → P     | only when I ≠ S: S exits; P reaps S and holds I by a pidfd      |
// | 2a| NetDevicesPlease            | I → P     | only with linux.netDevices (create): I is in all its namespaces |
// |   | NetDevicesMoved             | P → I     | P has moved the devices into I's network namespace; I goes on   |
// |   |                             |           | with the hostname, the sysctls and the mounts                   |
// | 3 | CgroupReady                 | P → I     | I is in its cgroup; I may now unshare the cgroup namespace      |
// | 4 | HooksPlease                 | I → P     | create, mounts done, before pivot_root: P runs                  |
// |   | HooksDone                   | P → I     | prestart/createRuntime, then lets I go on                       |
// | 5 | SeccompFd + fd              | I → P     | only with a seccomp listenerPath: P forwards the fd             |
// | 6 | Ready                       | I → P     | create: I blocks on exec.fifo, P saves state.json and the pid   |
// |   |                             |           | file; exec: I execs, P waits for the channel's end of file      |
// | * | Log {level, msg}            | S/I → P   | at any time: P writes the line through its own logger           |
// | * | Fail {errno, frames, message, pointer} | S/I → P | then the child _exits(1); P rethrows the same Error  |
//
// P polls the socket together with the child's pidfd, so a child that dies without Fail is reported as
// "init exited before <step>: exit status N" (or "killed by signal S"); a step of P's own that fails because
// the child died first reports the child's queued Fail instead.
#include <cstdint>
#include <string_view>

namespace ocirt::sync {

enum class MsgType : uint16_t {
    UsernsReady = 1,
    MapsWritten,
    InitPid,
    CgroupReady,
    HooksPlease,
    HooksDone,
    SeccompFd,
    Ready,
    Log,
    Fail,
    NetDevicesPlease,
    NetDevicesMoved,  // the last: channel.cpp accepts UsernsReady..NetDevicesMoved
};

std::string_view to_string(MsgType type);

}  // namespace ocirt::sync

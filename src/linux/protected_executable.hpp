#pragma once
// CVE-2019-5736: ocirt's processes enter containers without re-executing, so their /proc/PID/exe is the
// ocirt binary; a container that opens it (or makes them execute it through "#!/proc/self/exe") could
// reopen it for writing once they exit. The commands that enter containers therefore run from a copy
// the kernel refuses to write: a read-only detached bind mount of the binary, or a sealed memfd.
namespace ocirt::linux_ {

// Returns when /proc/self/exe is already on a read-only mount or a write-sealed memfd; otherwise
// re-executes `argv` (environ unchanged) from such a copy and does not return.
void run_from_protected_executable(char** argv);

// True when the running executable cannot be opened for writing (read-only mount or F_SEAL_WRITE).
bool executable_is_protected();

// prctl(2) PR_SET_DUMPABLE 0: proc(5) then denies /proc/PID/exe, mem, fd and environ of this process to
// the container's processes (ptrace access mode checks) until execve(2) resets the attribute.
void make_not_dumpable();

}  // namespace ocirt::linux_

// ocirt's ELF entry point (x86-64, the static PIE only; CMakeLists.txt links it with -e ocirt_entry).
//
// create, run and exec re-execute from a protected copy of the binary (CVE-2019-5736,
// linux/protected_executable.hpp). The image they leave behind needs none of the C library: this code runs
// before glibc's start-up (self-relocation, IRELATIVE resolution, CPU feature probing, TLS, the C++
// static objects) and re-executes with raw system calls, so that the first image costs little more than
// the kernel's exec. Anything it cannot do it leaves to dispatch(), which checks again and reports errors.
//
// Written by hand: no library runs before the C library. Until glibc has relocated the binary, code here
// may not read a pointer stored in data (none is relocated yet), call into libc (no TLS, no IFUNCs), or
// use the stack protector (its canary lives in TLS); this file is compiled freestanding for that
// (CMakeLists.txt), and compares strings with its own loops.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "cli/command_word_lists.hpp"

namespace {

inline long raw_syscall(long number, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
    long result;
    register long r10 asm("r10") = d;
    register long r8 asm("r8") = e;
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                 : "rcx", "r11", "memory");
    return result;
}

bool equal(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

bool starts_with(const char* s, const char* prefix) {
    while (*prefix && *s == *prefix) ++s, ++prefix;
    return *prefix == '\0';
}

// cli/command_word.hpp's command_index and enters_container, without the C library.
#define OCIRT_OR_EQUALS(word) || equal(w, word)
bool command_reexecutes(int argc, char** argv) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        const char* w = argv[i];
        if ((false OCIRT_VALUED_GLOBAL_FLAGS(OCIRT_OR_EQUALS)) && i + 1 < argc) ++i;
    }
    if (i >= argc) return false;
    const char* w = argv[i];
    return false OCIRT_COMMANDS_ENTERING_CONTAINER(OCIRT_OR_EQUALS);
}
#undef OCIRT_OR_EQUALS

}  // namespace

// `stack` is the process's initial stack: argc, argv[], NULL, envp[], NULL (the x86-64 psABI).
extern "C" [[gnu::used, gnu::no_stack_protector]] void ocirt_reexecute_early(long* stack) {
    int argc = static_cast<int>(stack[0]);
    char** argv = reinterpret_cast<char**>(stack + 1);
    char** envp = argv + argc + 1;
    if (!command_reexecutes(argc, argv)) return;
    int env_count = 0;
    for (; envp[env_count]; ++env_count)
        if (starts_with(envp[env_count], "_OCIRT_PROTECTED_EXE=")) return;  // this is the copy

    struct statfs fs;  // no initialiser: the compiler could make it a call to memset
    if (raw_syscall(SYS_statfs, reinterpret_cast<long>("/proc/self/exe"), reinterpret_cast<long>(&fs)) == 0 &&
        (fs.f_flags & ST_RDONLY))
        return;
    long tree = raw_syscall(SYS_open_tree, AT_FDCWD, reinterpret_cast<long>("/proc/self/exe"),
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) return;
    mount_attr attr;
    attr.attr_set = MOUNT_ATTR_RDONLY;
    attr.attr_clr = 0;
    attr.propagation = 0;
    attr.userns_fd = 0;
    if (raw_syscall(SYS_mount_setattr, tree, reinterpret_cast<long>(""), AT_EMPTY_PATH, reinterpret_cast<long>(&attr),
                    sizeof attr) == 0) {
        auto** env = static_cast<char**>(__builtin_alloca(sizeof(char*) * static_cast<unsigned long>(env_count + 2)));
        for (int i = 0; i < env_count; ++i) env[i] = envp[i];
        env[env_count] = const_cast<char*>("_OCIRT_PROTECTED_EXE=1");
        env[env_count + 1] = nullptr;
        raw_syscall(SYS_execveat, tree, reinterpret_cast<long>(""), reinterpret_cast<long>(argv),
                    reinterpret_cast<long>(env), AT_EMPTY_PATH);
    }
    raw_syscall(SYS_close, tree);
}

// The kernel enters with %rsp at argc and %rdx 0; glibc's _start expects exactly that.
asm(R"(
    .text
    .globl ocirt_entry
    .type ocirt_entry, @function
ocirt_entry:
    xor %ebp, %ebp
    mov %rsp, %r12
    mov %rsp, %rdi
    and $-16, %rsp
    call ocirt_reexecute_early
    mov %r12, %rsp
    xor %edx, %edx
    jmp _start
    .size ocirt_entry, .-ocirt_entry
)");

// function-order-trace: runs one command under ptrace(2), single-stepping it and every process it forks,
// and prints, in the order they first ran, the functions of one ELF file that any of them executed.
// tools/function-order feeds those names to the linker (lld --symbol-ordering-file), so that the code an
// ocirt command runs sits in few, adjacent pages.
//
//   function-order-trace BINARY OUT -- COMMAND [ARGS...]
// writes the names to OUT, one per line; COMMAND keeps this program's stdin, stdout and stderr.
//
// Written by hand: no packaged tool both follows forks and namespaces and reports every function reached.
// Sampling profilers (perf) miss functions that run once, and page residency is useless because the kernel
// maps up to 16 neighbouring pages on each fault (fault-around), so only single-stepping sees it all.
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "function-order-trace: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(2);
}

struct Function {
    uint64_t start = 0;
    uint64_t end = 0;
    std::string name;
};

// The function symbols (STT_FUNC, with a size) of the file's .symtab, sorted by address.
std::vector<Function> read_functions(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(std::string("open ") + path);
    struct stat st {};
    if (::fstat(fd, &st) < 0) die("fstat");
    auto* base = static_cast<const unsigned char*>(::mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0));
    ::close(fd);
    if (base == MAP_FAILED) die("mmap");
    const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(base);
    if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) {
        std::fprintf(stderr, "function-order-trace: %s is not a 64-bit ELF file\n", path);
        std::exit(2);
    }
    const auto* sh = reinterpret_cast<const Elf64_Shdr*>(base + eh->e_shoff);
    std::vector<Function> functions;
    for (int i = 0; i < eh->e_shnum; ++i) {
        if (sh[i].sh_type != SHT_SYMTAB) continue;
        const auto* syms = reinterpret_cast<const Elf64_Sym*>(base + sh[i].sh_offset);
        const char* names = reinterpret_cast<const char*>(base + sh[sh[i].sh_link].sh_offset);
        for (size_t k = 0; k < sh[i].sh_size / sizeof(Elf64_Sym); ++k) {
            if (ELF64_ST_TYPE(syms[k].st_info) != STT_FUNC || syms[k].st_size == 0) continue;
            functions.push_back({syms[k].st_value, syms[k].st_value + syms[k].st_size, names + syms[k].st_name});
        }
    }
    if (functions.empty()) {
        std::fprintf(stderr, "function-order-trace: %s has no symbol table (stripped?)\n", path);
        std::exit(2);
    }
    std::sort(functions.begin(), functions.end(), [](const Function& a, const Function& b) { return a.start < b.start; });
    return functions;
}

// Where the file is mapped in the process: its load bias (address of file offset 0) and its executable
// range, found in /proc/PID/maps by device and inode (a re-execution through a bind mount or another path
// still maps the same inode).
struct Mapping {
    uint64_t bias = 0;
    uint64_t exec_start = 0;
    uint64_t exec_end = 0;
    bool found = false;
};

Mapping find_mapping(pid_t pid, dev_t dev, ino_t ino) {
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    Mapping m;
    std::string line;
    while (std::getline(maps, line)) {
        unsigned long start = 0, end = 0, offset = 0, inode = 0;
        unsigned int major = 0, minor = 0;
        char perms[8] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &offset, &major, &minor, &inode) != 7)
            continue;
        if (inode != ino || makedev(major, minor) != dev) continue;
        if (offset == 0) m.bias = start;
        if (perms[2] == 'x') {
            m.exec_start = start;
            m.exec_end = end;
            m.found = true;
        }
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5 || std::strcmp(argv[3], "--") != 0) {
        std::fprintf(stderr, "usage: function-order-trace BINARY OUT -- COMMAND [ARGS...]\n");
        return 2;
    }
    const std::vector<Function> functions = read_functions(argv[1]);
    struct stat target {};
    if (::stat(argv[1], &target) < 0) die(std::string("stat ") + argv[1]);

    pid_t first = ::fork();
    if (first < 0) die("fork");
    if (first == 0) {
        ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
        ::raise(SIGSTOP);
        ::execvp(argv[4], argv + 4);
        std::_Exit(127);
    }

    std::unordered_map<pid_t, Mapping> traced;  // a process not here runs freely, unstepped
    std::unordered_set<size_t> seen;
    std::vector<size_t> order;  // indexes into `functions`, first run first
    size_t steps = 0;
    int first_status = 0;

    int status = 0;
    if (::waitpid(first, &status, __WALL) < 0) die("waitpid");
    constexpr long kOptions = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
                              PTRACE_O_EXITKILL;
    if (::ptrace(PTRACE_SETOPTIONS, first, nullptr, kOptions) < 0) die("PTRACE_SETOPTIONS");
    ::ptrace(PTRACE_CONT, first, nullptr, nullptr);  // to its execve: the exec event stops it
    std::set<pid_t> alive{first};
    // A new child's first stop (SIGSTOP) and its parent's fork event come in either order; the child is
    // resumed once both are in, stepped if its parent was.
    std::set<pid_t> announced;      // fork event seen, first stop not yet
    std::set<pid_t> waiting_child;  // first stop seen, fork event not yet

    auto resume = [&](pid_t pid, int deliver) {
        auto it = traced.find(pid);
        if (it == traced.end()) {
            ::ptrace(PTRACE_CONT, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
            return;
        }
        user_regs_struct regs {};
        if (::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) == 0 && regs.rip >= it->second.exec_start &&
            regs.rip < it->second.exec_end) {
            uint64_t address = regs.rip - it->second.bias;
            auto f = std::upper_bound(functions.begin(), functions.end(), address,
                                      [](uint64_t a, const Function& fn) { return a < fn.start; });
            if (f != functions.begin()) {
                --f;
                size_t index = static_cast<size_t>(f - functions.begin());
                if (address < f->end && seen.insert(index).second) order.push_back(index);
            }
        }
        ++steps;
        ::ptrace(PTRACE_SINGLESTEP, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
    };

    while (!alive.empty()) {
        pid_t pid = ::waitpid(-1, &status, __WALL);
        if (pid < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD) break;
            die("waitpid");
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == first) first_status = status;
            alive.erase(pid);
            traced.erase(pid);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int sig = WSTOPSIG(status);
        int event = status >> 16;
        if (!alive.count(pid)) {  // a new child's first stop
            alive.insert(pid);
            if (announced.erase(pid)) resume(pid, 0);
            else waiting_child.insert(pid);
            continue;
        }
        int deliver = 0;
        if (event == PTRACE_EVENT_EXEC) {
            Mapping m = find_mapping(pid, target.st_dev, target.st_ino);
            if (m.found) traced[pid] = m;
            else traced.erase(pid);
        } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
            unsigned long message = 0;
            ::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &message);
            auto child = static_cast<pid_t>(message);
            auto parent = traced.find(pid);
            if (parent != traced.end()) traced[child] = parent->second;
            if (waiting_child.erase(child)) resume(child, 0);
            else announced.insert(child);
        } else if (event == 0 && sig != SIGTRAP) {
            deliver = sig;  // a signal for the process (a single step stops with SIGTRAP)
        }
        resume(pid, deliver);
    }

    std::FILE* out = std::fopen(argv[2], "we");
    if (!out) die(std::string("open ") + argv[2]);
    for (size_t index : order) std::fprintf(out, "%s\n", functions[index].name.c_str());
    if (std::fclose(out) != 0) die(std::string("write ") + argv[2]);
    std::fprintf(stderr, "function-order-trace: %zu steps, %zu functions of %zu reached\n", steps, order.size(),
                 functions.size());
    if (WIFEXITED(first_status)) return WEXITSTATUS(first_status);
    return 1;
}

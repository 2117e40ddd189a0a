#include "runtime/first_run.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

// proc_pid_stat(5): the state letter follows the last ')' of "pid (comm) state ..."; '?' once the
// process is gone.
char process_state(pid_t pid) {
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return '?';
    char buffer[512];
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer - 1);
    if (n <= 0) return '?';
    std::string stat(buffer, static_cast<size_t>(n));
    size_t paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

}  // namespace

void wait_for_first_run(pid_t pid, int limit_ms) {
    for (int waited = 0; waited < limit_ms; ++waited) {
        char state = process_state(pid);
        if (state != 'R' && state != 'D') return;
        struct timespec one_ms{0, 1000 * 1000};
        ::nanosleep(&one_ms, nullptr);
    }
}

}  // namespace ocirt::runtime

#include "runtime/first_run.hpp"

#include <time.h>

#include "linux/proc_stat.hpp"

namespace ocirt::runtime {

void wait_for_first_run(pid_t pid, int limit_ms) {
    for (int waited = 0; waited < limit_ms; ++waited) {
        std::optional<linux_::ProcStat> stat = linux_::read_proc_stat(pid);
        if (!stat || (stat->state != 'R' && stat->state != 'D')) return;
        struct timespec one_ms{0, 1000 * 1000};
        ::nanosleep(&one_ms, nullptr);
    }
}

}  // namespace ocirt::runtime

// ocirt with fault injection, a test binary that is never installed: with OCIRT_FAULT_AT_STEP=N the Nth named
// step of the command (sync/fault_point.hpp), counted across the parent and the processes it forks, throws
// "fault injected at step N (who: step)" instead of going on. Without the variable it is plain ocirt.
#include <sys/mman.h>

#include <atomic>
#include <new>
#include <cstdlib>
#include <string>

#include "cli/cli.hpp"
#include "sync/fault_point.hpp"
#include "util/error.hpp"

namespace {

long g_fault_at = 0;
std::atomic<long>* g_steps = nullptr;  // in a MAP_SHARED page: forked children count on the same number

void fail_at_chosen_step(std::string_view who, std::string_view step) {
    long n = g_steps->fetch_add(1) + 1;
    if (n == g_fault_at)
        throw ocirt::Error("fault injected at step " + std::to_string(n) + " (" + std::string(who) + ": " +
                           std::string(step) + ")");
}

}  // namespace

int main(int argc, char** argv) {
    if (const char* at = std::getenv("OCIRT_FAULT_AT_STEP")) {
        g_fault_at = std::strtol(at, nullptr, 10);
        void* page = ::mmap(nullptr, sizeof(std::atomic<long>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED) return 1;
        g_steps = new (page) std::atomic<long>(0);
        ocirt::sync::fault_hook = fail_at_chosen_step;
    }
    return ocirt::cli::dispatch(argc, argv);
}

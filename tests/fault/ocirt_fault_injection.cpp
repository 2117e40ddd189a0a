// ocirt with fault injection, a test binary that is never installed: with OCIRT_FAULT_AT_STEP=WHO:N the Nth
// named step (sync/fault_point.hpp) that WHO ("parent" or "init") takes throws "fault injected at WHO step N
// (WHO: step)" instead of going on. Each side's steps come in a fixed order, while the parent's and the
// init's interleave as they run side by side, so each is counted on its own. Without the variable it is
// plain ocirt.
#include <sys/mman.h>

#include <atomic>
#include <new>
#include <cstdlib>
#include <string>

#include "cli/cli.hpp"
#include "sync/fault_point.hpp"
#include "util/error.hpp"

namespace {

std::string g_fault_who;
long g_fault_at = 0;
std::atomic<long>* g_steps = nullptr;  // in a MAP_SHARED page: forked children count on the same number

void fail_at_chosen_step(std::string_view who, std::string_view step) {
    if (who != g_fault_who) return;
    long n = g_steps->fetch_add(1) + 1;
    if (n == g_fault_at)
        throw ocirt::Error("fault injected at " + g_fault_who + " step " + std::to_string(n) + " (" +
                           std::string(who) + ": " + std::string(step) + ")");
}

}  // namespace

int main(int argc, char** argv) {
    if (const char* at = std::getenv("OCIRT_FAULT_AT_STEP")) {
        std::string_view spec(at);
        auto colon = spec.find(':');
        if (colon == std::string_view::npos) return 2;
        g_fault_who = spec.substr(0, colon);
        g_fault_at = std::strtol(at + colon + 1, nullptr, 10);
        void* page = ::mmap(nullptr, sizeof(std::atomic<long>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED) return 1;
        g_steps = new (page) std::atomic<long>(0);
        ocirt::sync::fault_hook = fail_at_chosen_step;
    }
    return ocirt::cli::dispatch(argc, argv);
}

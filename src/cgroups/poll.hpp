#pragma once
// Waiting for the kernel to finish what a cgroup write started (a freeze, an rmdir of an emptying cgroup).
#include <chrono>
#include <thread>

namespace ocirt::cgroups {

inline constexpr auto kFreezeTimeout = std::chrono::milliseconds(2000);

// Calls `done` every 2 ms until it returns true (then true) or `timeout` has passed (then false).
template <class Pred>
bool poll_until(Pred done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace ocirt::cgroups

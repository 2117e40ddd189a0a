#pragma once
// What a failed create must undo, undone in reverse order: each step that makes something pushes how
// to remove it; success dismisses the lot.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {

class CleanupStack {
public:
    CleanupStack() = default;
    CleanupStack(const CleanupStack&) = delete;
    CleanupStack& operator=(const CleanupStack&) = delete;
    ~CleanupStack() { unwind(); }

    void push(std::string what, std::function<void()> undo) { steps_.emplace_back(std::move(what), std::move(undo)); }
    void dismiss() { steps_.clear(); }

    // Runs every undo step, newest first; a step that fails is logged and the rest still run.
    void unwind() noexcept {
        while (!steps_.empty()) {
            auto [what, undo] = std::move(steps_.back());
            steps_.pop_back();
            try {
                undo();
            } catch (const std::exception& e) {
                log::warn("cleanup: " + what + ": " + e.what());
            }
        }
    }

private:
    std::vector<std::pair<std::string, std::function<void()>>> steps_;
};

}  // namespace ocirt::runtime

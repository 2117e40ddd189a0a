#pragma once
// What a failed create must undo, undone in reverse order: each step that makes something pushes how
// to remove it; success dismisses the lot (runtime/new_container.hpp).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {

class CleanupStack {
public:
    CleanupStack() { steps_.reserve(4); }  // create's steps, at most: one allocation
    CleanupStack(const CleanupStack&) = delete;
    CleanupStack& operator=(const CleanupStack&) = delete;
    ~CleanupStack() { unwind(); }

    // `what` is a literal: it names the step in the warning when the step fails.
    void push(const char* what, std::function<void()> undo) { steps_.emplace_back(what, std::move(undo)); }
    void dismiss() { steps_.clear(); }

    // Runs every undo step, newest first; a step that fails is logged and the rest still run.
    void unwind() noexcept {
        while (!steps_.empty()) {
            auto [what, undo] = std::move(steps_.back());
            steps_.pop_back();
            try {
                undo();
            } catch (const std::exception& e) {
                log::warn(std::string("cleanup: ") + what + ": " + e.what());
            }
        }
    }

private:
    std::vector<std::pair<const char*, std::function<void()>>> steps_;
};

}  // namespace ocirt::runtime

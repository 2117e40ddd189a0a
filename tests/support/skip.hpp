#pragma once
// A test that needs something this host may lack says so with OCIRT_SKIP_IF(condition, reason): doctest then
// counts the case as skipped, not passed, and the run's summary lists it with its reason (skip_listener.hpp,
// registered by each suite's main.cpp). doctest 2.4 has only the static `skip` decorator, nothing at run time.
#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace ocirt::test {

// What the listener knows of the running test case, shared by every translation unit of a test binary.
struct SkipLedger {
    bool listening = false;            // a SkipListener is registered in this binary
    int subcase_depth = 0;             // of the running test case
    std::vector<std::string> reasons;  // what skip() was given in the running test case
};

inline SkipLedger& skip_ledger() {
    static SkipLedger ledger;
    return ledger;
}

// Marks the running test case skipped for `reason` (what the host lacks). The caller returns at once:
// OCIRT_SKIP_IF does both. Not inside a SUBCASE: returning there also hides every later subcase of the case,
// which doctest 2.4 discovers only by running past them; such a subcase becomes its own TEST_CASE.
inline void skip(const std::string& reason) {
    SkipLedger& ledger = skip_ledger();
    if (!ledger.listening) FAIL("skip(\"" << reason << "\"): this binary's main.cpp does not register SkipListener");
    if (ledger.subcase_depth > 0) FAIL("skip(\"" << reason << "\") inside a SUBCASE would hide the subcases after it");
    MESSAGE("skipped: " << reason);
    ledger.reasons.push_back(reason);
}

}  // namespace ocirt::test

// Skips the test case (and returns from it) when `condition` holds; `reason` says what the host lacks.
#define OCIRT_SKIP_IF(condition, reason)     \
    do {                                     \
        if (condition) {                     \
            ::ocirt::test::skip(reason);     \
            return;                          \
        }                                    \
    } while (false)

// Skips the test case (and returns from it) when `lacking`, a string naming what the host lacks, is not empty.
#define OCIRT_SKIP_IF_LACKING(lacking)                                         \
    do {                                                                       \
        if (std::string ocirt_lacking_ = (lacking); !ocirt_lacking_.empty()) { \
            ::ocirt::test::skip(ocirt_lacking_);                               \
            return;                                                            \
        }                                                                      \
    } while (false)

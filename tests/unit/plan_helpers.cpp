#include "plan_helpers.hpp"

#include <doctest/doctest.h>

namespace ocirt::plan_test {

Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error thrown");
    return Error("unreachable");
}

}  // namespace ocirt::plan_test

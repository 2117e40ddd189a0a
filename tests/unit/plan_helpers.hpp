#pragma once
// Shared by the plan unit tests: the Error a planning call throws.
#include <functional>

#include "util/error.hpp"

namespace ocirt::plan_test {

// The Error `f` throws; the test fails when it throws none.
Error error_of(const std::function<void()>& f);

}  // namespace ocirt::plan_test

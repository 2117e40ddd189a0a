#pragma once
// Every named step of create, start and exec, parent and init alike, passes through fault_point(). The shipped
// ocirt never sets the hook; the test binary tests/fault/ocirt_fault_injection.cpp sets it to make one chosen
// step fail, so that a test can check what a failure at each step leaves behind.
#include <string_view>

namespace ocirt::sync {

using FaultHook = void (*)(std::string_view who, std::string_view step);
extern FaultHook fault_hook;

inline void fault_point(std::string_view who, std::string_view step) {
    if (fault_hook) fault_hook(who, step);
}

}  // namespace ocirt::sync

#pragma once
// A doctest listener that lists every cgroup directory before and after each test case, in every
// hierarchy of the host, and records the ones a test added and did not remove.
#include <string>
#include <vector>

namespace ocirt::test {

struct CgroupLeak {
    std::string test;
    std::string directory;
};

const std::vector<CgroupLeak>& cgroup_leaks();

}  // namespace ocirt::test

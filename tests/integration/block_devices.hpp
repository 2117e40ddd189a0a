#pragma once
// Block devices for the blkio (v1) and io (v2) tests: a real disk of the host, a loop device over a sparse
// file, and a device's I/O scheduler switched for the length of a test.
#include <string>

#include "harness.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::test {

// A real block device of this host ("major:minor") that is not a loop, ram or zram device; "" when none.
std::string disk_device();
// The scheduler a block device ("major:minor") uses now, as queue/scheduler brackets it ("bfq", "none").
std::string scheduler_of(const std::string& device);

int major_of(const std::string& device);  // "254:0" → 254
int minor_of(const std::string& device);  // "254:0" → 0

// A loop device over a sparse temp file, detached on destruction.
class LoopDevice {
public:
    LoopDevice();
    ~LoopDevice();
    LoopDevice(const LoopDevice&) = delete;
    LoopDevice& operator=(const LoopDevice&) = delete;
    const std::string& name() const { return name_; }
    std::string device() const;  // "7:N"

private:
    TempDir backing_;
    UniqueFd fd_;
    std::string name_;
};

// A block device's I/O scheduler switched (queue/scheduler, Documentation/block/switching-sched.rst) and
// switched back on destruction. `block_device` is its name under /sys/block ("vda", "loop3").
class SchedulerSwitch {
public:
    SchedulerSwitch(const std::string& block_device, const std::string& scheduler);
    ~SchedulerSwitch();
    SchedulerSwitch(const SchedulerSwitch&) = delete;
    SchedulerSwitch& operator=(const SchedulerSwitch&) = delete;

private:
    std::string file_, previous_;
};

// The name under /sys/block of a device "major:minor" ("vda").
std::string block_name_of(const std::string& device);

}  // namespace ocirt::test

#include "block_devices.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cgroup_paths.hpp"

namespace ocirt::test {
namespace fs = std::filesystem;

std::string disk_device() {
    for (const auto& entry : fs::directory_iterator("/sys/block")) {
        std::string name = entry.path().filename().string();
        if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0 || name.rfind("zram", 0) == 0) continue;
        if (fs::exists(entry.path() / "dev")) return cgroup_file((entry.path() / "dev").string());
    }
    return "";
}

std::string scheduler_of(const std::string& device) {
    std::string current = read_file("/sys/dev/block/" + device + "/queue/scheduler");
    auto open = current.find('['), close = current.find(']');
    if (open == std::string::npos || close == std::string::npos) return cgroup_file(current);
    return current.substr(open + 1, close - open - 1);
}

std::string block_name_of(const std::string& device) {
    return fs::read_symlink("/sys/dev/block/" + device).filename().string();
}

int major_of(const std::string& device) { return std::stoi(device.substr(0, device.find(':'))); }
int minor_of(const std::string& device) { return std::stoi(device.substr(device.find(':') + 1)); }

LoopDevice::LoopDevice() : backing_("ocirt-loop") {
    std::string image = backing_.path() + "/disk.img";
    std::ofstream(image).close();
    fs::resize_file(image, 16 << 20);
    UniqueFd control(::open("/dev/loop-control", O_RDWR | O_CLOEXEC));
    UniqueFd image_fd(::open(image.c_str(), O_RDWR | O_CLOEXEC));
    REQUIRE(control);
    REQUIRE(image_fd);
    for (int attempt = 0; attempt < 10 && !fd_; ++attempt) {
        int n = ::ioctl(control.get(), LOOP_CTL_GET_FREE);
        REQUIRE(n >= 0);
        UniqueFd fd(::open(("/dev/loop" + std::to_string(n)).c_str(), O_RDWR | O_CLOEXEC));
        loop_config config{};
        config.fd = static_cast<__u32>(image_fd.get());
        if (fd && ::ioctl(fd.get(), LOOP_CONFIGURE, &config) == 0) {  // else taken by someone else meanwhile
            fd_ = std::move(fd);
            name_ = "loop" + std::to_string(n);
        }
    }
    REQUIRE(fd_);
}

LoopDevice::~LoopDevice() { ::ioctl(fd_.get(), LOOP_CLR_FD, 0); }

std::string LoopDevice::device() const { return cgroup_file("/sys/block/" + name_ + "/dev"); }

SchedulerSwitch::SchedulerSwitch(const std::string& block_device, const std::string& scheduler)
    : file_("/sys/block/" + block_device + "/queue/scheduler") {
    std::string current = read_file(file_);
    auto open = current.find('['), close = current.find(']');
    REQUIRE(close != std::string::npos);
    previous_ = current.substr(open + 1, close - open - 1);
    std::ofstream(file_) << scheduler;
    REQUIRE(read_file(file_).find("[" + scheduler + "]") != std::string::npos);
}

SchedulerSwitch::~SchedulerSwitch() { std::ofstream(file_) << previous_; }

}  // namespace ocirt::test

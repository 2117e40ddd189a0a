#pragma once
// An AppArmor profile loaded for one test with apparmor_parser(8), in complain mode (it only logs, so the
// container runs as it would unconfined), and removed again.
#include <filesystem>
#include <string>

#include "harness.hpp"

namespace ocirt::test {

inline bool apparmor_usable() { return std::filesystem::exists("/sys/kernel/security/apparmor/.replace"); }

class AppArmorProfile {
public:
    explicit AppArmorProfile(const std::string& name) : name_(name), file_(dir_.path() + "/profile") {
        write_file(file_, "profile " + name + " flags=(complain) {\n}\n");
        Result r = run_program({"/usr/sbin/apparmor_parser", "-r", file_});
        loaded_ = r.exit_code == 0;
        error_ = r.err;
    }
    ~AppArmorProfile() {
        if (loaded_) run_program({"/usr/sbin/apparmor_parser", "-R", file_});
    }
    AppArmorProfile(const AppArmorProfile&) = delete;
    AppArmorProfile& operator=(const AppArmorProfile&) = delete;
    bool loaded() const { return loaded_; }
    const std::string& error() const { return error_; }
    const std::string& name() const { return name_; }
    // What /proc/PID/attr/current shows for a process under it.
    std::string current() const { return name_ + " (complain)\n"; }

private:
    std::string name_;
    TempDir dir_{"ocirt-apparmor"};
    std::string file_;
    bool loaded_ = false;
    std::string error_;
};

}  // namespace ocirt::test

#include "mount_helpers.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <sstream>
#include <stdexcept>

#include "container_helpers.hpp"

namespace ocirt::test {

std::vector<MountEntry> parse_mountinfo_text(const std::string& text) {
    std::vector<MountEntry> mounts;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> f;
        std::string w;
        while (words >> w) f.push_back(w);
        size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (f.size() < 6 || dash + 3 > f.size()) continue;
        MountEntry m{f[4], f[5], "", f[dash + 1], dash + 3 < f.size() ? f[dash + 3] : ""};
        for (size_t i = 6; i < dash; ++i) m.optional += (m.optional.empty() ? "" : " ") + f[i];
        mounts.push_back(m);
    }
    return mounts;
}

const MountEntry* find_mount(const std::vector<MountEntry>& mounts, const std::string& mount_point) {
    const MountEntry* found = nullptr;
    for (const auto& m : mounts)
        if (m.mount_point == mount_point) found = &m;
    return found;
}

std::vector<MountEntry> mounts_inside(const Ocirt& ocirt, Bundle& bundle) {
    auto r = run_script(ocirt, bundle, "cat /proc/self/mountinfo");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return parse_mountinfo_text(r.out);
}

bool has_item(const std::string& comma_list, const std::string& item) {
    std::istringstream in(comma_list);
    std::string part;
    while (std::getline(in, part, ','))
        if (part == item) return true;
    return false;
}

std::string peer_group(const std::string& optional, const std::string& tag) {
    std::istringstream in(optional);
    std::string field;
    while (in >> field)
        if (field.rfind(tag + ":", 0) == 0) return field.substr(tag.size() + 1);
    return "";
}

SharedMount::SharedMount(const std::string& dir) : dir_(dir) {
    if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) < 0) throw std::runtime_error("bind " + dir);
    if (::mount(nullptr, dir.c_str(), nullptr, MS_SHARED, nullptr) < 0) {
        ::umount2(dir.c_str(), MNT_DETACH);
        throw std::runtime_error("make shared " + dir);
    }
}

SharedMount::~SharedMount() { ::umount2(dir_.c_str(), MNT_DETACH); }

UserNamespaceHolder::UserNamespaceHolder(const std::string& uid_map, const std::string& gid_map) {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) < 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
        char byte = ::unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
        if (::write(ready[1], &byte, 1) != 1) ::_exit(1);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    char byte = 'n';
    if (pid_ < 0 || ::read(ready[0], &byte, 1) != 1) byte = 'n';
    ::close(ready[0]);
    if (byte != 'y') return;
    std::string proc = "/proc/" + std::to_string(pid_);
    std::ofstream(proc + "/uid_map") << uid_map;
    std::ofstream(proc + "/gid_map") << gid_map;
    mapped_ = read_file(proc + "/uid_map").find_first_not_of(" \n") != std::string::npos &&
              read_file(proc + "/gid_map").find_first_not_of(" \n") != std::string::npos;
}

UserNamespaceHolder::~UserNamespaceHolder() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
}

bool idmapped_mounts_supported(const std::string& dir, std::string& why) {
    UserNamespaceHolder holder("0 2000 1000\n", "0 3000 1000\n");
    if (!holder.mapped()) {
        why = "cannot make a user namespace";
        return false;
    }
    int userns = ::open(holder.ns_path().c_str(), O_RDONLY | O_CLOEXEC);
    int tree = ::open_tree(AT_FDCWD, dir.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns);
    bool ok = userns >= 0 && tree >= 0 && ::mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0;
    if (!ok) why = std::string("idmapped mount of ") + dir + ": " + std::strerror(errno);
    if (tree >= 0) ::close(tree);
    if (userns >= 0) ::close(userns);
    return ok;
}

std::vector<std::string> host_mount_points_containing(const std::string& needle) {
    std::vector<std::string> found;
    for (const auto& m : parse_mountinfo_text(read_file("/proc/self/mountinfo")))
        if (m.mount_point.find(needle) != std::string::npos) found.push_back(m.mount_point);
    return found;
}

}  // namespace ocirt::test

#include "state/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <optional>

#include "state/container_errors.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace ocirt::state {
namespace {

constexpr const char* kStateFile = "state.json";
constexpr const char* kPendingCgroupFile = "cgroup.pending";
constexpr const char* kConfigFile = "config.json";

void mkdir_parents(const std::string& path, mode_t mode) {
    std::string dir;
    for (const auto& part : std::filesystem::path(path)) {
        dir = (std::filesystem::path(dir) / part).string();
        if (dir == "/") continue;
        if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) throw SysError("mkdir " + ocirt::quoted(dir));
    }
}

UniqueFd open_dir(const std::string& dir) { return UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

// The holder before us may have deleted the container while we waited for the lock: its directory, which
// our fd still holds, then has no link left.
void throw_if_deleted(const Container& container, const std::string& root) {
    struct stat st {};
    if (::fstat(container.lock_fd(), &st) != 0) throw SysError("stat " + ocirt::quoted(container.dir()));
    if (st.st_nlink == 0) throw no_such_container(container.id(), root);
}

Error never_fully_created(const std::string& id) {
    return Error("container " + ocirt::quoted(id) + " was never fully created (its create died); delete --force removes it");
}

// The whole file, or nullopt when there is none.
std::optional<std::string> read_file_at(int dir_fd, const std::string& dir, const char* name) {
    std::string path = dir + "/" + name;
    UniqueFd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw SysError("open " + ocirt::quoted(path));
    }
    std::optional<std::string> text = read_all(fd.get());
    if (!text) throw SysError("read " + ocirt::quoted(path));
    return text;
}

}  // namespace

Store::Store(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string Store::dir_of(const std::string& id) const { return root_ + "/" + id; }

Container Store::create(const std::string& id) const {
    validate_id(id);
    mkdir_parents(root_, 0700);
    std::string dir = dir_of(id);
    if (::mkdir(dir.c_str(), 0711) != 0) {
        if (errno == EEXIST) throw Error("container " + ocirt::quoted(id) + " already exists");
        throw SysError("mkdir " + ocirt::quoted(dir));
    }
    UniqueFd fd = open_dir(dir);
    if (!fd) {
        int err = errno;
        ::rmdir(dir.c_str());
        throw SysError("open " + ocirt::quoted(dir), err);
    }
    Container container(id, dir, std::move(fd));
    container.take_lock(true);
    return container;
}

Container Store::open(const std::string& id) const {
    Container container = open_unlocked(id);
    container.take_lock(true);
    throw_if_deleted(container, root_);
    return container;
}

OpenedContainer Store::open_for_change(const std::string& id) const {
    Container container = open_unlocked(id);
    if (!container.take_lock(false)) {
        if (!container.has_record()) throw container.no_record_error();
        container.take_lock(true);
    }
    throw_if_deleted(container, root_);
    Record record = container.load();
    Status status = derive_status(record, container.dir());
    return {std::move(container), std::move(record), status};
}

OpenedContainer Store::open_for_reading(const std::string& id) const {
    Container container = open_unlocked(id);
    Record record = container.load();
    Status status = derive_status(record, container.dir());
    return {std::move(container), std::move(record), status};
}

Container Store::open_unlocked(const std::string& id) const {
    validate_id(id);
    std::string dir = dir_of(id);
    UniqueFd fd = open_dir(dir);
    if (!fd) {
        if (errno == ENOENT) throw no_such_container(id, root_);
        throw SysError("open " + ocirt::quoted(dir));
    }
    return Container(id, dir, std::move(fd));
}

bool Store::exists(const std::string& id) const {
    struct stat st {};
    return ::stat(dir_of(id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> Store::ids() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
        if (!entry.is_directory(ec)) continue;
        std::string name = entry.path().filename().string();
        try {
            validate_id(name);
            out.push_back(name);
        } catch (const Error&) {
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

Container::Container(std::string id, std::string dir, UniqueFd dir_fd)
    : id_(std::move(id)), dir_(std::move(dir)), dir_fd_(std::move(dir_fd)) {}

bool Container::take_lock(bool wait) {
    while (::flock(dir_fd_.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
        if (!wait && errno == EWOULDBLOCK) return false;
        if (errno != EINTR) throw SysError("flock " + ocirt::quoted(dir_));
    }
    locked_ = true;
    return true;
}

bool Container::has_record() const { return ::faccessat(dir_fd_.get(), kStateFile, F_OK, 0) == 0; }

Error Container::no_record_error() const {
    struct stat opened {}, listed {};
    bool still_listed = ::fstat(dir_fd_.get(), &opened) == 0 && ::stat(dir_.c_str(), &listed) == 0 &&
                        opened.st_dev == listed.st_dev && opened.st_ino == listed.st_ino;
    if (!still_listed) return no_such_container(id_, dir_.substr(0, dir_.size() - id_.size() - 1));
    if (locked_) return never_fully_created(id_);
    // create holds the lock until it has saved state.json: a free lock means the create died (flock(2) on a
    // new open file description, let go when it closes).
    UniqueFd probe = open_dir(dir_);
    if (probe && ::flock(probe.get(), LOCK_SH | LOCK_NB) == 0) return never_fully_created(id_);
    return Error("container " + ocirt::quoted(id_) + " is still being created");
}

Record Container::load() const {
    std::optional<std::string> text = read_file_at(dir_fd_.get(), dir_, kStateFile);
    if (!text) throw no_record_error();
    return with_context(ocirt::quoted(dir_ + "/" + kStateFile), [&] { return Record::parse(*text); });
}

// No fsync(2) after write_atomic: the state describes processes that a power loss ends too, and it normally
// lives on tmpfs (/run).
void Container::save(const Record& record) {
    write_atomic(dir_fd_.get(), dir_, kStateFile, record.to_json().dump() + "\n", 0600);
}

// Whole or not at all (write_atomic), so a create killed mid-write never leaves a shorter path.
void Container::save_pending_cgroup(const std::string& recorded_path) {
    write_atomic(dir_fd_.get(), dir_, kPendingCgroupFile, recorded_path, 0600);
}

std::string Container::pending_cgroup() const {
    return read_file_at(dir_fd_.get(), dir_, kPendingCgroupFile).value_or("");
}

// Not through a temporary file: the directory is new, and no command reads the snapshot before state.json
// is saved after it.
void Container::save_config(const std::string& text) {
    std::string path = dir_ + "/" + kConfigFile;
    UniqueFd fd(::openat(dir_fd_.get(), kConfigFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) throw SysError("create " + ocirt::quoted(path));
    if (!write_all(fd.get(), text)) throw SysError("write " + ocirt::quoted(path));
}

std::optional<std::string> Container::saved_config() const { return read_file_at(dir_fd_.get(), dir_, kConfigFile); }

std::string Container::saved_config_path() const { return dir_ + "/" + kConfigFile; }

std::string Container::exec_fifo_path() const { return dir_ + "/exec.fifo"; }

void Container::remove() {
    // Readers without the lock (state, list, ps, events) that open the directory while its files go must
    // not take a deleted container for one being created, so the id leaves the root first, by rename(2);
    // '~' is outside the id alphabet, so open() and ids() never see the doomed name.
    std::string doomed = dir_ + "~deleting";
    const std::string& target = ::rename(dir_.c_str(), doomed.c_str()) == 0 ? doomed : dir_;
    std::error_code ec;
    std::filesystem::remove_all(target, ec);
    if (ec) throw Error("remove " + ocirt::quoted(target) + ": " + ec.message());
}

}  // namespace ocirt::state

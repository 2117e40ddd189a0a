#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "criu/criu.hpp"
#include "criu/rpc.pb-c.h"
#include "linux/child_process.hpp"
#include "linux/spawn.hpp"
#include "linux/unix_socket.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace ocirt::criu {
namespace {

// The descriptors criu is given are numbered from 3 in its process, in the order they were passed.
constexpr int kFirstPassedFd = 3;
// Copies of the passed descriptors are made at or above this number first, so that giving one its number
// in criu never overwrites another still to be given.
constexpr int kStagingFd = 64;
constexpr size_t kMaxResponse = 1 << 20;

class PassedFds {
public:
    // Returns the number `fd` will have in criu's process.
    int add(int fd) {
        int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, kStagingFd);
        if (copy < 0) throw SysError("duplicate descriptor " + std::to_string(fd) + " for criu");
        copies_.emplace_back(copy);
        return kFirstPassedFd + static_cast<int>(copies_.size()) - 1;
    }
    void close_all() { copies_.clear(); }  // once criu has its copies
    void give(linux_::SpawnActions& actions) const {
        for (size_t i = 0; i < copies_.size(); ++i)
            ::posix_spawn_file_actions_adddup2(actions.get(), copies_[i].get(), kFirstPassedFd + static_cast<int>(i));
    }

private:
    std::vector<UniqueFd> copies_;
};

struct SocketPair {
    UniqueFd ours;
    UniqueFd criu_end;
};

SocketPair socket_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) throw SysError("socketpair for criu");
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// posix_spawn(3) of `criu swrk N` with every signal at its default and unblocked (`restore` in the
// foreground blocks the signals it forwards).
linux_::ChildProcess spawn_swrk(const std::string& criu_path, const PassedFds& passed, int socket_number) {
    std::string fd_arg = std::to_string(socket_number);
    char swrk[] = "swrk";
    char* argv[] = {const_cast<char*>(criu_path.c_str()), swrk, fd_arg.data(), nullptr};
    linux_::SpawnActions actions;
    passed.give(actions);
    linux_::SpawnAttributes attributes;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    ::posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    ::posix_spawnattr_setsigmask(attributes.get(), &none);
    ::posix_spawnattr_setsigdefault(attributes.get(), &all);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, criu_path.c_str(), actions.get(), attributes.get(), argv, environ);
    if (rc == ENOENT) throw Error("criu " + ocirt::quoted(criu_path) + " not found (install the criu package, or give its path with --criu)");
    if (rc != 0) throw SysError("run " + ocirt::quoted(criu_path), rc);
    return linux_::ChildProcess(pid);
}

struct ResponseDeleter {
    void operator()(CriuResp* r) const { criu_resp__free_unpacked(r, nullptr); }
};
using Response = std::unique_ptr<CriuResp, ResponseDeleter>;

void send_request(int socket, const CriuReq& request) {
    std::vector<uint8_t> buffer(criu_req__get_packed_size(&request));
    criu_req__pack(&request, buffer.data());
    for (;;) {
        ssize_t n = ::send(socket, buffer.data(), buffer.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("send a request to criu");
        return;
    }
}

struct Message {
    Response response;  // nullptr when criu closed its end (it exited)
    UniqueFd fd;        // one that came with it (unix(7) SCM_RIGHTS)
};

Message receive_response(int socket) {
    std::vector<char> buffer(kMaxResponse);
    linux_::ReceivedMessage received = with_context("read criu's answer", [&] { return linux_::receive_message(socket, buffer); });
    Message message;
    message.fd = std::move(received.fd);
    if (received.size == 0) return message;
    if (received.truncated) throw Error("criu's answer is larger than " + std::to_string(kMaxResponse) + " bytes");
    CriuResp* response = criu_resp__unpack(nullptr, received.size, reinterpret_cast<const uint8_t*>(buffer.data()));
    if (!response) throw Error("criu's answer is not a criu_resp message");
    message.response = Response(response);
    return message;
}

// The "Error (file:line): ..." lines of criu's log, the last few: CRIU's RPC answer rarely says more than
// that the request failed.
std::string log_errors(int dir_fd, const std::string& log_file, const std::string& said) {
    if (dir_fd < 0 || log_file.empty()) return {};
    int raw = ::openat(dir_fd, log_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (raw < 0) return {};
    UniqueFd log(raw);
    std::string text;
    char chunk[65536];
    ssize_t n;
    while ((n = ::read(log.get(), chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<size_t>(n));
    std::vector<std::string> errors;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (auto at = line.find("Error ("); at != std::string::npos && line.substr(at) != said) errors.push_back(line.substr(at));
        start = end + 1;
    }
    constexpr size_t kShown = 4;
    std::string out;
    for (size_t i = errors.size() > kShown ? errors.size() - kShown : 0; i < errors.size(); ++i)
        out += (out.empty() ? "" : "; ") + errors[i];
    return out;
}

std::string_view action_name(Action action) {
    switch (action) {
        case Action::dump: return "dump";
        case Action::pre_dump: return "pre-dump";
        case Action::restore: return "restore";
    }
    return "request";
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

Error request_failed(Action action, const CriuResp* response, const Options& options, const std::string& exit) {
    std::string reason = "criu " + std::string(action_name(action)) + " failed";
    std::string message;
    if (response && response->cr_errmsg) message = trimmed(response->cr_errmsg);
    if (message.empty() && response && response->has_cr_errno && response->cr_errno) message = std::strerror(response->cr_errno);
    if (!message.empty()) reason += ": " + message;
    if (!exit.empty()) reason += " (" + exit + ")";
    int log_dir = options.work_dir_fd >= 0 ? options.work_dir_fd : options.images_dir_fd;
    // CRIU's message is often its last error line again.
    if (std::string errors = log_errors(log_dir, options.log_file, message); !errors.empty()) reason += ": " + errors;
    if (!options.log_file.empty()) reason += " (log: " + options.work_dir + "/" + options.log_file + ")";
    return Error(reason);
}

char* c_string(const std::string& s) { return const_cast<char*>(s.c_str()); }

// The request's messages point into `options` and into these vectors: they live as long as the request.
class OptsMessage {
public:
    OptsMessage(const Options& options, PassedFds& passed) {
        // criu opens these two as /proc/<its peer>/fd/N, the peer being us (SO_PEERCRED of the socket pair):
        // they keep our numbers. The inherited descriptors below are criu's own, so they are passed.
        opts_.images_dir_fd = options.images_dir_fd;
        if (options.work_dir_fd >= 0) {
            opts_.has_work_dir_fd = true;
            opts_.work_dir_fd = options.work_dir_fd;
        }
        // criu(8) -v4: the log keeps what a failed request needs explained.
        opts_.has_log_level = true;
        opts_.log_level = 4;
        if (!options.log_file.empty()) opts_.log_file = c_string(options.log_file);
        if (options.pid > 0) {
            opts_.has_pid = true;
            opts_.pid = options.pid;
        }
        if (!options.root.empty()) opts_.root = c_string(options.root);
        if (!options.parent_image.empty()) opts_.parent_img = c_string(options.parent_image);
        flag(opts_.has_leave_running, opts_.leave_running, options.leave_running);
        flag(opts_.has_tcp_established, opts_.tcp_established, options.tcp_established);
        flag(opts_.has_ext_unix_sk, opts_.ext_unix_sk, options.ext_unix_sk);
        flag(opts_.has_shell_job, opts_.shell_job, options.shell_job);
        flag(opts_.has_file_locks, opts_.file_locks, options.file_locks);
        flag(opts_.has_track_mem, opts_.track_mem, options.track_mem);
        flag(opts_.has_rst_sibling, opts_.rst_sibling, options.rst_sibling);
        flag(opts_.has_orphan_pts_master, opts_.orphan_pts_master, options.orphan_pts_master);
        opts_.has_notify_scripts = true;
        opts_.notify_scripts = true;
        opts_.has_manage_cgroups = true;
        opts_.manage_cgroups = true;
        if (options.cgroup_mode) {
            opts_.has_manage_cgroups_mode = true;
            opts_.manage_cgroups_mode = mode(*options.cgroup_mode);
        }
        if (options.empty_namespaces) {
            opts_.has_empty_ns = true;
            opts_.empty_ns = options.empty_namespaces;
        }
        for (const auto& m : options.external_mounts) {
            ExtMountMap entry = EXT_MOUNT_MAP__INIT;
            entry.key = c_string(m.key);
            entry.val = c_string(m.value);
            ext_mounts_.push_back(entry);
        }
        for (const auto& e : options.external) external_.push_back(c_string(e));
        for (const auto& f : options.inherited_fds) {
            InheritFd entry = INHERIT_FD__INIT;
            entry.key = c_string(f.key);
            entry.fd = passed.add(f.fd);
            inherited_.push_back(entry);
        }
        for (const auto& r : options.cgroup_roots) {
            ::CgroupRoot entry = CGROUP_ROOT__INIT;
            if (!r.controller.empty()) entry.ctrl = c_string(r.controller);
            entry.path = c_string(r.path);
            cgroup_roots_.push_back(entry);
        }
        if (!options.freeze_cgroup.empty()) opts_.freeze_cgroup = c_string(options.freeze_cgroup);
        if (!options.lsm_profile.empty()) opts_.lsm_profile = c_string(options.lsm_profile);
        if (!options.lsm_mount_context.empty()) opts_.lsm_mount_context = c_string(options.lsm_mount_context);
        link(ext_mounts_, ext_mount_ptrs_, opts_.n_ext_mnt, opts_.ext_mnt);
        link(inherited_, inherited_ptrs_, opts_.n_inherit_fd, opts_.inherit_fd);
        link(cgroup_roots_, cgroup_root_ptrs_, opts_.n_cg_root, opts_.cg_root);
        opts_.n_external = external_.size();
        opts_.external = external_.empty() ? nullptr : external_.data();
    }
    OptsMessage(const OptsMessage&) = delete;
    OptsMessage& operator=(const OptsMessage&) = delete;

    CriuOpts* get() { return &opts_; }

private:
    static void flag(protobuf_c_boolean& has, protobuf_c_boolean& value, bool set) {
        if (!set) return;
        has = true;
        value = true;
    }
    static CriuCgMode mode(CgroupMode m) {
        switch (m) {
            case CgroupMode::ignore: return CRIU_CG_MODE__IGNORE;
            case CgroupMode::soft: return CRIU_CG_MODE__SOFT;
            case CgroupMode::full: return CRIU_CG_MODE__FULL;
            case CgroupMode::strict: return CRIU_CG_MODE__STRICT;
        }
        return CRIU_CG_MODE__DEFAULT;
    }
    template <typename T>
    static void link(std::vector<T>& entries, std::vector<T*>& pointers, size_t& count, T**& field) {
        for (auto& e : entries) pointers.push_back(&e);
        count = pointers.size();
        field = pointers.empty() ? nullptr : pointers.data();
    }

    CriuOpts opts_ = CRIU_OPTS__INIT;
    std::vector<ExtMountMap> ext_mounts_;
    std::vector<ExtMountMap*> ext_mount_ptrs_;
    std::vector<char*> external_;
    std::vector<InheritFd> inherited_;
    std::vector<InheritFd*> inherited_ptrs_;
    std::vector<::CgroupRoot> cgroup_roots_;
    std::vector<::CgroupRoot*> cgroup_root_ptrs_;
};

CriuReqType request_type(Action action) {
    switch (action) {
        case Action::dump: return CRIU_REQ_TYPE__DUMP;
        case Action::pre_dump: return CRIU_REQ_TYPE__PRE_DUMP;
        case Action::restore: return CRIU_REQ_TYPE__RESTORE;
    }
    return CRIU_REQ_TYPE__EMPTY;
}

void answer_notification(int socket, bool success) {
    CriuReq answer = CRIU_REQ__INIT;
    answer.type = CRIU_REQ_TYPE__NOTIFY;
    answer.has_notify_success = true;
    answer.notify_success = success;
    send_request(socket, answer);
}

std::string criu_exit(linux_::ChildProcess& criu) {
    if (!criu.exited(5000)) return {};
    linux_::ExitStatus status = criu.wait();
    return status.signaled || status.value != 0 ? "criu: " + status.describe() : std::string();
}

}  // namespace

std::optional<CgroupMode> cgroup_mode_named(std::string_view name) {
    if (name == "ignore") return CgroupMode::ignore;
    if (name == "soft") return CgroupMode::soft;
    if (name == "full") return CgroupMode::full;
    if (name == "strict") return CgroupMode::strict;
    return std::nullopt;
}

Result run(const std::string& criu_path, Action action, const Options& options, const Notify& notify,
           const std::function<void(pid_t)>& started) {
    SocketPair sockets = socket_pair();
    PassedFds passed;
    int socket_number = passed.add(sockets.criu_end.get());
    OptsMessage opts(options, passed);
    linux_::ChildProcess criu = spawn_swrk(criu_path, passed, socket_number);
    sockets.criu_end.reset();
    passed.close_all();
    if (started) started(criu.pid());

    CriuReq request = CRIU_REQ__INIT;
    request.type = request_type(action);
    request.opts = opts.get();
    send_request(sockets.ours.get(), request);
    for (;;) {
        Message message = receive_response(sockets.ours.get());
        const Response& response = message.response;
        if (!response) throw request_failed(action, nullptr, options, criu_exit(criu));
        if (response->type == CRIU_REQ_TYPE__NOTIFY) {
            const CriuNotify* n = response->notify;
            Notification notification{n && n->script ? n->script : "", n && n->has_pid ? n->pid : 0, message.fd.get()};
            try {
                if (notify) notify(notification);
            } catch (const Error&) {
                answer_notification(sockets.ours.get(), false);
                throw;
            }
            answer_notification(sockets.ours.get(), true);
            continue;
        }
        if (response->type != request.type)
            throw Error("criu answered a " + std::string(action_name(action)) + " request with message type " +
                        std::to_string(response->type));
        if (!response->success) throw request_failed(action, response.get(), options, criu_exit(criu));
        Result result;
        if (action == Action::restore && response->restore) result.restored_pid = response->restore->pid;
        sockets.ours.reset();
        std::string exit = criu_exit(criu);
        // After a pre-dump criu waits on the socket for the next one (iterative pre-dumps); closing it ends
        // criu with "Can't recv request" and status 255, after it answered success.
        if (!exit.empty() && action != Action::pre_dump) throw request_failed(action, nullptr, options, exit);
        return result;
    }
}

}  // namespace ocirt::criu

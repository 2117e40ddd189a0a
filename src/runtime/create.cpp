#include "runtime/create.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "runtime/launcher.hpp"
#include "runtime/new_container.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

// fifo(7) in the state directory: the init blocks opening it for writing until `start` reads it.
UniqueFd make_exec_fifo(const std::string& path) {
    if (::mkfifo(path.c_str(), 0622) < 0) throw SysError("mkfifo " + ocirt::quoted(path));
    // The init may already run as process.user.uid when it opens the fifo; mkfifo(3) applies the umask.
    if (::chmod(path.c_str(), 0622) < 0) throw SysError("chmod " + ocirt::quoted(path));
    int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) throw SysError("open " + ocirt::quoted(path));
    return UniqueFd(fd);
}

// create's launch (runtime/new_container.hpp): exec.fifo made, then the init forked and driven through the
// sync protocol (runtime/launcher.hpp) to Ready, where it blocks on exec.fifo. With
// Placement::start_before_cgroup the init is forked at once, before its cgroup exists.
class InitLaunch {
public:
    explicit InitLaunch(NewContainer& container)
        : container_(container), exec_fifo_(make_exec_fifo(container.state_dir().exec_fifo_path())) {
        if (container.placement() == Placement::start_before_cgroup) started_ = start_init(container.plan(), fds(), std::nullopt);
    }

    linux_::ChildProcess finish(cgroups::Manager& cgroup) {
        if (!started_) {
            bool clone_into = container_.placement() == Placement::clone_into_cgroup;
            started_ = start_init(container_.plan(), fds(), clone_into ? cgroup.clone_target() : std::nullopt);
        }
        return launch(container_.plan(), *started_, cgroup, kInitNames, container_.runtime_hooks());
    }

private:
    LaunchFds fds() const {
        return LaunchFds{exec_fifo_.get(), container_.state_dir().lock_fd(), container_.console_socket()};
    }

    NewContainer& container_;
    UniqueFd exec_fifo_;
    std::optional<StartedChild> started_;  // killed and reaped, unless driven to Ready, when this goes
};

}  // namespace

void write_pid_file(const std::string& path, pid_t pid) {
    with_context("pid file", [&] { write_atomic(AT_FDCWD, "", path, std::to_string(pid), 0644); });
}

linux_::ChildProcess create_container(const CreateRequest& request) {
    NewContainer container(request);
    // Made after `container`, so that on failure the init is killed and reaped before its cleanup unwinds.
    InitLaunch init(container);
    // Written while an early init sets itself up on the other CPU; exec reads it only once state.json exists.
    container.save_config();
    cgroups::Manager& cgroup = container.place();
    return container.commit(init.finish(cgroup));
}

}  // namespace ocirt::runtime

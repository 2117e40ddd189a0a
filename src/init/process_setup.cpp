#include "init/process_setup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "init/hook_steps.hpp"
#include "linux/identity.hpp"
#include "linux/mounts.hpp"
#include "sync/exec_fifo.hpp"
#include "util/error.hpp"

namespace ocirt::init {

void set_hostname(const InitContext& ctx) {
    if (const auto& h = ctx.plan.hostname; h && ::sethostname(h->data(), h->size()) < 0)
        throw SysError("set hostname " + quoted(*h));
    if (const auto& d = ctx.plan.domainname; d && ::setdomainname(d->data(), d->size()) < 0)
        throw SysError("set domainname " + quoted(*d));
    if (ctx.plan.hostname || ctx.plan.domainname) ctx.step("hostname set");
}

void apply_no_new_privileges(const InitContext& ctx) {
    if (ctx.plan.process.no_new_privileges) linux_::set_no_new_privileges();
}

UniqueFd wait_for_start(const InitContext& ctx) {
    // fifo(7): opening for writing blocks until a reader opens it; /proc/self/fd reopens the fifo
    // although the state directory is out of reach after pivot_root.
    std::string path = linux_::fd_path(ctx.fds.exec_fifo);
    int fd;
    do fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) throw SysError("open exec fifo");
    UniqueFd fifo(fd);
    try {
        run_start_hooks(ctx);
    } catch (const Error& e) {
        sync::write_start_failure(fifo.get(), e.full());
        throw;
    }
    char byte = sync::kStarted;
    if (::write(fifo.get(), &byte, 1) != 1) throw SysError("write exec fifo");
    return fifo;
}

}  // namespace ocirt::init

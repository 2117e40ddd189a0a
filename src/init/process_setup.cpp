#include "init/process_setup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "linux/identity.hpp"
#include "linux/mounts.hpp"
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

void wait_for_start(const InitContext& ctx) {
    // fifo(7): opening for writing blocks until a reader opens it; /proc/self/fd reopens the fifo
    // although the state directory is out of reach after pivot_root.
    std::string path = linux_::fd_path(ctx.fds.exec_fifo);
    int fd;
    do fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) throw SysError("open exec fifo");
    char byte = '0';
    ssize_t n = ::write(fd, &byte, 1);
    int err = errno;
    ::close(fd);
    if (n != 1) throw SysError("write exec fifo", err);
}

}  // namespace ocirt::init

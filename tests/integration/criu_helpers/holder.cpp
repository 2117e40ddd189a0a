// Runs inside a container that is checkpointed: holds what busybox has no applet to hold, then counts up
// every 0.1 s into /tmp/count, as the shell counter of the checkpoint tests does.
//   cr_holder --dgram PATH   a datagram socket connected to PATH (outside the container), sent the count
//   cr_holder --flock PATH   an exclusive flock(2) on PATH
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

int fail(const char* what) {
    std::fprintf(stderr, "cr_holder: %s: %s\n", what, std::strerror(errno));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    int socket_fd = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string option = argv[i];
        const char* path = argv[i + 1];
        if (option == "--dgram") {
            socket_fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
            sockaddr_un address{};
            address.sun_family = AF_UNIX;
            std::strncpy(address.sun_path, path, sizeof address.sun_path - 1);
            if (socket_fd < 0 || ::connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) return fail("connect");
        } else if (option == "--flock") {
            int fd = ::open(path, O_RDWR | O_CREAT, 0644);
            if (fd < 0 || ::flock(fd, LOCK_EX) < 0) return fail("flock");
        } else {
            std::fprintf(stderr, "cr_holder: unknown option %s\n", option.c_str());
            return 2;
        }
    }
    for (long count = 1;; ++count) {
        std::string text = std::to_string(count) + "\n";
        int fd = ::open("/tmp/count.new", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            (void)!::write(fd, text.data(), text.size());
            ::close(fd);
            ::rename("/tmp/count.new", "/tmp/count");
        }
        // The listener outside may be gone meanwhile: the count goes on.
        if (socket_fd >= 0) (void)::send(socket_fd, text.data(), text.size(), MSG_DONTWAIT);
        ::usleep(100000);
    }
}

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <filesystem>
#include <sstream>

#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "util/unique_fd.hpp"

using namespace ocirt::test;
using ocirt::UniqueFd;
namespace fs = std::filesystem;

namespace {

// The value after `prefix` on the first output line that starts with it ("" when none does).
std::string line_value(const std::string& out, const std::string& prefix) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    return "";
}

}  // namespace

TEST_CASE("terminal: the pty master comes through the console socket; the shell reads consoleSize, its /dev/pts/N, owned by its user, and /dev/console as that pty") {
    Ocirt ocirt;
    Bundle bundle;
    ConsoleReceiver console;
    bundle.config["process"]["terminal"] = true;
    bundle.config["process"]["consoleSize"] = {{"height", 37}, {"width", 91}};
    bundle.config["process"]["args"] = {"/bin/sh"};
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    RunningContainer container(ocirt, bundle, "tty", {"--console-socket", console.path()});

    std::string payload;
    UniqueFd master(console.receive_master(payload));
    REQUIRE(master);
    CHECK(payload.size() >= 1);
    unsigned int pty_number = 0;
    REQUIRE(::ioctl(master.get(), TIOCGPTN, &pty_number) == 0);
    std::string pts = "/dev/pts/" + std::to_string(pty_number);
    CHECK(payload == pts);

    std::string out = converse(master.get(),
                               "echo size=$(stty size); echo tty=$(tty); echo fds=$(for fd in 0 1 2; do readlink "
                               "/proc/$$/fd/$fd; done); echo console=$(stat -L -c %t:%T /dev/console); echo pts=$(stat -L -c %t:%T "
                               "$(tty)); echo sid=$(cut -d' ' -f6 /proc/$$/stat) pid=$$; echo owner=$(stat -c %u $(tty)); echo DO\"\"NE",
                               "DONE");
    INFO(out);
    CHECK(line_value(out, "size=") == "37 91");
    CHECK(line_value(out, "tty=") == pts);
    CHECK(line_value(out, "fds=") == pts + " " + pts + " " + pts);
    CHECK(!line_value(out, "pts=").empty());
    CHECK(line_value(out, "console=") == line_value(out, "pts="));
    CHECK(line_value(out, "sid=") == "1 pid=1");  // the shell leads its session: the pty is its controlling tty
    CHECK(line_value(out, "owner=") == "1000");
    // Every fd of the init is the pty (136:N, pts(4)) or the /dev/tty (5:0) the interactive shell opens
    // for job control: the console socket did not stay open. One the shell closed meanwhile is skipped.
    for (int fd : open_fds(container.pid())) {
        CAPTURE(fd);
        struct stat st {};
        if (::stat(("/proc/" + std::to_string(container.pid()) + "/fd/" + std::to_string(fd)).c_str(), &st) < 0) {
            CHECK(errno == ENOENT);
            continue;
        }
        CHECK(S_ISCHR(st.st_mode));
        CHECK((st.st_rdev == makedev(136, pty_number) || st.st_rdev == makedev(5, 0)));
    }

    send_line(master.get(), "exit");
    read_until_hangup(master.get());
    CHECK(eventually([&] { return ocirt({"state", container.id()}).out.find("\"stopped\"") != std::string::npos; }));
}

TEST_CASE("terminal: run in the foreground without --console-socket copies ocirt's own terminal to the container's pty") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-tty");
    bundle.config["process"]["terminal"] = true;
    bundle.config["process"]["args"] = {"/bin/sh"};
    bundle.write();
    // The test's own pty stands for the user's terminal: ocirt gets its peer as stdin, stdout and stderr.
    UniqueFd terminal(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    REQUIRE(terminal);
    REQUIRE(::grantpt(terminal.get()) == 0);
    REQUIRE(::unlockpt(terminal.get()) == 0);
    winsize size{};
    size.ws_row = 33;
    size.ws_col = 77;
    REQUIRE(::ioctl(terminal.get(), TIOCSWINSZ, &size) == 0);
    std::string id = unique_id("tty-fg");
    Spawn spawn;
    spawn.args = {"run", "--bundle", bundle.path(), id};
    spawn.tty = ::ptsname(terminal.get());
    pid_t run = spawn_ocirt(ocirt, spawn);
    std::string out = converse(terminal.get(),
                               "echo size=$(stty size) tty=$(tty) console=$(stat -L -c %t:%T /dev/console) "
                               "pts=$(stat -L -c %t:%T $(tty)); echo DO\"\"NE",
                               "DONE");
    INFO(out);
    CHECK(out.find("\nsize=33 77 tty=/dev/pts/0 console=88:0 pts=88:0\n") != std::string::npos);
    send_line(terminal.get(), "exit 4");
    CHECK(wait_exit(run) == 4);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    termios mode{};
    REQUIRE(::tcgetattr(terminal.get(), &mode) == 0);
    CHECK((mode.c_lflag & ICANON) != 0);  // termios(3): the terminal is given back as ocirt found it
}

TEST_CASE("terminal: process.terminal without --console-socket fails and leaves no state behind") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-tty");
    bundle.shell("true");
    bundle.config["process"]["terminal"] = true;
    bundle.write();
    std::string id = unique_id("tty-none");
    auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/o", files.path() + "/e");
    CHECK(created.exit_code == 1);
    CHECK(created.err.find("console") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
}

TEST_CASE("fds: --preserve-fds passes fds 3 and 4; no other fd of ocirt or its caller reaches the container") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-fds");
    write_file(files.path() + "/three", "contents of three\n");
    write_file(files.path() + "/four", "contents of four\n");
    write_file(files.path() + "/stray", "must not be seen\n");
    bundle.shell("cat <&3; cat <&4; exec sleep 1000");
    bundle.write();
    Spawn spawn;
    spawn.args = {"run", "-d", "--preserve-fds", "2", "--pid-file", files.path() + "/pid", "--bundle", bundle.path(),
                  unique_id("preserve")};
    spawn.out_file = files.path() + "/out";
    spawn.err_file = files.path() + "/err";
    spawn.fd_files = {files.path() + "/three", files.path() + "/four"};
    spawn.stray_file = files.path() + "/stray";  // on fd 6
    Result run = run_ocirt_with_fds(ocirt, spawn);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    pid_t pid = std::stoi(read_file(files.path() + "/pid"));
    CHECK(eventually([&] { return read_file(spawn.out_file) == "contents of three\ncontents of four\n"; }));
    REQUIRE(eventually([&] { return read_file("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; }));
    CHECK(open_fds(pid) == std::vector<int>{0, 1, 2, 3, 4});
    CHECK(fs::read_symlink("/proc/" + std::to_string(pid) + "/fd/4") == files.path() + "/four");
}

TEST_CASE("fds: without --preserve-fds the container has only 0, 1 and 2, even when the caller leaves fds open") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-fds");
    write_file(files.path() + "/stray", "must not be seen\n");
    bundle.config["process"]["args"] = {"sleep", "1000"};
    bundle.write();
    std::string id = unique_id("nofds");
    Spawn spawn;
    spawn.args = {"run", "-d", "--pid-file", files.path() + "/pid", "--bundle", bundle.path(), id};
    spawn.out_file = files.path() + "/out";
    spawn.err_file = files.path() + "/err";
    spawn.stray_file = files.path() + "/stray";  // on fd 4
    Result run = run_ocirt_with_fds(ocirt, spawn);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    pid_t pid = std::stoi(read_file(files.path() + "/pid"));
    CHECK(open_fds(pid) == std::vector<int>{0, 1, 2});
}

TEST_CASE("fds: LISTEN_FDS/LISTEN_PID from socket activation reach the container as LISTEN_FDS=2, LISTEN_PID=1 and fds 3, 4") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-listen");
    write_file(files.path() + "/three", "socket three\n");
    write_file(files.path() + "/four", "socket four\n");
    bundle.shell("echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID pid=$$; cat <&3; cat <&4; exec sleep 1000");
    bundle.write();
    Spawn spawn;
    spawn.args = {"run", "-d", "--pid-file", files.path() + "/pid", "--bundle", bundle.path(), unique_id("listen")};
    spawn.out_file = files.path() + "/out";
    spawn.err_file = files.path() + "/err";
    spawn.fd_files = {files.path() + "/three", files.path() + "/four"};
    spawn.listen_fds = 2;
    Result run = run_ocirt_with_fds(ocirt, spawn);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    pid_t pid = std::stoi(read_file(files.path() + "/pid"));
    CHECK(eventually([&] {
        return read_file(spawn.out_file) == "LISTEN_FDS=2 LISTEN_PID=1 pid=1\nsocket three\nsocket four\n";
    }));
    REQUIRE(eventually([&] { return read_file("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; }));
    CHECK(open_fds(pid) == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("fds: LISTEN_FDS fds come first and --preserve-fds ones after them; LISTEN_PID of another process passes nothing") {
    Ocirt ocirt;
    TempDir files("ocirt-listen");
    write_file(files.path() + "/three", "socket three\n");
    write_file(files.path() + "/four", "preserved four\n");
    struct Case {
        bool mine;
        std::vector<std::string> args;
        std::string out;
        std::vector<int> fds;
    };
    std::vector<Case> cases = {
        {true, {"--preserve-fds", "1"}, "LISTEN_FDS=1 LISTEN_PID=1\nsocket three\npreserved four\n", {0, 1, 2, 3, 4}},
        {false, {}, "LISTEN_FDS= LISTEN_PID=\n", {0, 1, 2}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.mine);
        Bundle bundle;
        bundle.shell("echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID; [ -n \"$LISTEN_FDS\" ] && cat <&3 && cat <&4; exec sleep 1000");
        bundle.write();
        std::string n = c.mine ? "mine" : "other";
        Spawn spawn;
        spawn.args = {"run", "-d", "--pid-file", files.path() + "/pid-" + n, "--bundle", bundle.path()};
        spawn.args.insert(spawn.args.end(), c.args.begin(), c.args.end());
        spawn.args.push_back(unique_id("listen-" + n));
        spawn.out_file = files.path() + "/out-" + n;
        spawn.err_file = files.path() + "/err-" + n;
        spawn.fd_files = {files.path() + "/three", files.path() + "/four"};
        spawn.listen_fds = 1;
        spawn.listen_pid_of_another = !c.mine;
        Result run = run_ocirt_with_fds(ocirt, spawn);
        INFO(run.err);
        REQUIRE(run.exit_code == 0);
        pid_t pid = std::stoi(read_file(files.path() + "/pid-" + n));
        CHECK(eventually([&] { return read_file(spawn.out_file) == c.out; }));
        REQUIRE(eventually([&] { return read_file("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; }));
        CHECK(open_fds(pid) == c.fds);
    }
}

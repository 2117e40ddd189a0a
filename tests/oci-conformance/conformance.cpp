#include "conformance.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace ocirt::conformance {
namespace fs = std::filesystem;

std::string runtime_binary() { return test::runtime_under_test(); }

std::string runtime_name() { return fs::path(runtime_binary()).filename().string(); }

Runtime::Runtime() : root_("conformance-root"), output_("conformance-out") {}

Runtime::~Runtime() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root_.path(), ec))
        if (entry.is_directory()) (*this)({"delete", "--force", entry.path().filename().string()});
}

test::Result Runtime::operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {runtime_binary(), "--root", root_.path()});
    return test::run_program(args);
}

test::Result Runtime::to_files(std::vector<std::string> args) const {
    static int counter = 0;
    std::string base = output_.path() + "/" + std::to_string(counter++);
    args.insert(args.begin(), {runtime_binary(), "--root", root_.path()});
    return test::run_program_to_files(args, base + ".out", base + ".err");
}

SpecBundle::SpecBundle() {
    config = nlohmann::json::parse(test::read_file(test::source_dir() + "/tests/oci-conformance/config.json"));
    std::error_code ec;
    fs::create_hard_link(OCIRT_PROBE, path() + "/rootfs/probe", ec);
    if (ec) fs::copy_file(OCIRT_PROBE, path() + "/rootfs/probe");
}

nlohmann::json probe_report(const std::string& out) {
    for (const auto& line : lines_with(out, "{"))
        if (auto report = nlohmann::json::parse(line, nullptr, false); report.is_object()) return report;
    return nlohmann::json::object();
}

test::Result run_container(const Runtime& runtime, SpecBundle& bundle, const std::string& script) {
    bundle.shell(script);
    bundle.write();
    return runtime.to_files({"run", "--bundle", bundle.path(), test::unique_id("conf")});
}

std::string status_of(const Runtime& runtime, const std::string& id) {
    auto r = runtime({"state", id});
    if (r.exit_code != 0) return "";
    return nlohmann::json::parse(r.out, nullptr, false).value("status", "");
}

bool reaches_status(const Runtime& runtime, const std::string& id, const std::string& status) {
    for (int i = 0; i < 100; ++i) {
        if (status_of(runtime, id) == status) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

ConsoleSocket::ConsoleSocket() : dir_("conformance-console") {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path().c_str(), sizeof address.sun_path - 1);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 || ::listen(listener_, 1) < 0) {
        ::close(listener_);
        listener_ = -1;
    }
}

ConsoleSocket::~ConsoleSocket() {
    if (listener_ >= 0) ::close(listener_);
}

int ConsoleSocket::receive_master() {
    pollfd ready{listener_, POLLIN, 0};
    if (listener_ < 0 || ::poll(&ready, 1, 5000) != 1) return -1;
    int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return -1;
    char payload[4096];
    iovec io{payload, sizeof payload};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    int master = -1;
    if (::recvmsg(connection, &message, MSG_CMSG_CLOEXEC) > 0) {
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        if (header && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
            std::memcpy(&master, CMSG_DATA(header), sizeof master);
    }
    ::close(connection);
    return master;
}

std::string read_until_hangup(int master) {
    std::string out;
    for (;;) {
        pollfd ready{master, POLLIN, 0};
        if (::poll(&ready, 1, 5000) != 1) return out;
        char buffer[4096];
        ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0) return out;  // EIO once no process holds the slave open (pty(7))
        out.append(buffer, static_cast<size_t>(n));
    }
}

std::string run_on_terminal(const Runtime& runtime, SpecBundle& bundle) {
    ConsoleSocket console;
    bundle.config["process"]["terminal"] = true;
    bundle.write();
    std::string id = test::unique_id("conf");
    REQUIRE(runtime.to_files({"create", "--bundle", bundle.path(), "--console-socket", console.path(), id}).exit_code == 0);
    int master = console.receive_master();
    REQUIRE(master >= 0);
    REQUIRE(runtime({"start", id}).exit_code == 0);
    std::string out = read_until_hangup(master);
    ::close(master);
    return out;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
    std::vector<std::string> found;
    std::stringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.find(needle) != std::string::npos) found.push_back(line);
    return found;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> found;
    std::stringstream in(line);
    for (std::string word; in >> word;) found.push_back(word);
    return found;
}

}  // namespace ocirt::conformance

#pragma once
// A seccomp agent (config-linux.md "listenerPath") for the seccomp and exec tests: it takes every
// connection, keeps the container process state sent on each and the notify fds that came with it, and
// answers every notification on them with one errno until finish() or destruction.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct seccomp_notif;
struct seccomp_notif_resp;

namespace ocirt::test {

class SeccompAgent {
public:
    SeccompAgent(const std::string& path, int answer_errno);
    ~SeccompAgent();
    SeccompAgent(const SeccompAgent&) = delete;
    SeccompAgent& operator=(const SeccompAgent&) = delete;

    // Waits until no connection is pending and no process uses a filter whose notify fd the agent holds.
    void finish();

    // The state text of each connection, in the order they came.
    std::vector<std::string> states() const;
    // The syscall names of the notifications answered.
    std::vector<std::string> answered_names() const;
    int fds_received() const { return fds_received_; }
    int answered() const { return answered_; }

private:
    void serve();
    void take_connection();
    void answer(int notify_fd, seccomp_notif* req, seccomp_notif_resp* resp);

    std::string path_;
    int answer_errno_;
    int listener_ = -1;
    std::vector<int> notify_fds_;
    std::atomic<bool> finishing_{false};
    std::atomic<bool> stop_{false};
    std::atomic<int> fds_received_{0};
    std::atomic<int> answered_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> states_;
    std::vector<std::string> answered_names_;
    std::thread thread_;
};

}  // namespace ocirt::test

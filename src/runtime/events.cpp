#include "runtime/events.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cgroups/drivers.hpp"
#include "cgroups/oom_watch.hpp"
#include "runtime/signals.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

void print_line(std::ostream& out, const nlohmann::ordered_json& event) {
    out << event.dump() << "\n";
    out.flush();
}

void print_stats(std::ostream& out, const std::string& id, const cgroups::Manager& cgroup) {
    nlohmann::ordered_json event = {{"type", "stats"}, {"id", id}};
    event["data"] = cgroups::stats_json(cgroup.stats());
    print_line(out, event);
}

void print_ooms(std::ostream& out, const std::string& id, uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) print_line(out, {{"type", "oom"}, {"id", id}});
}

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    int n;
    do {
        n = ::poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    return n > 0;
}

}  // namespace

void print_events(const EventsRequest& request, std::ostream& out) {
    // Read-only, and it runs for as long as the container does: it must never hold the lock.
    state::OpenedContainer c = state::Store(request.root).open_for_reading(request.id);
    if (c.status == state::Status::stopped) throw state::not_running(request.id);
    const state::Record& record = c.record;
    auto cgroup = cgroups::open_recorded(record.cgroup);
    if (request.stats_only) {
        print_stats(out, request.id, *cgroup);
        return;
    }
    UniqueFd init = open_init_pidfd(record);
    if (!init) throw state::not_running(request.id);
    auto oom = with_context("watch for OOM kills", [&] { return cgroups::OomWatch::open(cgroup->placements()); });

    using Clock = std::chrono::steady_clock;
    auto next_stats = Clock::now();
    for (;;) {
        auto now = Clock::now();
        if (now >= next_stats) {
            print_stats(out, request.id, *cgroup);
            next_stats = now + request.interval;
            continue;
        }
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_stats - now);
        pollfd fds[2] = {{init.get(), POLLIN, 0}, {oom ? oom->fd() : -1, POLLIN, 0}};
        int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(wait.count(), INT32_MAX)));
        if (n < 0 && errno != EINTR) throw SysError("poll");
        if (oom && (fds[1].revents & POLLIN)) print_ooms(out, request.id, oom->take());
        // pidfd_open(2): the pidfd polls readable once the process has exited.
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            // An OOM kill of the init itself: its notification may be read only now.
            if (oom && readable(oom->fd(), 0)) print_ooms(out, request.id, oom->take());
            return;
        }
    }
}

}  // namespace ocirt::runtime

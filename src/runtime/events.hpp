#pragma once
// `events`: a container's resource usage and OOM kills as runc prints them, one JSON object per line:
// {"type":"stats","id":ID,"data":{...}} and {"type":"oom","id":ID}.
#include <chrono>
#include <iosfwd>
#include <string>

namespace ocirt::runtime {

struct EventsRequest {
    std::string root;
    std::string id;
    bool stats_only = false;                       // --stats: one stats line, then return
    std::chrono::nanoseconds interval = std::chrono::seconds(5);
};

// Without stats_only: a stats line every interval and an oom line for each OOM kill, until the container's
// init exits. A container that is not created, running or paused is an Error.
void print_events(const EventsRequest& request, std::ostream& out);

}  // namespace ocirt::runtime

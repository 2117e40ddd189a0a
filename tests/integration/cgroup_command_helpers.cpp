#include "cgroup_command_helpers.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "exec_helpers.hpp"

namespace ocirt::test {

std::string status_of(const Ocirt& ocirt, const std::string& id) {
    auto state = ocirt({"state", id});
    if (state.exit_code != 0) return "gone";
    return nlohmann::json::parse(state.out).at("status").get<std::string>();
}

const char* const kCounterLoop = "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; usleep 20000; done";

long counter(pid_t pid) {
    std::string text = cgroup_file("/proc/" + std::to_string(pid) + "/root/tmp/count");
    return text.empty() ? -1 : std::stol(text);
}

pid_t spawn_events(const Ocirt& ocirt, const std::vector<std::string>& args, const std::string& out,
                   const std::string& err) {
    Spawn spawn;
    spawn.args = args;
    spawn.out_file = out;
    spawn.err_file = err;
    return spawn_ocirt(ocirt, spawn);
}

void sleep_ms(int ms) { ::usleep(static_cast<useconds_t>(ms) * 1000); }

size_t processes_with(const std::string& marker) {
    size_t n = 0;
    for (pid_t pid : processes_mentioning(marker)) {
        std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
        auto close = stat.rfind(')');
        if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z') ++n;
    }
    return n;
}

void nested_sleepers(Bundle& bundle, const std::string& a, const std::string& b, const std::string& c) {
    drop_namespace(bundle, "pid");
    bundle.shell("sh -c '(sleep " + a + " &); sleep " + b + " &' ; sleep " + c);
}

}  // namespace ocirt::test

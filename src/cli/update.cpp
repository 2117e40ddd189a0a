#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/update.hpp"
#include "config/load_resources.hpp"
#include "config/unset_values.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/ram_size.hpp"
#include "util/unique_fd.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {
namespace {

struct Flags {
    std::optional<std::string> resources;
    std::optional<std::string> blkio_weight, cpu_period, cpu_quota, cpu_burst, cpu_share, cpu_rt_period,
        cpu_rt_runtime, cpu_idle, cpuset_cpus, cpuset_mems, memory, memory_reservation, memory_swap, pids_limit,
        l3_cache_schema, mem_bw_schema;
};

template <class T>
T number(const std::string& flag, const std::string& text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw UsageError("update: --" + flag + ": invalid value " + ocirt::quoted(text));
    return value;
}

int64_t memory_size(const std::string& flag, const std::string& text) {
    if (text == "-1") return -1;
    try {
        return parse_ram_size(text);
    } catch (const Error& e) {
        throw UsageError("update: --" + flag + ": " + e.full());
    }
}

std::string read_input(const std::string& file) {
    UniqueFd opened;
    int fd = STDIN_FILENO;
    if (file != "-") {
        opened.reset(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        if (!opened) throw SysError("open " + ocirt::quoted(file));
        fd = opened.get();
    }
    std::optional<std::string> text = read_all(fd);
    if (!text) throw SysError("read " + (file == "-" ? std::string("stdin") : ocirt::quoted(file)));
    return std::move(*text);
}

config::Resources from_flags(const Flags& f) {
    config::Resources r;
    auto& cpu = r.cpu.emplace();
    auto& memory = r.memory.emplace();
    if (f.blkio_weight) r.blockIO.emplace().weight = number<uint16_t>("blkio-weight", *f.blkio_weight);
    if (f.cpu_period) cpu.period = number<uint64_t>("cpu-period", *f.cpu_period);
    if (f.cpu_quota) cpu.quota = number<int64_t>("cpu-quota", *f.cpu_quota);
    if (f.cpu_burst) cpu.burst = number<uint64_t>("cpu-burst", *f.cpu_burst);
    if (f.cpu_share) cpu.shares = number<uint64_t>("cpu-share", *f.cpu_share);
    if (f.cpu_rt_period) cpu.realtimePeriod = number<uint64_t>("cpu-rt-period", *f.cpu_rt_period);
    if (f.cpu_rt_runtime) cpu.realtimeRuntime = number<int64_t>("cpu-rt-runtime", *f.cpu_rt_runtime);
    if (f.cpu_idle) cpu.idle = number<int64_t>("cpu-idle", *f.cpu_idle);
    if (f.cpuset_cpus) cpu.cpus = *f.cpuset_cpus;
    if (f.cpuset_mems) cpu.mems = *f.cpuset_mems;
    if (f.memory) memory.limit = memory_size("memory", *f.memory);
    if (f.memory_reservation) memory.reservation = memory_size("memory-reservation", *f.memory_reservation);
    if (f.memory_swap) memory.swap = memory_size("memory-swap", *f.memory_swap);
    if (f.pids_limit) r.pids.emplace().limit = number<int64_t>("pids-limit", *f.pids_limit);
    // A flag given as 0 means "not set" where runc's drivers read it so, as in a --resources document.
    for (const auto& pointer : config::drop_values_meaning_unset(r, ""))
        log::debug(pointer + ": the value that means \"not set\" (as runc): nothing is written for it");
    return r;
}

bool any_flag(const Flags& f) {
    for (const auto* v : {&f.blkio_weight, &f.cpu_period, &f.cpu_quota, &f.cpu_burst, &f.cpu_share, &f.cpu_rt_period,
                          &f.cpu_rt_runtime, &f.cpu_idle, &f.cpuset_cpus, &f.cpuset_mems, &f.memory,
                          &f.memory_reservation, &f.memory_swap, &f.pids_limit})
        if (*v) return true;
    return false;
}

}  // namespace

int cmd_update(const GlobalOptions& global, const Args& args) {
    std::string id;
    Flags f;
    po::options_description options("update options");
    auto text = [](std::optional<std::string>& target) {
        return po::value<std::string>()->notifier([&target](const std::string& v) { target = v; });
    };
    options.add_options()
        ("resources,r", text(f.resources), "JSON file of linux.resources, \"-\" for stdin (no other flag then)")
        ("blkio-weight", text(f.blkio_weight), "block IO weight, 10 to 1000")
        ("cpu-period", text(f.cpu_period), "CFS period in microseconds")
        ("cpu-quota", text(f.cpu_quota), "CFS quota in microseconds per period (-1: none)")
        ("cpu-burst", text(f.cpu_burst), "CFS burst in microseconds")
        ("cpu-share", text(f.cpu_share), "CPU shares (relative weight)")
        ("cpu-rt-period", text(f.cpu_rt_period), "realtime period in microseconds")
        ("cpu-rt-runtime", text(f.cpu_rt_runtime), "realtime runtime in microseconds per period")
        ("cpu-idle", text(f.cpu_idle), "1: SCHED_IDLE for the cgroup, 0: default")
        ("cpuset-cpus", text(f.cpuset_cpus), "CPUs to run on, e.g. 0-1")
        ("cpuset-mems", text(f.cpuset_mems), "memory nodes to use, e.g. 0")
        ("memory", text(f.memory), "memory limit: bytes or 512k/256m/1g...; -1: none")
        ("memory-reservation", text(f.memory_reservation), "memory soft limit, same units")
        ("memory-swap", text(f.memory_swap), "memory + swap limit, same units; -1: unlimited swap")
        ("pids-limit", text(f.pids_limit), "maximum number of tasks")
        ("l3-cache-schema", text(f.l3_cache_schema), "Intel RDT L3 cache schema (not supported)")
        ("mem-bw-schema", text(f.mem_bw_schema), "Intel RDT memory bandwidth schema (not supported)");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command({"update", "update [--resources FILE | flags] <container-id>",
                        "write new cgroup limits for a created, running or paused container (only the values given)"},
                       args, options, positional, vm))
        return 0;
    if (f.l3_cache_schema || f.mem_bw_schema)
        throw UsageError(std::string("update: --") + (f.l3_cache_schema ? "l3-cache-schema" : "mem-bw-schema") +
                         ": Intel RDT (linux.intelRdt) is not supported by ocirt");
    config::Resources resources;
    if (f.resources) {
        if (any_flag(f)) throw UsageError("update: --resources cannot be combined with other resource flags");
        std::string source = *f.resources == "-" ? "stdin" : *f.resources;
        resources = config::load_resources_text(read_input(*f.resources), source);
    } else {
        if (!any_flag(f)) throw UsageError("update: nothing to update (give --resources FILE or a resource flag)");
        resources = from_flags(f);
    }
    runtime::update_container(global.root, id, std::move(resources));
    return 0;
}

}  // namespace ocirt::cli

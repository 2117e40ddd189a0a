#include "cgroups/stats.hpp"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>

#include "cgroups/file_io.hpp"

namespace ocirt::cgroups {
namespace fs = std::filesystem;
namespace {

constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kNanosPerMicro = 1000;
constexpr uint64_t kNanosPerSecond = 1000000000;

std::optional<uint64_t> parse_number(std::string_view text) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// A single-value file; "max" (cgroup v2's "no limit") reads as `max_value`; absent or unreadable → nullopt.
std::optional<uint64_t> read_number(const std::string& path, uint64_t max_value = kUnlimited) {
    auto text = try_read_text(path);
    if (!text) return std::nullopt;
    std::string value = trimmed(*text);
    if (value == "max") return max_value;
    return parse_number(value);
}

void read_into(const std::string& path, uint64_t& out, uint64_t max_value = kUnlimited) {
    if (auto value = read_number(path, max_value)) out = *value;
}

// "key value" lines (cgroup-v2.rst "Flat Keyed"; v1's cpu.stat and memory.stat have the same form).
std::map<std::string, uint64_t> read_flat_keyed(const std::string& path) {
    std::map<std::string, uint64_t> out;
    std::istringstream in(try_read_text(path).value_or(""));
    std::string key, value;
    while (in >> key >> value)
        if (auto number = parse_number(value)) out[key] = *number;
    return out;
}

std::vector<uint64_t> read_number_list(const std::string& path) {
    std::vector<uint64_t> out;
    std::istringstream in(try_read_text(path).value_or(""));
    for (std::string word; in >> word;)
        if (auto number = parse_number(word)) out.push_back(*number);
    return out;
}

uint64_t value_or_zero(const std::map<std::string, uint64_t>& values, const std::string& key) {
    auto it = values.find(key);
    return it == values.end() ? 0 : it->second;
}

bool parse_device(const std::string& word, uint64_t& major, uint64_t& minor) {
    auto colon = word.find(':');
    if (colon == std::string::npos) return false;
    auto ma = parse_number(std::string_view(word).substr(0, colon));
    auto mi = parse_number(std::string_view(word).substr(colon + 1));
    if (!ma || !mi) return false;
    major = *ma;
    minor = *mi;
    return true;
}

// v1 blkio "*_recursive" files: "MAJ:MIN Op value" lines, "MAJ:MIN value" for time and sectors, and a
// closing "Total value" line that has no device.
std::vector<BlkioEntry> read_blkio_entries(const std::string& path) {
    std::vector<BlkioEntry> out;
    std::istringstream lines(try_read_text(path).value_or(""));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line);
        std::vector<std::string> fields;
        for (std::string f; in >> f;) fields.push_back(f);
        BlkioEntry entry;
        if (fields.size() < 2 || !parse_device(fields[0], entry.major, entry.minor)) continue;
        if (fields.size() >= 3) entry.op = fields[1];
        auto value = parse_number(fields.back());
        if (!value) continue;
        entry.value = *value;
        out.push_back(entry);
    }
    return out;
}

// Page sizes named by files "hugetlb.<size>.<suffix>" in `dir` ("2MB" from "hugetlb.2MB.current").
std::vector<std::string> hugepage_sizes(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> sizes;
    std::error_code ec;
    const std::string prefix = "hugetlb.";
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name.size() <= prefix.size() + suffix.size() + 1 || name.rfind(prefix, 0) != 0) continue;
        if (name.compare(name.size() - suffix.size() - 1, std::string::npos, "." + suffix) != 0) continue;
        std::string size = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size() - 1);
        if (size.find('.') == std::string::npos) sizes.push_back(size);
    }
    return sizes;
}

void read_v1_memory_entry(const std::string& dir, const std::string& prefix, MemoryEntry& entry) {
    read_into(dir + "/" + prefix + "usage_in_bytes", entry.usage);
    read_into(dir + "/" + prefix + "max_usage_in_bytes", entry.max);
    read_into(dir + "/" + prefix + "failcnt", entry.failcnt);
    read_into(dir + "/" + prefix + "limit_in_bytes", entry.limit);
}

}  // namespace

void read_v1_cpuacct(const std::string& dir, Stats& out) {
    read_into(dir + "/cpuacct.usage", out.cpu.total);
    out.cpu.percpu = read_number_list(dir + "/cpuacct.usage_percpu");
    // cpuacct.stat counts USER_HZ ticks (cgroup-v1 cpuacct.rst), sysconf(_SC_CLK_TCK) of them per second.
    auto ticks = read_flat_keyed(dir + "/cpuacct.stat");
    long per_second = ::sysconf(_SC_CLK_TCK);
    if (per_second > 0) {
        out.cpu.user = value_or_zero(ticks, "user") * kNanosPerSecond / static_cast<uint64_t>(per_second);
        out.cpu.kernel = value_or_zero(ticks, "system") * kNanosPerSecond / static_cast<uint64_t>(per_second);
    }
    // cpuacct.usage_all: a "cpu user system" header, then one line of nanoseconds per cpu.
    std::istringstream lines(try_read_text(dir + "/cpuacct.usage_all").value_or(""));
    std::string header;
    std::getline(lines, header);
    std::string cpu, user, system;
    while (lines >> cpu >> user >> system) {
        auto u = parse_number(user), s = parse_number(system);
        if (!u || !s) break;
        out.cpu.percpu_user.push_back(*u);
        out.cpu.percpu_kernel.push_back(*s);
    }
}

void read_v1_cpu(const std::string& dir, Stats& out) {
    auto stat = read_flat_keyed(dir + "/cpu.stat");
    out.cpu.periods = value_or_zero(stat, "nr_periods");
    out.cpu.throttled_periods = value_or_zero(stat, "nr_throttled");
    out.cpu.throttled_time = value_or_zero(stat, "throttled_time");
}

void read_v1_memory(const std::string& dir, Stats& out) {
    auto& m = out.memory;
    m.raw = read_flat_keyed(dir + "/memory.stat");
    m.cache = m.raw.count("total_cache") ? m.raw.at("total_cache") : value_or_zero(m.raw, "cache");
    read_v1_memory_entry(dir, "memory.", m.usage);
    read_v1_memory_entry(dir, "memory.memsw.", m.swap);
    read_v1_memory_entry(dir, "memory.kmem.", m.kernel);
    read_v1_memory_entry(dir, "memory.kmem.tcp.", m.kernel_tcp);
}

void read_v1_pids(const std::string& dir, Stats& out) {
    read_into(dir + "/pids.current", out.pids.current);
    read_into(dir + "/pids.max", out.pids.limit, 0);
}

void read_v1_blkio(const std::string& dir, Stats& out) {
    static const std::pair<const char*, const char*> kCfq[] = {
        {"ioServiceBytesRecursive", "io_service_bytes_recursive"},
        {"ioServicedRecursive", "io_serviced_recursive"},
        {"ioQueueRecursive", "io_queued_recursive"},
        {"ioServiceTimeRecursive", "io_service_time_recursive"},
        {"ioWaitTimeRecursive", "io_wait_time_recursive"},
        {"ioMergedRecursive", "io_merged_recursive"},
        {"ioTimeRecursive", "time_recursive"},
        {"sectorsRecursive", "sectors_recursive"},
    };
    // CFQ's files where that scheduler exists, else BFQ's, else the throttle policy's (cgroup-v1 blkio-controller.rst).
    std::string prefix = "blkio.throttle.";
    if (::access((dir + "/blkio.io_serviced_recursive").c_str(), F_OK) == 0)
        prefix = "blkio.";
    else if (::access((dir + "/blkio.bfq.io_serviced_recursive").c_str(), F_OK) == 0)
        prefix = "blkio.bfq.";
    for (const auto& [key, file] : kCfq) {
        auto entries = read_blkio_entries(dir + "/" + prefix + file);
        if (!entries.empty()) out.blkio.recursive[key] = std::move(entries);
    }
}

void read_v1_hugetlb(const std::string& dir, Stats& out) {
    for (const auto& size : hugepage_sizes(dir, "usage_in_bytes")) {
        HugetlbStats& h = out.hugetlb[size];
        std::string base = dir + "/hugetlb." + size + ".";
        read_into(base + "usage_in_bytes", h.usage);
        read_into(base + "max_usage_in_bytes", h.max);
        read_into(base + "failcnt", h.failcnt);
    }
}

void read_v2_cpu(const std::string& dir, Stats& out) {
    auto stat = read_flat_keyed(dir + "/cpu.stat");
    out.cpu.total = value_or_zero(stat, "usage_usec") * kNanosPerMicro;
    out.cpu.user = value_or_zero(stat, "user_usec") * kNanosPerMicro;
    out.cpu.kernel = value_or_zero(stat, "system_usec") * kNanosPerMicro;
    out.cpu.periods = value_or_zero(stat, "nr_periods");
    out.cpu.throttled_periods = value_or_zero(stat, "nr_throttled");
    out.cpu.throttled_time = value_or_zero(stat, "throttled_usec") * kNanosPerMicro;
}

void read_v2_memory(const std::string& dir, Stats& out) {
    auto& m = out.memory;
    m.raw = read_flat_keyed(dir + "/memory.stat");
    m.cache = value_or_zero(m.raw, "file");
    read_into(dir + "/memory.current", m.usage.usage);
    read_into(dir + "/memory.max", m.usage.limit);
    read_into(dir + "/memory.peak", m.usage.max);
    m.usage.failcnt = value_or_zero(read_flat_keyed(dir + "/memory.events"), "max");
    // v2 counts swap alone; v1's memsw (which runc reports as "swap") is memory + swap.
    if (auto swap = read_number(dir + "/memory.swap.current")) {
        m.swap.usage = *swap + m.usage.usage;
        uint64_t swap_max = read_number(dir + "/memory.swap.max").value_or(kUnlimited);
        m.swap.limit = swap_max == kUnlimited || m.usage.limit == kUnlimited ? kUnlimited : swap_max + m.usage.limit;
    }
}

void read_v2_pids(const std::string& dir, Stats& out) {
    read_into(dir + "/pids.current", out.pids.current);
    read_into(dir + "/pids.max", out.pids.limit, 0);
}

void read_v2_io(const std::string& dir, Stats& out) {
    // io.stat (cgroup-v2.rst "IO Interface Files"): "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N".
    static const struct {
        const char* key;
        const char* json;
        const char* op;
    } kFields[] = {
        {"rbytes", "ioServiceBytesRecursive", "Read"}, {"wbytes", "ioServiceBytesRecursive", "Write"},
        {"dbytes", "ioServiceBytesRecursive", "Discard"}, {"rios", "ioServicedRecursive", "Read"},
        {"wios", "ioServicedRecursive", "Write"}, {"dios", "ioServicedRecursive", "Discard"},
    };
    std::istringstream lines(try_read_text(dir + "/io.stat").value_or(""));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line);
        std::string device;
        uint64_t major = 0, minor = 0;
        if (!(in >> device) || !parse_device(device, major, minor)) continue;
        for (std::string pair; in >> pair;) {
            auto eq = pair.find('=');
            if (eq == std::string::npos) continue;
            auto value = parse_number(std::string_view(pair).substr(eq + 1));
            if (!value) continue;
            for (const auto& f : kFields)
                if (pair.compare(0, eq, f.key) == 0)
                    out.blkio.recursive[f.json].push_back({major, minor, f.op, *value});
        }
    }
}

void read_v2_hugetlb(const std::string& dir, Stats& out) {
    for (const auto& size : hugepage_sizes(dir, "current")) {
        HugetlbStats& h = out.hugetlb[size];
        std::string base = dir + "/hugetlb." + size + ".";
        read_into(base + "current", h.usage);
        read_into(base + "max", h.max);
        h.failcnt = value_or_zero(read_flat_keyed(base + "events"), "max");
    }
}

}  // namespace ocirt::cgroups

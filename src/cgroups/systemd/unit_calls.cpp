#include "cgroups/systemd/unit_calls.hpp"

#include <cstring>
#include <map>
#include <optional>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::cgroups {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";

void check(int r, const std::string& what) {
    if (r < 0) throw Error(what + ": " + std::strerror(-r), -r);
}

template <class T>
void append_array_variant(sd_bus_message* m, const char* signature, char type, const std::vector<T>& items) {
    check(sd_bus_message_open_container(m, 'v', signature), "open variant");
    check(sd_bus_message_append_array(m, type, items.data(), items.size() * sizeof(T)), "append array");
    check(sd_bus_message_close_container(m), "close variant");
}

struct AppendValue {
    sd_bus_message* m;
    void operator()(bool b) const { check(sd_bus_message_append(m, "v", "b", static_cast<int>(b)), "append"); }
    void operator()(uint64_t t) const { check(sd_bus_message_append(m, "v", "t", t), "append"); }
    void operator()(const std::string& s) const { check(sd_bus_message_append(m, "v", "s", s.c_str()), "append"); }
    void operator()(const std::vector<std::string>& strings) const {
        check(sd_bus_message_open_container(m, 'v', "as"), "open variant");
        check(sd_bus_message_open_container(m, 'a', "s"), "open array");
        for (const auto& s : strings) check(sd_bus_message_append_basic(m, 's', s.c_str()), "append");
        check(sd_bus_message_close_container(m), "close array");
        check(sd_bus_message_close_container(m), "close variant");
    }
    void operator()(const std::vector<uint32_t>& numbers) const { append_array_variant(m, "au", 'u', numbers); }
    void operator()(const std::vector<uint8_t>& bytes) const { append_array_variant(m, "ay", 'y', bytes); }
};

// The results of the jobs whose JobRemoved(id, job, unit, result) arrived, by job path.
struct JobResults {
    std::map<std::string, std::string> by_job;
};

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    uint32_t id = 0;
    const char *job = nullptr, *unit = nullptr, *result = nullptr;
    if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) >= 0)
        static_cast<JobResults*>(userdata)->by_job[job] = result;
    return 0;
}

SlotPtr watch_jobs(sd_bus* bus, JobResults& results) {
    sd_bus_slot* slot = nullptr;
    check(sd_bus_match_signal(bus, &slot, kService, kPath, kManager, "JobRemoved", on_job_removed, &results),
          "subscribe to JobRemoved");
    return SlotPtr(slot);
}

std::string wait_for_job(sd_bus* bus, const JobResults& results, const std::string& job,
                         std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto it = results.by_job.find(job); it != results.by_job.end()) return it->second;
        int r = sd_bus_process(bus, nullptr);
        check(r, "waiting for job " + job);
        if (r > 0) continue;
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw Error("job " + job + " did not finish within " + std::to_string(timeout.count()) + " ms");
        r = sd_bus_wait(bus, static_cast<uint64_t>(left.count()));
        if (r < 0 && r != -EINTR) check(r, "waiting for job " + job);
    }
}

std::string call_failure(const std::string& call, const std::string& unit, BusError& error, int r) {
    std::string text = call + " " + ocirt::quoted(unit) + ": ";
    if (error.name()) return text + error.name() + ": " + (error.message() ? error.message() : "");
    return text + std::strerror(-r);
}

// Calls `method`(unit, "replace"[, extra]) and returns the job it queued, or nullopt with `error` filled.
std::optional<std::string> queue_job(sd_bus* bus, const char* method, const std::string& unit,
                                     const std::vector<UnitProperty>* properties, BusError& error, int& r) {
    sd_bus_message* raw = nullptr;
    check(sd_bus_message_new_method_call(bus, &raw, kService, kPath, kManager, method), method);
    MessagePtr call(raw);
    check(sd_bus_message_append(call.get(), "ss", unit.c_str(), "replace"), method);
    if (properties) {
        check(sd_bus_message_open_container(call.get(), 'a', "(sv)"), method);
        append_properties(call.get(), *properties);
        check(sd_bus_message_close_container(call.get()), method);
        check(sd_bus_message_append(call.get(), "a(sa(sv))", 0), method);
    }
    sd_bus_message* reply_raw = nullptr;
    r = sd_bus_call(bus, call.get(), 0, error.get(), &reply_raw);
    if (r < 0) return std::nullopt;
    MessagePtr reply(reply_raw);
    const char* job = nullptr;
    check(sd_bus_message_read(reply.get(), "o", &job), std::string(method) + " reply");
    return std::string(job);
}

void reset_failed_unit(sd_bus* bus, const std::string& unit) {
    BusError error;
    if (sd_bus_call_method(bus, kService, kPath, kManager, "ResetFailedUnit", error.get(), nullptr, "s",
                           unit.c_str()) < 0)
        log::debug("systemd: ResetFailedUnit " + ocirt::quoted(unit) + ": " +
                   (error.message() ? error.message() : "failed"));
}

}  // namespace

void append_properties(sd_bus_message* message, const std::vector<UnitProperty>& properties) {
    for (const auto& p : properties) {
        check(sd_bus_message_open_container(message, 'r', "sv"), "open property " + p.name);
        check(sd_bus_message_append_basic(message, 's', p.name.c_str()), "property " + p.name);
        std::visit(AppendValue{message}, p.value);
        check(sd_bus_message_close_container(message), "close property " + p.name);
    }
}

void start_transient_unit(sd_bus* bus, const std::string& unit, const std::vector<UnitProperty>& properties,
                          bool& job_queued, std::chrono::milliseconds timeout) {
    JobResults results;
    SlotPtr watch = watch_jobs(bus, results);
    std::optional<std::string> job;
    for (bool retried = false;; retried = true) {
        BusError error;
        int r = 0;
        job = queue_job(bus, "StartTransientUnit", unit, &properties, error, r);
        if (job) break;
        if (retried || !error.has_name("org.freedesktop.systemd1.UnitExists"))
            throw Error(call_failure("StartTransientUnit", unit, error, r), -r);
        reset_failed_unit(bus, unit);
    }
    job_queued = true;
    std::string result = with_context("StartTransientUnit " + ocirt::quoted(unit),
                                      [&] { return wait_for_job(bus, results, *job, timeout); });
    if (result != "done") {
        reset_failed_unit(bus, unit);
        throw Error("StartTransientUnit " + ocirt::quoted(unit) + ": the job ended \"" + result + "\", not \"done\"");
    }
}

void set_unit_properties(sd_bus* bus, const std::string& unit, const std::vector<UnitProperty>& properties) {
    sd_bus_message* raw = nullptr;
    check(sd_bus_message_new_method_call(bus, &raw, kService, kPath, kManager, "SetUnitProperties"),
          "SetUnitProperties");
    MessagePtr call(raw);
    check(sd_bus_message_append(call.get(), "sb", unit.c_str(), 1), "SetUnitProperties");
    check(sd_bus_message_open_container(call.get(), 'a', "(sv)"), "SetUnitProperties");
    append_properties(call.get(), properties);
    check(sd_bus_message_close_container(call.get()), "SetUnitProperties");
    BusError error;
    int r = sd_bus_call(bus, call.get(), 0, error.get(), nullptr);
    if (r < 0) throw Error(call_failure("SetUnitProperties", unit, error, r), -r);
}

std::string manager_control_group(sd_bus* bus) {
    BusError error;
    sd_bus_message* raw = nullptr;
    int r = sd_bus_call_method(bus, kService, kPath, "org.freedesktop.DBus.Properties", "Get", error.get(), &raw, "ss",
                               kManager, "ControlGroup");
    if (r < 0) throw Error(call_failure("Get", std::string(kManager) + ".ControlGroup", error, r), -r);
    MessagePtr reply(raw);
    const char* cgroup = nullptr;
    check(sd_bus_message_read(reply.get(), "v", "s", &cgroup), "Get ControlGroup reply");
    return cgroup ? cgroup : "";
}

void stop_unit(sd_bus* bus, const std::string& unit, std::chrono::milliseconds timeout) {
    JobResults results;
    SlotPtr watch = watch_jobs(bus, results);
    BusError error;
    int r = 0;
    std::optional<std::string> job = queue_job(bus, "StopUnit", unit, nullptr, error, r);
    if (!job) {
        if (error.has_name("org.freedesktop.systemd1.NoSuchUnit")) return;
        throw Error(call_failure("StopUnit", unit, error, r), -r);
    }
    std::string result =
        with_context("StopUnit " + ocirt::quoted(unit), [&] { return wait_for_job(bus, results, *job, timeout); });
    if (result != "done") log::warn("systemd: StopUnit " + ocirt::quoted(unit) + ": the job ended \"" + result + "\"");
    reset_failed_unit(bus, unit);
}

}  // namespace ocirt::cgroups

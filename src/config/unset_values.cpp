#include "config/unset_values.hpp"

#include <optional>

#include "config/json_pointer.hpp"

namespace ocirt::config {
namespace {

// The fields runc's cgroup drivers write only when they differ from this value (libcontainer/cgroups/fs,
// fs2): a zero limit, weight, period or quota, an empty cpuset list, an OOM killer left enabled.
struct UnsetRule {
    const char* pointer;  // inside linux.resources
    void (*clear)(Resources&, bool& cleared);
};

template <class T, class U>
void clear_if(std::optional<T>& field, const U& unset, bool& cleared) {
    if (field && *field == unset) {
        field.reset();
        cleared = true;
    }
}

template <class Group, class F>
void in(std::optional<Group>& group, bool& cleared, F&& f) {
    if (group) f(*group, cleared);
}

constexpr UnsetRule kUnsetValueRules[] = {
    {"/memory/limit", [](Resources& r, bool& c) { in(r.memory, c, [](Memory& m, bool& c) { clear_if(m.limit, 0, c); }); }},
    {"/memory/reservation",
     [](Resources& r, bool& c) { in(r.memory, c, [](Memory& m, bool& c) { clear_if(m.reservation, 0, c); }); }},
    {"/memory/swap", [](Resources& r, bool& c) { in(r.memory, c, [](Memory& m, bool& c) { clear_if(m.swap, 0, c); }); }},
    {"/memory/kernel", [](Resources& r, bool& c) { in(r.memory, c, [](Memory& m, bool& c) { clear_if(m.kernel, 0, c); }); }},
    {"/memory/kernelTCP",
     [](Resources& r, bool& c) { in(r.memory, c, [](Memory& m, bool& c) { clear_if(m.kernelTCP, 0, c); }); }},
    {"/memory/disableOOMKiller",
     [](Resources& r, bool& c) { in(r.memory, c, [](Memory& m, bool& c) { clear_if(m.disableOOMKiller, false, c); }); }},
    {"/cpu/shares", [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.shares, 0u, c); }); }},
    {"/cpu/quota", [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.quota, 0, c); }); }},
    {"/cpu/period", [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.period, 0u, c); }); }},
    {"/cpu/realtimeRuntime",
     [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.realtimeRuntime, 0, c); }); }},
    {"/cpu/realtimePeriod",
     [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.realtimePeriod, 0u, c); }); }},
    {"/cpu/cpus", [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.cpus, "", c); }); }},
    {"/cpu/mems", [](Resources& r, bool& c) { in(r.cpu, c, [](Cpu& x, bool& c) { clear_if(x.mems, "", c); }); }},
    {"/blockIO/weight", [](Resources& r, bool& c) { in(r.blockIO, c, [](BlockIO& b, bool& c) { clear_if(b.weight, 0, c); }); }},
    {"/blockIO/leafWeight",
     [](Resources& r, bool& c) { in(r.blockIO, c, [](BlockIO& b, bool& c) { clear_if(b.leafWeight, 0, c); }); }},
    {"/network/classID",
     [](Resources& r, bool& c) { in(r.network, c, [](Network& n, bool& c) { clear_if(n.classID, 0u, c); }); }},
};

bool nothing_set(const Memory& m) {
    return !m.limit && !m.reservation && !m.swap && !m.kernel && !m.kernelTCP && !m.swappiness && !m.disableOOMKiller &&
           !m.useHierarchy && !m.checkBeforeUpdate;
}

bool nothing_set(const Cpu& c) {
    return !c.shares && !c.quota && !c.burst && !c.period && !c.realtimeRuntime && !c.realtimePeriod && !c.cpus &&
           !c.mems && !c.idle;
}

bool nothing_set(const BlockIO& b) {
    return !b.weight && !b.leafWeight && b.weightDevice.empty() && b.throttleReadBpsDevice.empty() &&
           b.throttleWriteBpsDevice.empty() && b.throttleReadIOPSDevice.empty() && b.throttleWriteIOPSDevice.empty();
}

bool nothing_set(const Network& n) { return !n.classID && n.priorities.empty(); }

template <class Group>
void drop_if_empty(std::optional<Group>& group) {
    if (group && nothing_set(*group)) group.reset();
}

}  // namespace

std::vector<std::string> drop_values_meaning_unset(Resources& resources, const std::string& base) {
    std::vector<std::string> cleared_pointers;
    for (const auto& rule : kUnsetValueRules) {
        bool cleared = false;
        rule.clear(resources, cleared);
        if (cleared) cleared_pointers.push_back(base + rule.pointer);
    }
    if (resources.blockIO) {
        // An entry left with no weight by this rule goes; one that came without any stays, for the rule
        // that it must give one (config-linux.md Block IO).
        auto& devices = resources.blockIO->weightDevice;
        std::vector<WeightDevice> kept;
        for (std::size_t i = 0; i < devices.size(); ++i) {
            std::string pointer = pointer_join(base + "/blockIO/weightDevice", i) + "/";
            bool weight = false, leaf = false;
            clear_if(devices[i].weight, 0, weight);
            clear_if(devices[i].leafWeight, 0, leaf);
            if (weight) cleared_pointers.push_back(pointer + "weight");
            if (leaf) cleared_pointers.push_back(pointer + "leafWeight");
            if (devices[i].weight || devices[i].leafWeight || !(weight || leaf)) kept.push_back(devices[i]);
        }
        devices = std::move(kept);
    }
    drop_if_empty(resources.memory);
    drop_if_empty(resources.cpu);
    drop_if_empty(resources.blockIO);
    drop_if_empty(resources.network);
    return cleared_pointers;
}

}  // namespace ocirt::config

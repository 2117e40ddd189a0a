// Manager::apply: routes each group of linux.resources to the hierarchy that holds its controller.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cgroups/device_filter.hpp"
#include "cgroups/file_io.hpp"
#include "cgroups/manager.hpp"
#include "cgroups/resource_writes.hpp"
#include "cgroups/v1_apply.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool listed(const std::string& file, std::string_view controller) {
    auto ws = words(try_read_text(file).value_or(""));
    return std::find(ws.begin(), ws.end(), controller) != ws.end();
}

// "memory.high" → "memory"; "cgroup.*" files belong to the core, which needs no enabling.
std::string controller_of_key(const std::string& key) {
    std::string prefix = key.substr(0, key.find('.'));
    return prefix == "cgroup" ? std::string() : prefix;
}

// cgroup-v2.rst "Enabling and Disabling": a controller's files appear in a cgroup once every ancestor
// below the root lists it in cgroup.subtree_control.
void enable_v2_controller(const Manager::Placement& p, const std::string& controller) {
    std::string dir = p.hierarchy.mount_point;
    if (!listed(dir + "/cgroup.controllers", controller))
        throw Error("the cgroup2 mount " + ocirt::quoted(dir) + " has no " + ocirt::quoted(controller) + " controller");
    for (const auto& part : fs::path(p.cgroup).relative_path()) {
        std::string control = dir + "/cgroup.subtree_control";
        if (!listed(control, controller)) write_text(control, "+" + controller);
        dir += "/" + part.string();
    }
}

void write_all(const std::string& directory, const std::vector<FileWrite>& writes, Group group) {
    for (const auto& w : writes) {
        if (w.group != group) continue;
        try {
            write_text(directory + "/" + w.file, w.value);
        } catch (Error& e) {
            throw Error(w.pointer + ": " + e.full(), e.errno_value(), w.pointer);
        }
    }
}

}  // namespace

const Manager::Placement* Manager::v1_with(std::string_view controller) const {
    for (const auto& p : placements_)
        if (!p.hierarchy.unified && p.hierarchy.has_controller(controller)) return &p;
    return nullptr;
}

void Manager::apply(const spec::Resources& resources) {
    auto groups = requested_groups(resources);
    if (groups.empty()) return;
    std::vector<FileWrite> v1 = v1_writes(resources);
    std::vector<FileWrite> v2 = v2_writes(resources);
    for (Group group : groups) {
        std::string pointer(group_pointer(group));
        if (group != Group::unified) {
            if (const Placement* p = v1_with(v1_controller(group))) {
                write_v1_group(p->directory(), v1, group);
                continue;
            }
        }
        const Placement* u = unified();
        if (!u)
            throw Error(pointer + ": this host has no " +
                            (group == Group::unified ? std::string("cgroup v2 mount, so unified keys cannot be set")
                                                     : ocirt::quoted(std::string(v1_controller(group))) + " controller"),
                        0, pointer);
        try {
            if (group == Group::devices) {
                install_device_filter(u->directory(), resources.devices);
                continue;
            }
            if (group == Group::unified) {
                for (const auto& [key, value] : resources.unified) {
                    std::string controller = controller_of_key(key);
                    std::string key_pointer = pointer + "/" + key;
                    with_context(key_pointer, [&] {
                        if (!controller.empty()) enable_v2_controller(*u, controller);
                    });
                }
            } else {
                std::string_view controller = v2_controller(group);
                if (controller.empty())
                    throw Error("cgroup v2 has no such controller, and no v1 hierarchy here has " +
                                ocirt::quoted(std::string(v1_controller(group))));
                enable_v2_controller(*u, std::string(controller));
            }
        } catch (Error& e) {
            if (!e.json_pointer().empty()) throw;
            throw Error(pointer + ": " + e.full(), e.errno_value(), pointer);
        }
        write_all(u->directory(), v2, group);
    }
}

}  // namespace ocirt::cgroups

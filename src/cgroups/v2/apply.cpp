#include "cgroups/v2/apply.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "cgroups/device_filter.hpp"
#include "cgroups/file_io.hpp"
#include "cgroups/v2/resources.hpp"
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
void enable_v2_controller(const Placement& p, const std::string& controller) {
    std::string dir = p.hierarchy.mount_point;
    if (!listed(dir + "/cgroup.controllers", controller))
        throw Error("the cgroup2 mount " + ocirt::quoted(dir) + " has no " + ocirt::quoted(controller) + " controller");
    for (const auto& part : fs::path(p.cgroup).relative_path()) {
        std::string control = dir + "/cgroup.subtree_control";
        if (!listed(control, controller)) write_text(control, "+" + controller);
        dir.append("/").append(part.native());  // not "/" + part.string(): a false -Wrestrict from GCC 12 at -O3
    }
}

bool path_exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

bool has_hugetlb_rsvd(const std::string& directory) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with("hugetlb.") && name.ends_with(".rsvd.max")) return true;
    }
    return false;
}

V2Files v2_files_in(const std::string& directory) {
    return {path_exists(directory + "/io.bfq.weight"), has_hugetlb_rsvd(directory), path_exists(directory + "/memory.swap.max")};
}

// The same error, under the config field it comes from.
Error at_pointer(const Error& e, const std::string& pointer) {
    std::vector<std::string> frames = e.frames();
    frames.insert(frames.begin(), pointer);
    return Error(std::move(frames), e.message(), e.errno_value(), pointer);
}

void write_all(const std::string& directory, const std::vector<FileWrite>& writes, Group group) {
    for (const auto& w : writes) {
        if (w.group != group) continue;
        try {
            write_text(directory + "/" + w.file, w.value);
        } catch (Error& e) {
            throw at_pointer(e, w.pointer);
        }
    }
}

// Unified keys name their controller ("memory.high" → memory); each is enabled before the writes, and a
// controller the host lacks is an error naming the key.
void enable_unified_controllers(const Placement& u, const std::vector<FileWrite>& writes) {
    std::set<std::string> enabled;
    for (const auto& w : writes) {
        std::string controller = controller_of_key(w.file);
        if (controller.empty() || !enabled.insert(controller).second) continue;
        try {
            enable_v2_controller(u, controller);
        } catch (Error& e) {
            throw at_pointer(e, w.pointer);
        }
    }
}

void apply_v2_group(const Placement& u, const config::Resources& part, Group group) {
    if (group == Group::devices) {
        install_device_filter(u.directory(), part.devices);
        return;
    }
    // Computed once before anything is enabled, so that a config the mapping refuses changes nothing.
    std::vector<FileWrite> writes = v2_writes(part);
    if (group == Group::unified) {
        enable_unified_controllers(u, writes);
        write_all(u.directory(), writes, group);
        return;
    }
    std::string_view controller = v2_controller(group);
    if (controller.empty())
        throw Error("cgroup v2 has no such controller, and no v1 hierarchy here has " +
                    ocirt::quoted(std::string(v1_controller(group))));
    enable_v2_controller(u, std::string(controller));
    write_all(u.directory(), v2_writes(part, v2_files_in(u.directory())), group);
}

}  // namespace

void apply_on_cgroup2(const Placement& unified, const config::Resources& part, Group group) {
    try {
        apply_v2_group(unified, part, group);
    } catch (Error& e) {
        if (!e.json_pointer().empty()) throw;
        throw at_pointer(e, std::string(group_pointer(group)));
    }
}

}  // namespace ocirt::cgroups

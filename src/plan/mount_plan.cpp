#include "plan/mount_plan.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "plan/mount_options.hpp"
#include "plan/user_namespace.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::plan {
namespace {

std::string option_pointer(const config::Mount& mount, const std::string& pointer, const std::string& name) {
    for (size_t k = 0; k < mount.options.size(); ++k)
        if (mount.options[k] == name) return pointer + "/options/" + std::to_string(k);
    return pointer + "/options";
}

MountStep plan_mount(const config::Mount& mount, size_t index, const HostFacts& host, const Options& options,
                     const std::string& mount_label) {
    std::string pointer = "/mounts/" + std::to_string(index);
    ParsedMountOptions parsed = parse_mount_options(mount.options);
    std::string type = mount.type.value_or("");
    MountStep step;
    step.destination = mount.destination.empty() || mount.destination[0] != '/' ? "/" + mount.destination
                                                                               : mount.destination;
    step.propagation = parsed.propagation;
    step.data = parsed.data;
    step.flags = parsed.flags & ~(MS_BIND | MS_REC);
    step.recursive_attr_set = parsed.recursive_attr_set;
    step.recursive_attr_clear = parsed.recursive_attr_clear;
    if (parsed.bind || type == "bind") {
        if (!mount.source || mount.source->empty())
            throw ConfigError(pointer + "/source", "a bind mount needs a source");
        step.kind = MountStep::Kind::bind;
        step.source = absolute_in(options.bundle, *mount.source);
        step.recursive = parsed.recursive;
        step.idmap = parsed.idmap || !mount.uidMappings.empty();
        step.idmap_recursive = parsed.idmap_recursive;
        step.uid_mappings = id_ranges(mount.uidMappings);
        step.gid_mappings = id_ranges(mount.gidMappings);
        return step;
    }
    if (parsed.idmap || !mount.uidMappings.empty())
        throw ConfigError(option_pointer(mount, pointer, parsed.idmap_recursive ? "ridmap" : "idmap"),
                          "an idmapped mount must be a bind mount (add \"bind\" or \"rbind\")");
    if (type.empty()) throw ConfigError(pointer + "/type", "a mount that is not a bind mount needs a type");
    step.source = mount.source.value_or(type);
    step.type = type;
    // mount(8) "context=": the SELinux label of every file of a filesystem without labels of its own.
    if (!mount_label.empty()) step.data += (step.data.empty() ? "" : ",") + std::string("context=\"") + mount_label + "\"";
    // runc's tmpcopyup extension means something for tmpfs only; podman asks for it on the tmpfs mounts of
    // --read-only containers (/run, /tmp, /var/tmp).
    if (parsed.copy_up) {
        if (type == "tmpfs")
            step.copy_up = true;
        else
            log::warn(pointer + "/options: tmpcopyup applies to tmpfs mounts only: ignored on type " + ocirt::quoted(type));
    }
    if (type == "cgroup") {
        if (host.cgroup2_only)
            step.type = "cgroup2";
        else
            step.kind = MountStep::Kind::cgroup;
    }
    return step;
}

}  // namespace

std::string absolute_in(const std::string& base, const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    return base + "/" + path;
}

std::vector<MountStep> plan_mounts(const config::Config& config, const HostFacts& host, const Options& options) {
    std::string mount_label;
    if (config.linux_ && config.linux_->mountLabel && !config.linux_->mountLabel->empty()) {
        // Ignored rather than refused without SELinux, as crun does: runtime-tools' linux_mount_label expects
        // create to succeed on such a host.
        if (host.security.selinux)
            mount_label = *config.linux_->mountLabel;
        else
            log::warn("/linux/mountLabel: SELinux is not enabled on this host (no selinuxfs at /sys/fs/selinux): "
                      "the mount label is ignored");
    }
    std::vector<MountStep> steps;
    for (size_t i = 0; i < config.mounts.size(); ++i)
        steps.push_back(plan_mount(config.mounts[i], i, host, options, mount_label));
    return steps;
}

std::vector<DeviceNode> plan_devices(const std::vector<config::LinuxDevice>& devices) {
    std::vector<DeviceNode> nodes;
    for (size_t i = 0; i < devices.size(); ++i) {
        const auto& d = devices[i];
        std::string pointer = "/linux/devices/" + std::to_string(i);
        DeviceNode node;
        node.path = d.path;
        // config-linux.md Devices: c and u are character devices, b block devices, p a FIFO.
        if (d.type == "c" || d.type == "u")
            node.type = S_IFCHR;
        else if (d.type == "b")
            node.type = S_IFBLK;
        else if (d.type == "p")
            node.type = S_IFIFO;
        else
            throw ConfigError(pointer + "/type", "unknown device type " + quoted(d.type) + " (one of c, u, b, p)");
        if (node.type != S_IFIFO)
            node.number = makedev(static_cast<unsigned>(d.major.value_or(0)), static_cast<unsigned>(d.minor.value_or(0)));
        if (d.fileMode) node.mode = static_cast<mode_t>(*d.fileMode) & 07777;
        node.uid = d.uid.value_or(0);
        node.gid = d.gid.value_or(0);
        nodes.push_back(std::move(node));
    }
    return nodes;
}

}  // namespace ocirt::plan

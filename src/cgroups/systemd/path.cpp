#include "cgroups/systemd/path.hpp"

#include <vector>

#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

constexpr const char* kPointer = "/linux/cgroupsPath";
constexpr std::string_view kSliceSuffix = ".slice";

bool ends_with(const std::string& text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

}  // namespace

std::string expand_slice(const std::string& slice) {
    auto invalid = [&](const std::string& why) {
        return Error("invalid systemd slice name " + ocirt::quoted(slice) + ": " + why);
    };
    if (!ends_with(slice, kSliceSuffix) || slice.size() == kSliceSuffix.size())
        throw invalid("it must end in \".slice\"");
    if (slice.find('/') != std::string::npos) throw invalid("it must not contain '/'");
    std::string name = slice.substr(0, slice.size() - kSliceSuffix.size());
    if (name == "-") return "/";
    std::string path, prefix;
    for (const auto& component : split(name, '-')) {
        if (component.empty()) throw invalid("a '-' may not start or end it, nor follow another");
        path += "/" + prefix + component + std::string(kSliceSuffix);
        prefix += component + "-";
    }
    return path;
}

SystemdCgroup parse_systemd_cgroup(const std::optional<std::string>& cgroups_path, const std::string& id,
                                   const std::string& default_slice) {
    std::string path = cgroups_path && !cgroups_path->empty() ? *cgroups_path : ":ocirt:" + id;
    auto parts = split(path, ':');
    if (parts.size() != 3)
        throw Error("with --systemd-cgroup, cgroupsPath must be \"slice:prefix:name\", got " + ocirt::quoted(path), 0,
                    kPointer);
    const std::string& prefix = parts[1];
    const std::string& name = parts[2];
    if (name.empty())
        throw Error("with --systemd-cgroup, the name in " + ocirt::quoted(path) + " is empty", 0, kPointer);
    for (const auto* part : {&prefix, &name})
        if (part->find('/') != std::string::npos)
            throw Error("with --systemd-cgroup, " + ocirt::quoted(*part) + " in " + ocirt::quoted(path) +
                            " must not contain '/'",
                        0, kPointer);
    SystemdCgroup c;
    c.slice = parts[0].empty() ? default_slice : parts[0];
    // runc's rule: a scope unless the name asks for a slice.
    c.unit = ends_with(name, kSliceSuffix) ? name : prefix + "-" + name + ".scope";
    try {
        std::string parent = expand_slice(c.slice);
        c.cgroup = (parent == "/" ? "" : parent) + "/" + c.unit;
    } catch (Error& e) {
        throw Error(e.full(), 0, kPointer);
    }
    return c;
}

}  // namespace ocirt::cgroups

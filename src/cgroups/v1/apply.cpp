#include "cgroups/v1/apply.hpp"

#include <unistd.h>

#include <cerrno>
#include <map>
#include <optional>

#include "cgroups/file_io.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

Error for_field(const FileWrite& w, const Error& e) {
    std::string text = w.pointer + ": ";
    for (const auto& frame : e.frames()) text += frame + ": ";
    return Error(text + e.message(), e.errno_value(), w.pointer);
}

std::optional<std::string> resolve(const std::string& directory, const FileWrite& w, const V1Files& files) {
    if (files.exists(directory + "/" + w.file)) return w.file;
    if (!w.fallback.empty() && files.exists(directory + "/" + w.fallback)) return w.fallback;
    if (w.skip_if_missing) return std::nullopt;
    std::string names = ocirt::quoted(w.file) + (w.fallback.empty() ? "" : " nor " + ocirt::quoted(w.fallback));
    throw Error(w.pointer + ": this kernel's " + std::string(v1_controller(w.group)) + " controller has no " + names +
                    " in " + ocirt::quoted(directory),
                ENOENT, w.pointer);
}

void write_one(const std::string& directory, const FileWrite& w, const std::string& file, const V1Files& files) {
    std::string path = directory + "/" + file;
    files.write(path, w.value);
    if (!w.read_back) return;
    std::string kept = trimmed(files.read(path));
    if (kept != w.value)
        throw Error("the kernel set " + ocirt::quoted(path) + " to " + kept + " instead of " + w.value +
                        ", which is outside the range it accepts",
                    0, w.pointer);
}

struct Deferred {
    const FileWrite* write;
    std::string file;
    Error refusal;
};

}  // namespace

V1Files V1Files::kernel() {
    return {[](const std::string& path) { return ::access(path.c_str(), F_OK) == 0; },
            [](const std::string& path, const std::string& value) { write_text(path, value); },
            [](const std::string& path) { return read_text(path); }};
}

void write_v1_group(const std::string& directory, const std::vector<FileWrite>& writes, Group group,
                    const V1Files& kernel_files) {
    // Whether a file exists is asked once per file, however many writes go to it.
    std::map<std::string, bool> known;
    V1Files files = kernel_files;
    files.exists = [&known, &kernel_files](const std::string& path) {
        auto it = known.find(path);
        return it != known.end() ? it->second : known.emplace(path, kernel_files.exists(path)).first->second;
    };
    std::vector<Deferred> deferred;
    for (const auto& w : writes) {
        if (w.group != group) continue;
        auto file = resolve(directory, w, files);
        if (!file) continue;
        try {
            write_one(directory, w, *file, files);
        } catch (const Error& e) {
            if (e.errno_value() != EINVAL || w.retry_after.empty()) throw for_field(w, e);
            deferred.push_back({&w, *file, e});
            continue;
        }
        for (auto it = deferred.begin(); it != deferred.end();) {
            if (it->write->retry_after != w.file) {
                ++it;
                continue;
            }
            try {
                write_one(directory, *it->write, it->file, files);
            } catch (const Error& e) {
                throw for_field(*it->write, e);
            }
            it = deferred.erase(it);
        }
    }
    if (!deferred.empty()) throw for_field(*deferred.front().write, deferred.front().refusal);
}

}  // namespace ocirt::cgroups

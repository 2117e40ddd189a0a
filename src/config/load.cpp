#include "config/load.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "config/parse_json.hpp"
#include "config/rules.hpp"
#include "config/schema_check.hpp"
#include "config/to_model.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::config {
namespace {

namespace fs = std::filesystem;

std::string read_whole(const std::string& path, std::string& error) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        error = SysError("open " + ocirt::quoted(path)).full();
        return {};
    }
    std::string text;
    char buf[65536];
    while (true) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = SysError("read " + ocirt::quoted(path)).full();
            return {};
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
}

// config.md Root: a relative path is relative to the bundle, never to the runtime's working directory.
std::string resolve_root(const std::string& root_path, const std::string& bundle_dir) {
    fs::path p(root_path);
    if (p.is_relative()) p = fs::absolute(fs::path(bundle_dir)) / p;
    return p.lexically_normal().string();
}

}  // namespace

std::string Diagnostic::describe() const {
    std::string where = pointer.empty() ? "" : pointer + ": ";
    return where + message + " (" + rule + ")";
}

std::string Diagnostic::to_string() const { return "config.json: " + describe(); }

LoadResult load_config_text(const std::string& text, const std::string& bundle_dir) {
    LoadResult result;
    ParsedJson parsed = parse_json(text);
    if (parsed.error) {
        result.diagnostics.push_back(*parsed.error);
        return result;
    }
    result.diagnostics = config_schema().validate(*parsed.doc);
    if (!result.diagnostics.empty()) return result;

    Config config = to_model(*parsed.doc, result.diagnostics);
    config.root.resolved_path = resolve_root(config.root.path, bundle_dir);
    auto broken = check_rules({config, config.root.resolved_path});
    result.diagnostics.insert(result.diagnostics.end(), broken.begin(), broken.end());
    if (result.diagnostics.empty()) result.config = std::move(config);
    return result;
}

namespace {

LoadResult load_bundle_keeping(const std::string& bundle_dir, std::string& text) {
    std::string error;
    text = read_whole((fs::path(bundle_dir) / "config.json").string(), error);
    if (!error.empty()) {
        LoadResult result;
        result.diagnostics.push_back({"", error, "read"});
        return result;
    }
    return load_config_text(text, bundle_dir);
}

}  // namespace

LoadResult load_bundle(const std::string& bundle_dir) {
    std::string text;
    return load_bundle_keeping(bundle_dir, text);
}

Config load_bundle_or_throw(const std::string& bundle_dir, std::string* loaded_text) {
    std::string loaded;
    LoadResult result = load_bundle_keeping(bundle_dir, loaded);
    if (result.config) {
        if (loaded_text) *loaded_text = std::move(loaded);
        return std::move(*result.config);
    }
    std::string text;
    for (const auto& d : result.diagnostics) {
        if (!text.empty()) text += "; ";
        text += d.describe();
    }
    throw Error(text, 0, result.diagnostics.front().pointer).context("config.json");
}

}  // namespace ocirt::config

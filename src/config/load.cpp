#include "config/load.hpp"

#include <filesystem>

#include "config/parse_json.hpp"
#include "config/rules.hpp"
#include "config/schema_check.hpp"
#include "config/to_model.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace ocirt::config {
namespace {

namespace fs = std::filesystem;

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
    try {
        text = read_file((fs::path(bundle_dir) / "config.json").string());
    } catch (const Error& e) {
        LoadResult result;
        result.diagnostics.push_back({"", e.full(), "read"});
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

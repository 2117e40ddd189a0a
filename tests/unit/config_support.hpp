#pragma once
// Shared by the spec_* unit tests: the test corpus under tests/data and throw-away bundle directories.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ocirt::spec_test {

namespace fs = std::filesystem;

inline fs::path data_dir() { return fs::path(OCIRT_SOURCE_DIR) / "tests" / "data"; }

inline std::string read_data_file(const fs::path& p) {
    std::ifstream f(p);
    if (!f) throw std::runtime_error("cannot read " + p.string());
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::vector<fs::path> corpus(const std::string& kind) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(data_dir() / kind))
        if (e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// The config text of an invalid case: "raw" text, a whole "config", or a JSON "patch" (RFC 6902) applied to
// tests/data/valid/busybox.json.
inline std::string invalid_case_text(const nlohmann::json& c) {
    if (c.contains("raw")) return c["raw"].get<std::string>();
    if (c.contains("config")) return c["config"].dump(2);
    auto base = nlohmann::json::parse(read_data_file(data_dir() / "valid" / "busybox.json"));
    return base.patch(c.at("patch")).dump(2);
}

// A temp bundle: an empty rootfs/ directory and, once written, config.json.
class TempBundle {
public:
    TempBundle() {
        std::string tmpl = (fs::temp_directory_path() / "ocirt-spec-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
        path_ = tmpl;
        fs::create_directory(path_ / "rootfs");
    }
    ~TempBundle() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempBundle(const TempBundle&) = delete;
    TempBundle& operator=(const TempBundle&) = delete;
    void write(const std::string& config_text) const { std::ofstream(path_ / "config.json") << config_text; }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

}  // namespace ocirt::spec_test

#include "temp_tree.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ocirt::unit_test {
namespace fs = std::filesystem;
namespace {

std::string make_temp_dir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    return tmpl;
}

}  // namespace

TempTree::TempTree(const std::string& prefix) : path(make_temp_dir(prefix)) {}

TempTree::~TempTree() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

void TempTree::file(const std::string& rel, const std::string& content) const {
    fs::create_directories(fs::path(path + "/" + rel).parent_path());
    std::ofstream(path + "/" + rel) << content;
}

std::string TempTree::read(const std::string& rel) const { return slurp(path + "/" + rel); }

std::string slurp(const std::string& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace ocirt::unit_test

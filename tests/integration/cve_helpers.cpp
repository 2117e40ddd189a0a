#include "cve_helpers.hpp"

#include <time.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ocirt::test {
namespace fs = std::filesystem;

PrivateOcirtCopy::PrivateOcirtCopy() : dir_("ocirt-binary") {
    std::string original = ocirt_binary();
    path_ = dir_.path() + "/ocirt";
    fs::copy_file(original, path_);
    fs::permissions(path_, fs::perms(0755));
    bytes_ = read_file(path_);
    if (const char* env = std::getenv("OCIRT")) {
        previous_ = env;
        had_previous_ = true;
    }
    ::setenv("OCIRT", path_.c_str(), 1);
}

void PrivateOcirtCopy::restore() const {
    if (read_file(path_) == bytes_) return;
    std::string fresh = path_ + ".restored";
    std::ofstream(fresh, std::ios::binary) << bytes_;
    fs::permissions(fresh, fs::perms(0755));
    fs::rename(fresh, path_);
}

PrivateOcirtCopy::~PrivateOcirtCopy() {
    if (had_previous_)
        ::setenv("OCIRT", previous_.c_str(), 1);
    else
        ::unsetenv("OCIRT");
}

std::string wait_for_line(const std::string& path, const std::string& line, int timeout_ms) {
    for (int waited = 0;; waited += 10) {
        std::string text = read_file(path);
        std::istringstream lines(text);
        for (std::string l; std::getline(lines, l);)
            if (l == line) return text;
        if (waited >= timeout_ms) return text;
        struct timespec ts{0, 10 * 1000 * 1000};
        nanosleep(&ts, nullptr);
    }
}

}  // namespace ocirt::test

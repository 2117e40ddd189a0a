#pragma once
// A temporary directory for unit tests (emulated cgroup trees, state roots, roots for path resolution),
// removed with everything in it, and the small file helpers the tests use on it.
#include <string>

namespace ocirt::unit_test {

class TempTree {
public:
    explicit TempTree(const std::string& prefix);  // /tmp/<prefix>-XXXXXX
    ~TempTree();
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    const std::string path;  // absolute

    // Writes `content` to path/rel, making its parent directories.
    void file(const std::string& rel, const std::string& content) const;
    // path/rel's whole content; "" when it cannot be read.
    std::string read(const std::string& rel) const;
};

// A file's whole content; "" when it cannot be read.
std::string slurp(const std::string& file);

}  // namespace ocirt::unit_test

#pragma once
// Shared by the escape regression tests (issue 7): a private copy of the ocirt binary under test, so that
// a defence that fails corrupts only the copy, and waiting for a report file the container writes.
#include <string>

#include "harness.hpp"

namespace ocirt::test {

// Copies $OCIRT (or build/ocirt) into a temp dir and points $OCIRT at the copy until destroyed.
class PrivateOcirtCopy {
public:
    PrivateOcirtCopy();
    ~PrivateOcirtCopy();
    PrivateOcirtCopy(const PrivateOcirtCopy&) = delete;
    PrivateOcirtCopy& operator=(const PrivateOcirtCopy&) = delete;
    const std::string& path() const { return path_; }
    const std::string& original_bytes() const { return bytes_; }
    // Writes the original bytes back (after an attack that succeeded), so that cleanup can still run it.
    void restore() const;

private:
    TempDir dir_;
    std::string path_;
    std::string previous_;
    bool had_previous_ = false;
    std::string bytes_;
};

// Polls `path` every 10 ms for up to `timeout_ms` until it holds a line equal to `line`; returns the text.
std::string wait_for_line(const std::string& path, const std::string& line, int timeout_ms = 30000);

}  // namespace ocirt::test

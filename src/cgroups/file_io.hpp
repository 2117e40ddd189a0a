#pragma once
// Reading and writing the small text files of a cgroup filesystem; errors name the file.
#include <optional>
#include <string>

namespace ocirt::cgroups {

// Whole file; throws Error naming the path.
std::string read_text(const std::string& path);
// Whole file, or nullopt when it cannot be read (missing file, hierarchy gone).
std::optional<std::string> try_read_text(const std::string& path);
// One write(2) of `text`: cgroup files take one value per write (cgroups(7)).
void write_text(const std::string& path, const std::string& text);
// The text without surrounding whitespace.
std::string trimmed(const std::string& text);

}  // namespace ocirt::cgroups

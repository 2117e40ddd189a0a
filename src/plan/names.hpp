#pragma once
// Spec names → kernel constants: namespace types (config-linux.md "Namespaces") → CLONE_NEW* and
// rlimit types (config.md "POSIX process") → RLIMIT_*.
#include <optional>
#include <string>
#include <vector>

namespace ocirt::plan {

std::optional<int> namespace_clone_flag(const std::string& type);
std::vector<std::string> namespace_types();  // every type namespace_clone_flag knows, sorted
std::optional<int> rlimit_resource(const std::string& name);

}  // namespace ocirt::plan

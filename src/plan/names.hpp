#pragma once
// Spec names → kernel constants: namespace types (config-linux.md "Namespaces") → CLONE_NEW*.
// Rlimit types are in config/known_names.hpp, which the rules check them with.
#include <optional>
#include <string>
#include <vector>

namespace ocirt::plan {

std::optional<int> namespace_clone_flag(const std::string& type);
std::vector<std::string> namespace_types();  // every type namespace_clone_flag knows, sorted

}  // namespace ocirt::plan

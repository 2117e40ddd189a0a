#pragma once
// Spec names → kernel constants: namespace types (config-linux.md "Namespaces") → CLONE_NEW*.
#include <optional>
#include <string>
#include <vector>

namespace ocirt::plan {

std::optional<int> namespace_clone_flag(const std::string& type);
std::vector<std::string> namespace_types();  // every type namespace_clone_flag knows, sorted

}  // namespace ocirt::plan

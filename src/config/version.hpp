#pragma once
// The runtime-spec versions this build implements (config.md "Specification version"): the config loader
// accepts any SemVer ociVersion of major 1 (rules.cpp oci-version); 1.0.0 is the first of them, 1.3.0 the
// version whose config, state and features documents ocirt's schemas and output follow.
namespace ocirt::config {

inline constexpr const char* kOciVersionMin = "1.0.0";
inline constexpr const char* kOciVersion = "1.3.0";

}  // namespace ocirt::config

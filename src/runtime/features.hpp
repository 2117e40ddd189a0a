#pragma once
// The features document `ocirt features` prints (runtime-spec features.md, features-linux.md): what this
// build implements, whatever the host offers. Every list comes from the table the code takes config.json's
// values from (capability names, mount option tables, namespace table, seccomp tables, hook kinds), so a
// listed name is one a config can use; seccomp actions, architectures and supported flags are further
// narrowed to what this libseccomp and kernel accept (features-linux.md supportedFlags: "not supported by
// the current kernel and/or libseccomp").
#include <nlohmann/json.hpp>

namespace ocirt::runtime {

// Keys of the document's "annotations".
inline constexpr const char* kVersionAnnotation = "io.github.ocirt.version";
// "true": `checkpoint` and `restore` drive CRIU (runc and crun report theirs under their own prefixes).
inline constexpr const char* kCheckpointAnnotation = "io.github.ocirt.checkpoint.enabled";
// The key the runtime-spec's own example (features.md) gives libseccomp's version under.
inline constexpr const char* kLibseccompVersionAnnotation = "io.github.seccomp.libseccomp.version";

// In the spec's order of properties.
nlohmann::ordered_json features_document();

}  // namespace ocirt::runtime

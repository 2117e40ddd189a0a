#pragma once
// A linux.resources document on its own (what `update --resources` reads, as runc does): parsed, checked
// against defs-linux.json#/definitions/Resources and converted to the typed model.
#include <string>

#include "config/config.hpp"

namespace ocirt::config {

// `source` names the input in errors ("resources.json", "stdin"). Throws Error carrying the JSON pointer
// (relative to the document, e.g. "/memory/limit") of the first problem.
Resources load_resources_text(const std::string& text, const std::string& source);

}  // namespace ocirt::config

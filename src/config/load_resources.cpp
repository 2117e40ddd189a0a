#include "config/load_resources.hpp"

#include "config/parse_json.hpp"
#include "config/schema_check.hpp"
#include "config/to_model.hpp"
#include "util/error.hpp"

namespace ocirt::config {
namespace {

[[noreturn]] void fail(const std::string& source, const std::vector<Diagnostic>& problems) {
    const Diagnostic& first = problems.front();
    std::string more = problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : "";
    throw Error(source + ": " + first.describe() + more, 0, first.pointer);
}

}  // namespace

Resources load_resources_text(const std::string& text, const std::string& source) {
    ParsedJson parsed = parse_json(text);
    if (parsed.error) fail(source, {*parsed.error});
    if (!parsed.doc->is_object()) fail(source, {{"", "must be a JSON object (linux.resources)", "schema: type"}});
    auto problems = resources_schema().validate(*parsed.doc);
    if (!problems.empty()) fail(source, problems);
    Resources resources = resources_to_model(*parsed.doc, problems);
    if (!problems.empty()) fail(source, problems);
    return resources;
}

}  // namespace ocirt::config

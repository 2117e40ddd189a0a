#pragma once
// JSON Schema (draft-04) validation with valijson. Each failure becomes a Diagnostic naming the JSON
// pointer of the offending value and the schema keyword ("schema: minItems"); only the innermost failure
// of a chain is kept ("item 0 of args failed" wrappers are dropped).
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"

namespace ocirt::config {

class SchemaValidator {
public:
    // `documents`: every schema file by name ("defs.json"); `root`: the name of the top schema. `$ref`s
    // between files resolve by file name among `documents`. Throws Error when `root` is not among them.
    SchemaValidator(std::map<std::string, nlohmann::json> documents, const std::string& root);
    ~SchemaValidator();
    SchemaValidator(const SchemaValidator&) = delete;
    SchemaValidator& operator=(const SchemaValidator&) = delete;

    // Compiles the part of the schema that applies to `doc`, then validates `doc`. Throws Error when that part
    // cannot be compiled.
    std::vector<Diagnostic> validate(const nlohmann::json& doc) const;

private:
    std::map<std::string, nlohmann::json> documents_;
    std::string root_;
};

// The embedded schemas (schemas/*.json), parsed once per process on first use.
const SchemaValidator& config_schema();
const SchemaValidator& state_schema();
// The features document (features-schema.json with features-linux.json).
const SchemaValidator& features_schema();
// linux.resources alone (defs-linux.json#/definitions/Resources), as `update --resources` takes it.
const SchemaValidator& resources_schema();

// valijson reads every integer as int64, so an unsigned value above INT64_MAX would turn negative: the copy
// that is validated carries INT64_MAX in its place (still a non-negative integer); ranges are checked in
// code when converting.
bool has_unsigned_above_int64(const nlohmann::json& doc);
nlohmann::json clamp_unsigned_to_int64(const nlohmann::json& doc);

}  // namespace ocirt::config

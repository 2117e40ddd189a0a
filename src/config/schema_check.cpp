#include "config/schema_check.hpp"

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>

#include "config/embedded_schemas.hpp"
#include "config/json_pointer.hpp"
#include "util/error.hpp"

namespace ocirt::config {
namespace {

using nlohmann::json;

std::string file_of(const std::string& uri) {
    auto slash = uri.rfind('/');
    std::string name = slash == std::string::npos ? uri : uri.substr(slash + 1);
    auto hash = name.find('#');
    return hash == std::string::npos ? name : name.substr(0, hash);
}

// A failure as valijson reports it, turned into a pointer, the keyword that failed and the detail text.
struct Failure {
    std::vector<std::string> tokens;  // path inside the document
    std::string keyword;              // "" for a wrapper ("item #0 failed") that only repeats an inner failure
    std::string property;             // for required / additionalProperties: the property named
};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The property name that valijson quotes at the end of its sentence, after the fixed text `marker`: the name
// may itself hold quotes, and the additionalProperties sentence quotes two keywords before it.
std::string quoted_after(const std::string& text, std::string_view marker) {
    auto start = text.find(marker);
    auto last = text.rfind('\'');
    if (start == std::string::npos || last < start + marker.size()) return {};
    start += marker.size();
    return text.substr(start, last - start);
}

// valijson 1.0 names no keyword in its results, only a fixed English sentence per constraint.
Failure classify(const valijson::ValidationResults::Error& error) {
    Failure f;
    for (std::size_t i = 1; i < error.context.size(); ++i) {
        const std::string& seg = error.context[i];
        f.tokens.push_back(seg.size() >= 2 && seg.front() == '[' && seg.back() == ']' ? seg.substr(1, seg.size() - 2)
                                                                                       : seg);
    }
    const std::string& d = error.description;
    static const std::pair<std::string_view, std::string_view> kTable[] = {
        {"Failed to validate item #", ""},
        {"Failed to validate against schema associated with", ""},
        {"Failed to validate against additional properties schema", ""},
        {"Failed to validate against child schema #", ""},
        {"Failed to validate against dependent schema", ""},
        {"Cannot validate item #", "additionalItems"},
        {"Value type not permitted", "type"},
        {"Missing required property", "required"},
        {"Object contains a property that could not be validated", "additionalProperties"},
        {"Failed to match against any enum values", "enum"},
        {"Failed to match regex", "pattern"},
        {"Expected number less than", "maximum"},
        {"Expected number greater than", "minimum"},
        {"Array should contain no more than", "maxItems"},
        {"Array should contain no fewer than", "minItems"},
        {"String should be no more than", "maxLength"},
        {"String should be no fewer than", "minLength"},
        {"Object should have no more than", "maxProperties"},
        {"Object should have no fewer than", "minProperties"},
        {"Value should be a multiple of", "multipleOf"},
        {"Value could not be converted", "multipleOf"},
        {"Elements at indexes", "uniqueItems"},
        {"Missing dependency", "dependencies"},
        {"Failed to validate against any schemas allowed by anyOf", "anyOf"},
        {"Failed to validate against any child schemas allowed by oneOf", "oneOf"},
        {"Failed to validate against exactly one child schema", "oneOf"},
        {"Target should not validate", "not"},
        {"Array contains more items than allowed", "additionalItems"},
    };
    f.keyword = "unknown";
    for (const auto& [prefix, keyword] : kTable) {
        if (starts_with(d, prefix)) {
            f.keyword = keyword;
            break;
        }
    }
    if (f.keyword == "required") f.property = quoted_after(d, "property '");
    if (f.keyword == "additionalProperties") f.property = quoted_after(d, "constraints: '");
    return f;
}

std::string json_type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::string: return "string";
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer";
        case json::value_t::number_float: return "number";
        default: return "value";
    }
}

std::string with_article(const std::string& type) {
    if (type == "null") return "null";
    bool vowel = !type.empty() && std::string_view("aeiou").find(type[0]) != std::string_view::npos;
    return (vowel ? "an " : "a ") + type;
}

std::string short_value(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string number_text(const json& v) {
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (d == static_cast<double>(static_cast<int64_t>(d))) return std::to_string(static_cast<int64_t>(d));
    }
    return v.dump();
}

// Calls `visit` on every "$ref" string below `node`.
template <class Node, class Visit>
void for_each_ref(Node& node, const Visit& visit) {
    if (node.is_array()) {
        for (auto& v : node) for_each_ref(v, visit);
    } else if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it.key() == "$ref" && it.value().is_string())
                visit(it.value());
            else
                for_each_ref(it.value(), visit);
        }
    }
}

// The document part of a reference ("defs.json" of "defs.json#/definitions/X"), "" for a local one.
std::string document_of(const std::string& ref) { return ref.substr(0, ref.find('#')); }

// valijson matches every reference whose document part is relative against a URN regex (compiled on first use,
// about a sixth of a config load's instructions); an absolute URI skips that test (valijson/internal/uri.hpp).
void make_refs_absolute(json& document) {
    for_each_ref(document, [](json& ref) {
        std::string text = ref.get<std::string>();
        std::string doc = document_of(text);
        if (!doc.empty() && doc.find("://") == std::string::npos) ref = "ocirt:///" + text;
    });
}

using Documents = std::map<std::string, json>;

struct SchemaLocation {
    std::string file;
    const json* node;
};

// The node that `loc` names once its "$ref"s are followed (draft 4 ignores a $ref's siblings); `loc` itself
// when a reference does not resolve.
SchemaLocation follow_refs(const Documents& documents, SchemaLocation loc) {
    for (int depth = 0; depth < 32 && loc.node->is_object(); ++depth) {
        auto ref = loc.node->find("$ref");
        if (ref == loc.node->end() || !ref->is_string()) break;
        const std::string& text = ref->get_ref<const std::string&>();
        auto hash = text.find('#');
        std::string file = hash == 0 ? loc.file : file_of(text.substr(0, hash));
        std::string fragment = hash == std::string::npos ? "" : text.substr(hash + 1);
        auto doc = documents.find(file);
        if (doc == documents.end()) break;
        try {
            loc = {file, &doc->second.at(json::json_pointer(fragment))};
        } catch (const json::exception&) {
            break;
        }
    }
    return loc;
}

// `node` of `file`, copied so that it can sit in another document: its local references ("#/...") name `file`.
json relocated(const json& node, const std::string& file) {
    json out = node;
    for_each_ref(out, [&file](json& ref) {
        const std::string& text = ref.get_ref<const std::string&>();
        if (text.rfind('#', 0) == 0) ref = "ocirt:///" + file + text;
    });
    return out;
}

// The schema at `loc` as it applies to `instance` alone, for valijson to compile: compiling the whole config
// schema took more time than the rest of loading a config. Draft 4 applies a "properties" subschema only to a
// member the instance has (json-schema-validation draft 4, 5.4.4 and 8.3), so each absent member's subschema
// becomes the empty schema, and the result for this instance is unchanged. The subschemas that apply to the
// instance itself or to its members are followed through "$ref" and specialised in turn; the rest (items,
// additionalProperties, ...) are kept as they are, their local references made to name their file. "id" is
// dropped from a specialised node: every reference is absolute by then, and valijson would otherwise cache
// two different specialisations of one node under the same id.
json specialised(const Documents& documents, SchemaLocation loc, const json& instance, int depth = 0) {
    loc = follow_refs(documents, loc);
    const json& node = *loc.node;
    if (!node.is_object() || depth > 64) return relocated(node, loc.file);
    json out = json::object();
    for (const auto& [key, value] : node.items()) {
        if (key == "id" || key == "definitions") continue;
        if (key == "properties" && value.is_object()) {
            json& properties = out[key] = json::object();
            for (const auto& [name, sub] : value.items()) {
                auto member = instance.is_object() ? instance.find(name) : instance.end();
                properties[name] = member == instance.end()
                                       ? json::object()
                                       : specialised(documents, {loc.file, &sub}, *member, depth + 1);
            }
        } else if ((key == "allOf" || key == "anyOf" || key == "oneOf") && value.is_array()) {
            json& branches = out[key] = json::array();
            for (const auto& sub : value) branches.push_back(specialised(documents, {loc.file, &sub}, instance, depth + 1));
        } else if (key == "not") {
            out[key] = specialised(documents, {loc.file, &value}, instance, depth + 1);
        } else {
            out[key] = relocated(value, loc.file);
        }
    }
    return out;
}

}  // namespace

SchemaValidator::SchemaValidator(std::map<std::string, json> documents, const std::string& root)
    : documents_(std::move(documents)), root_(root) {
    for (auto& [name, document] : documents_) make_refs_absolute(document);
    if (!documents_.count(root_)) throw Error("schema " + ocirt::quoted(root_) + " not found");
}

SchemaValidator::~SchemaValidator() = default;

namespace {

// valijson's compiled form of `schema`, whose references name files among `documents`.
void compile(const json& schema, const Documents& documents, const std::string& root, valijson::Schema& out) {
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
        valijson::adapters::NlohmannJsonAdapter adapter(schema);
        auto fetch = [&documents](const std::string& uri) -> const json* {
            auto doc = documents.find(file_of(uri));
            if (doc == documents.end()) throw Error("schema " + ocirt::quoted(uri) + " referenced but not found");
            return &doc->second;
        };
        auto release = [](const json*) {};
        parser.populateSchema(adapter, out, fetch, release);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(std::string("compile schema ") + ocirt::quoted(root) + ": " + e.what());
    }
}

}  // namespace

namespace {

class SchemaWalker {
public:
    explicit SchemaWalker(const std::map<std::string, json>& documents) : documents_(documents) {}

    // Every subschema (after $ref, through allOf/anyOf/oneOf) that applies at `tokens` below `root`.
    std::vector<const json*> at(const std::string& root, const std::vector<std::string>& tokens) const {
        std::vector<const json*> out;
        auto it = documents_.find(root);
        if (it != documents_.end()) walk({root, &it->second}, tokens, 0, out, 0);
        return out;
    }

private:
    void walk(SchemaLocation loc, const std::vector<std::string>& tokens, std::size_t i, std::vector<const json*>& out,
              int depth) const {
        if (depth > 64) return;
        loc = follow_refs(documents_, loc);
        const json& node = *loc.node;
        if (!node.is_object()) return;
        for (const char* combinator : {"allOf", "anyOf", "oneOf"})
            if (node.contains(combinator) && node[combinator].is_array())
                for (const auto& branch : node[combinator]) walk({loc.file, &branch}, tokens, i, out, depth + 1);
        if (i == tokens.size()) {
            out.push_back(&node);
            return;
        }
        const std::string& token = tokens[i];
        bool matched = false;
        if (node.contains("properties") && node["properties"].contains(token)) {
            walk({loc.file, &node["properties"][token]}, tokens, i + 1, out, depth + 1);
            matched = true;
        }
        if (!matched && node.contains("patternProperties") && node["patternProperties"].is_object() && !token.empty())
            for (const auto& [pattern, sub] : node["patternProperties"].items()) walk({loc.file, &sub}, tokens, i + 1, out, depth + 1);
        if (!matched && node.contains("additionalProperties") && node["additionalProperties"].is_object())
            walk({loc.file, &node["additionalProperties"]}, tokens, i + 1, out, depth + 1);
        if (node.contains("items") && node["items"].is_object() && !token.empty() &&
            std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; }))
            walk({loc.file, &node["items"]}, tokens, i + 1, out, depth + 1);
    }

    const std::map<std::string, json>& documents_;
};

const json* value_at(const json& doc, const std::vector<std::string>& tokens) {
    const json* v = &doc;
    for (const auto& t : tokens) {
        if (v->is_object()) {
            auto it = v->find(t);
            if (it == v->end()) return nullptr;
            v = &*it;
        } else if (v->is_array()) {
            std::size_t idx = 0;
            try {
                idx = std::stoul(t);
            } catch (const std::exception&) {
                return nullptr;
            }
            if (idx >= v->size()) return nullptr;
            v = &(*v)[idx];
        } else {
            return nullptr;
        }
    }
    return v;
}

const json* keyword_value(const std::vector<const json*>& subschemas, const char* keyword) {
    for (const json* s : subschemas)
        if (s->contains(keyword)) return &(*s)[keyword];
    return nullptr;
}

std::string expected_types(const json& type) {
    if (type.is_string()) return with_article(type.get<std::string>());
    std::string out;
    if (type.is_array())
        for (std::size_t i = 0; i < type.size(); ++i) {
            if (i) out += i + 1 == type.size() ? " or " : ", ";
            out += with_article(type[i].get<std::string>());
        }
    return out.empty() ? "of another type" : out;
}

std::string message_for(const Failure& f, const std::vector<const json*>& subschemas, const json* value) {
    const std::string got = value ? short_value(*value) : "nothing";
    if (f.keyword == "type") {
        const json* type = keyword_value(subschemas, "type");
        return "must be " + (type ? expected_types(*type) : std::string("of another type")) + ", got " +
               (value ? json_type_name(*value) : std::string("nothing"));
    }
    if (f.keyword == "required") return "is required";
    if (f.keyword == "additionalProperties") return "is not allowed here";
    if (f.keyword == "enum") {
        const json* e = keyword_value(subschemas, "enum");
        std::string list;
        if (e && e->is_array())
            for (std::size_t i = 0; i < e->size(); ++i) list += (i ? ", " : "") + (*e)[i].dump();
        return "must be one of " + list + "; got " + got;
    }
    if (f.keyword == "pattern") {
        const json* p = keyword_value(subschemas, "pattern");
        return "must match the pattern " + (p ? p->get<std::string>() : std::string("?")) + ", got " + got;
    }
    if (f.keyword == "minimum" || f.keyword == "maximum") {
        const json* bound = keyword_value(subschemas, f.keyword.c_str());
        return std::string(f.keyword == "minimum" ? "must be at least " : "must be at most ") +
               (bound ? number_text(*bound) : std::string("?")) + ", got " + got;
    }
    if (f.keyword == "minItems" || f.keyword == "maxItems") {
        const json* bound = keyword_value(subschemas, f.keyword.c_str());
        std::string n = bound ? number_text(*bound) : "?";
        return std::string(f.keyword == "minItems" ? "must have at least " : "must have at most ") + n +
               (n == "1" ? " item" : " items");
    }
    if (f.keyword == "minLength") {
        const json* bound = keyword_value(subschemas, "minLength");
        if (bound && number_text(*bound) == "1") return "must not be empty";
        return "must have at least " + (bound ? number_text(*bound) : std::string("?")) + " characters";
    }
    if (f.keyword == "maxLength") {
        const json* bound = keyword_value(subschemas, "maxLength");
        return "must have at most " + (bound ? number_text(*bound) : std::string("?")) + " characters";
    }
    if (f.keyword == "uniqueItems") return "must not contain the same item twice";
    if (f.keyword == "anyOf" || f.keyword == "oneOf") return "matches none of the allowed forms";
    return "is not valid (" + f.keyword + ")";
}

}  // namespace

std::vector<Diagnostic> SchemaValidator::validate(const json& doc) const {
    const bool clamp = has_unsigned_above_int64(doc);
    const json clamped = clamp ? clamp_unsigned_to_int64(doc) : json();
    const json& instance = clamp ? clamped : doc;
    valijson::Schema schema;
    compile(specialised(documents_, {root_, &documents_.at(root_)}, instance), documents_, root_, schema);
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(instance);
    if (validator.validate(schema, target, &results)) return {};

    std::vector<Failure> failures;
    for (const auto& error : results) failures.push_back(classify(error));
    // A chain reads innermost first; a failure whose path is a strict prefix of another's only restates it.
    auto is_prefix = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
        return a.size() < b.size() && std::equal(a.begin(), a.end(), b.begin());
    };
    SchemaWalker walker(documents_);
    std::vector<Diagnostic> out;
    for (const auto& f : failures) {
        if (f.keyword.empty()) continue;
        if (f.keyword == "anyOf" || f.keyword == "oneOf") {
            bool restated = std::any_of(failures.begin(), failures.end(), [&](const Failure& other) {
                return !other.keyword.empty() && &other != &f && is_prefix(f.tokens, other.tokens);
            });
            if (restated) continue;
        }
        std::string pointer;
        for (const auto& t : f.tokens) pointer = pointer_join(pointer, t);
        auto subschemas = walker.at(root_, f.tokens);
        const json* value = value_at(doc, f.tokens);
        Diagnostic d{pointer, message_for(f, subschemas, value), "schema: " + f.keyword};
        if (!f.property.empty()) d.pointer = pointer_join(pointer, f.property);
        bool duplicate = std::any_of(out.begin(), out.end(), [&](const Diagnostic& o) {
            return o.pointer == d.pointer && o.rule == d.rule;
        });
        if (!duplicate) out.push_back(std::move(d));
    }
    return out;
}

bool has_unsigned_above_int64(const json& doc) {
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (doc.is_number_unsigned()) return doc.get<uint64_t>() > kMax;
    if (doc.is_structured())
        for (const auto& v : doc) {
            if (has_unsigned_above_int64(v)) return true;
        }
    return false;
}

json clamp_unsigned_to_int64(const json& doc) {
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (doc.is_number_unsigned()) return doc.get<uint64_t>() > kMax ? json(kMax) : doc;
    if (doc.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : doc.items()) out[k] = clamp_unsigned_to_int64(v);
        return out;
    }
    if (doc.is_array()) {
        json out = json::array();
        for (const auto& v : doc) out.push_back(clamp_unsigned_to_int64(v));
        return out;
    }
    return doc;
}

namespace {

// The embedded documents that `root` reaches through "$ref", parsed; the others are not parsed at all.
std::map<std::string, json> embedded_documents(const std::string& root) {
    std::map<std::string, json> docs;
    std::vector<std::string> pending{root};
    while (!pending.empty()) {
        std::string name = pending.back();
        pending.pop_back();
        if (docs.count(name)) continue;
        for (const auto& schema : embedded_schemas()) {
            if (schema.name != name) continue;
            const json& doc = docs.emplace(name, json::parse(schema.text)).first->second;
            for_each_ref(doc, [&](const json& ref) {
                std::string doc_name = document_of(ref.get<std::string>());
                if (!doc_name.empty()) pending.push_back(file_of(doc_name));
            });
        }
    }
    return docs;
}

}  // namespace

const SchemaValidator& config_schema() {
    static const SchemaValidator validator(embedded_documents("config-schema.json"), "config-schema.json");
    return validator;
}

const SchemaValidator& resources_schema() {
    static const SchemaValidator validator(
        [] {
            auto docs = embedded_documents("defs-linux.json");
            json resources = docs.at("defs-linux.json").at("definitions").at("Resources");
            docs.emplace("linux-resources.json", relocated(resources, "defs-linux.json"));
            return docs;
        }(),
        "linux-resources.json");
    return validator;
}

const SchemaValidator& state_schema() {
    static const SchemaValidator validator(embedded_documents("state-schema.json"), "state-schema.json");
    return validator;
}

const SchemaValidator& features_schema() {
    static const SchemaValidator validator(embedded_documents("features-schema.json"), "features-schema.json");
    return validator;
}

}  // namespace ocirt::config

// Every field of the config schema ocirt embeds (schemas/config-schema.json and the files its $refs reach) is
// applied, refused by its JSON pointer, or accepted with a warning that names it: never parsed and dropped.
// tests/data/config-fields.json says which, field by field; this test walks the schema, holds the ledger
// to it in both directions, and runs one container per field with the ledger's sample set:
//   applied         create, start and delete succeed, and each test case it names (a read-back of the
//                   field's effect) exists in its test binary;
//   refused         create exits 1 naming the pointer and the fragment, and leaves nothing behind;
//   warned          create succeeds with "warning: <pointer>" and the fragment on stderr;
//   host-dependent  applied (as above) where the host has what it needs, else refused or warned as
//                   "otherwise" says.
// "pointer" may list several: the one a host reports depends on what it lacks first (a cgroup v1 host without
// the controller, a v2 host refusing a v1-only field, a device the kernel does not know).
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "block_devices.hpp"
#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "mount_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"
#include "seccomp_agent.hpp"
#include "../support/veth_pair.hpp"

using namespace ocirt::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// --- the schema's field paths ---------------------------------------------------------------------------

// RFC 6901 tokens of a pointer ("" → none).
std::vector<std::string> pointer_tokens(const std::string& pointer) {
    std::vector<std::string> out;
    if (pointer.empty()) return out;
    size_t start = 1;
    while (true) {
        size_t slash = pointer.find('/', start);
        std::string token = pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        std::string unescaped;
        for (size_t i = 0; i < token.size(); ++i) {
            if (token[i] == '~' && i + 1 < token.size()) unescaped += token[++i] == '1' ? '/' : '~';
            else unescaped += token[i];
        }
        out.push_back(unescaped);
        if (slash == std::string::npos) return out;
        start = slash + 1;
    }
}

class SchemaWalk {
public:
    explicit SchemaWalk(const std::string& dir) {
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.path().extension() == ".json") files_[entry.path().filename().string()] = json::parse(read_file(entry.path().string()));
        walk("config-schema.json", files_.at("config-schema.json"), "", 0);
    }
    const std::set<std::string>& leaves() const { return leaves_; }

private:
    // A property with no properties, items or map values of its own is a field; items and map values
    // (additionalProperties, patternProperties) are "*".
    void walk(const std::string& file, const json& node, const std::string& path, int depth) {
        REQUIRE_MESSAGE(depth < 40, "schema $refs loop at " << path);
        if (node.contains("$ref")) {
            std::string ref = node["$ref"].get<std::string>();
            auto hash = ref.find('#');
            std::string target_file = hash == 0 ? file : ref.substr(0, hash);
            REQUIRE_MESSAGE(files_.count(target_file), path << ": $ref to " << ref << ", not a file of schemas/");
            const json* target = &files_.at(target_file);
            for (const auto& token : pointer_tokens(hash == std::string::npos ? "" : ref.substr(hash + 1))) target = &target->at(token);
            walk(target_file, *target, path, depth + 1);
            return;
        }
        bool inner = false;
        if (node.contains("properties"))
            for (const auto& [name, sub] : node["properties"].items()) {
                inner = true;
                walk(file, sub, path + "/" + name, depth + 1);
            }
        if (node.contains("patternProperties"))
            for (const auto& [pattern, sub] : node["patternProperties"].items()) {
                inner = true;
                walk(file, sub, path + "/*", depth + 1);
            }
        if (node.contains("additionalProperties") && node["additionalProperties"].is_object()) {
            inner = true;
            walk(file, node["additionalProperties"], path + "/*", depth + 1);
        }
        if (node.contains("items") && node["items"].is_object()) {
            inner = true;
            walk(file, node["items"], path + "/*", depth + 1);
        }
        if (!inner) leaves_.insert(path);
    }

    std::map<std::string, json> files_;
    std::set<std::string> leaves_;
};

// --- does a patch set the field? -----------------------------------------------------------------------

void leaves_of(const json& value, std::vector<std::string> tokens, std::vector<std::vector<std::string>>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, sub] : value.items()) {
            tokens.push_back(key);
            leaves_of(sub, tokens, out);
            tokens.pop_back();
        }
    } else if (value.is_array() && !value.empty()) {
        for (const auto& sub : value) {
            tokens.push_back("#");
            leaves_of(sub, tokens, out);
            tokens.pop_back();
        }
    } else {
        out.push_back(tokens);
    }
}

// True when an add or replace of `patch` writes a value at `field` ("*" matching any key or index).
bool patch_sets(const json& patch, const std::string& field) {
    auto want = pointer_tokens(field);
    for (const auto& op : patch) {
        std::string kind = op.value("op", "");
        if (kind != "add" && kind != "replace") continue;
        auto base = pointer_tokens(op.at("path").get<std::string>());
        std::vector<std::vector<std::string>> leaves;
        leaves_of(op.at("value"), base, leaves);
        for (const auto& leaf : leaves) {
            if (leaf.size() < want.size()) continue;
            bool match = true;
            for (size_t i = 0; i < want.size() && match; ++i) match = want[i] == "*" || leaf[i] == want[i];
            if (match) return true;
        }
    }
    return false;
}

// --- the test binaries' case lists -------------------------------------------------------------------------

// Where the test binaries the ledger names are: $OCIRT_TEST_BINARY_DIR (the sanitizer build has only the unit
// and integration tests), else beside this one.
// No assertion here: the messages of the checks that name it call it while doctest reports.
std::string build_dir() {
    if (const char* dir = std::getenv("OCIRT_TEST_BINARY_DIR"); dir && *dir) return dir;
    return fs::read_symlink("/proc/self/exe").parent_path().string();
}

const std::set<std::string>& test_cases_of(const std::string& binary) {
    static std::map<std::string, std::set<std::string>> lists;
    auto it = lists.find(binary);
    if (it != lists.end()) return it->second;
    std::string path = build_dir() + "/" + binary;
    std::set<std::string> names;
    if (fs::exists(path)) {
        Result r = run_program({path, "--list-test-cases", "--no-version"});
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (!line.empty() && line.rfind("[doctest]", 0) != 0 && line.rfind("=====", 0) != 0) names.insert(line);
    }
    return lists.emplace(binary, std::move(names)).first->second;
}

// --- one container per field ---------------------------------------------------------------------------

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

struct Outcome {
    int exit_code = -1;
    std::string err;
    std::vector<std::string> left;  // leftovers after a failed create
    std::string start_err;          // start or delete failing after a successful create
};

class FieldRun {
public:
    FieldRun(const Ocirt& ocirt, const json& entry) : ocirt_(ocirt), entry_(entry) {}

    // Empty when it ran; else what the host lacks for it.
    std::string run(Outcome& out) {
        std::string needs = entry_.value("needs", "");
        std::map<std::string, std::string> placeholders{{"${ID}", id_}};
        std::unique_ptr<SeccompAgent> agent;
        std::unique_ptr<ConsoleReceiver> console;
        std::unique_ptr<HostVethPair> link;
        if (needs == "disk") {
            std::string disk = disk_device();
            if (disk.empty()) return "no disk block device on this host";
            placeholders["\"${DISK_MAJOR}\""] = std::to_string(major_of(disk));
            placeholders["\"${DISK_MINOR}\""] = std::to_string(minor_of(disk));
        } else if (needs == "idmapped-mount") {
            std::string why;
            if (!idmapped_mounts_supported("/usr", why)) return "the host filesystem takes no idmapped mount: " + why;
        } else if (needs == "seccomp-agent") {
            std::string path = files_.path() + "/agent.sock";
            agent = std::make_unique<SeccompAgent>(path, 0);
            placeholders["${SECCOMP_LISTENER}"] = path;
        } else if (needs == "console-socket") {
            console = std::make_unique<ConsoleReceiver>();
        } else if (needs == "net-device") {
            link = std::make_unique<HostVethPair>("wk");
            if (!link->made()) return "cannot make a veth pair (ip link add ... type veth): " + link->error();
            placeholders["${NET_DEVICE}"] = link->end();
        } else {
            REQUIRE_MESSAGE(needs.empty(), "unknown needs " << needs);
        }
        std::string patch_text = entry_.at("patch").dump();
        for (const auto& [from, to] : placeholders) replace_all(patch_text, from, to);

        bundle_.config["process"]["args"] = {"true"};
        bundle_.config = bundle_.config.patch(json::parse(patch_text));
        bundle_.write();
        std::vector<std::string> args{"create", "--bundle", bundle_.path()};
        if (console) args.insert(args.end(), {"--console-socket", console->path()});
        args.push_back(id_);
        Result created = run_to_files(ocirt_, args, files_.path() + "/out", files_.path() + "/err");
        out.exit_code = created.exit_code;
        out.err = created.err;
        if (created.exit_code != 0) {
            out.left = leftovers_of(id_, ocirt_.state_dir(id_), {bundle_.path()});
            return "";
        }
        if (console) {
            std::string payload;
            int master = console->receive_master(payload);
            if (master < 0) out.start_err = "no pty master came through the console socket";
            else ::close(master);
        }
        Result started = ocirt_({"start", id_});
        if (started.exit_code != 0) out.start_err += "start: " + started.err;
        Result deleted = ocirt_({"delete", "--force", id_});
        if (deleted.exit_code != 0) out.start_err += "delete: " + deleted.err;
        if (agent) agent->finish();
        auto left = leftovers_of(id_, ocirt_.state_dir(id_), {bundle_.path()});
        for (const auto& l : left) out.start_err += "left behind after delete: " + l + "\n";
        return "";
    }

private:
    const Ocirt& ocirt_;
    const json& entry_;
    Bundle bundle_;
    TempDir files_{"ocirt-field"};
    std::string id_ = unique_id("field");
};

// The ledger's "pointer": one, or the list of those a host may report.
std::vector<std::string> pointers_of(const json& entry) {
    if (!entry.contains("pointer")) return {};
    if (entry.at("pointer").is_string()) return {entry.at("pointer").get<std::string>()};
    return entry.at("pointer").get<std::vector<std::string>>();
}

std::string listed(const std::vector<std::string>& pointers) {
    std::string out;
    for (const auto& p : pointers) out += (out.empty() ? "" : " or ") + p;
    return out;
}

// `err` names one of `pointers` followed by `suffix`, and `fragment`.
bool names_pointer(const std::string& err, const std::vector<std::string>& pointers, const std::string& suffix, const std::string& fragment) {
    if (err.find(fragment) == std::string::npos) return false;
    for (const auto& pointer : pointers)
        if (err.find(pointer + suffix) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("config fields: every field of the schema is applied, refused by its pointer or warned about, as the ledger says") {
    auto started_at = std::chrono::steady_clock::now();
    SchemaWalk schema(source_dir() + "/schemas");
    json ledger = json::parse(read_file(source_dir() + "/tests/data/config-fields.json"));
    const json& entries = ledger.at("fields");

    // Both directions: a field the ledger lacks forces a decision; an entry naming no field is stale.
    std::map<std::string, const json*> by_path;
    for (const auto& entry : entries) {
        std::string path = entry.at("path").get<std::string>();
        CHECK_MESSAGE(by_path.emplace(path, &entry).second, path << ": listed twice in tests/data/config-fields.json");
    }
    for (const auto& field : schema.leaves())
        CHECK_MESSAGE(by_path.count(field), field << ": a field of the schema that tests/data/config-fields.json does not list: "
                                                     "decide whether ocirt applies it (and name the test that reads it back) or refuses it");
    std::vector<std::string> pending;
    for (const auto& [path, entry] : by_path) {
        if (schema.leaves().count(path)) continue;
        if (entry->contains("pendingSchema")) pending.push_back(path);
        else CHECK_MESSAGE(false, path << ": tests/data/config-fields.json lists it, but the schema has no such field");
    }
    if (!pending.empty()) {
        std::string list;
        for (const auto& p : pending) list += " " + p;
        MESSAGE("not walked, the schema does not have them yet (pendingSchema):" << list);
    }

    Ocirt ocirt;
    std::map<std::string, int> counts;  // outcome → fields
    std::vector<std::string> skipped;
    for (const auto& [path, entry_ptr] : by_path) {
        if (!schema.leaves().count(path)) continue;
        const json& entry = *entry_ptr;
        std::string status = entry.at("status").get<std::string>();
        CAPTURE(path);
        CAPTURE(status);
        REQUIRE_MESSAGE((status == "applied" || status == "refused" || status == "warned" || status == "host-dependent"),
                        path << ": unknown status " << status);
        REQUIRE_MESSAGE(patch_sets(entry.at("patch"), path), path << ": its patch does not set the field");

        // Every read-back test named must exist, whatever happens on this host.
        json tests = entry.value("tests", json::array());
        for (const auto& t : tests) {
            std::string binary = t.at("binary").get<std::string>(), name = t.at("case").get<std::string>();
            CHECK_MESSAGE(test_cases_of(binary).count(name),
                          path << ": names test case \"" << name << "\" that " << build_dir() << "/" << binary << " does not have");
        }
        if (status == "applied")
            CHECK_MESSAGE(!tests.empty(), path << ": applied, but no test case that reads its effect back is named");
        std::vector<std::string> pointers = pointers_of(entry);
        std::string fragment = entry.value("fragment", "");
        std::string otherwise = status == "host-dependent" ? entry.value("otherwise", "") : status;
        if (status == "refused" || status == "warned" || status == "host-dependent")
            REQUIRE_MESSAGE(!pointers.empty(), path << ": a " << status << " entry names the pointer ocirt reports");
        if (status == "host-dependent")
            REQUIRE_MESSAGE((otherwise == "refused" || otherwise == "warned"), path << ": otherwise must be refused or warned");

        Outcome out;
        FieldRun field(ocirt, entry);
        std::string lacking = field.run(out);
        if (!lacking.empty()) {
            skipped.push_back(path + " (" + lacking + ")");
            ++counts["skipped"];
            continue;
        }
        CAPTURE(out.err);
        std::vector<std::string> warnings;
        for (const auto& p : pointers) warnings.push_back("warning: " + p);
        bool warned = out.exit_code == 0 && names_pointer(out.err, warnings, "", fragment);
        if (status == "applied" || (status == "host-dependent" && out.exit_code == 0 && !warned)) {
            CHECK_MESSAGE(out.exit_code == 0, path << ": " << status << " in the ledger, but create failed: " << out.err);
            CHECK_MESSAGE(out.start_err.empty(), path << ": " << out.start_err);
            if (status == "host-dependent")
                CHECK_MESSAGE(!tests.empty(), path << ": applied on this host, but the ledger names no test that reads it back");
            ++counts[status == "applied" ? "applied" : "host-dependent: applied here"];
        } else if (otherwise == "refused") {
            CHECK_MESSAGE(out.exit_code == 1, path << ": refused in the ledger (on this host), but create exited " << out.exit_code);
            CHECK_MESSAGE(names_pointer(out.err, pointers, ": ", fragment),
                          path << ": the refusal does not name " << listed(pointers) << " with \"" << fragment << "\": " << out.err);
            for (const auto& l : out.left) CHECK_MESSAGE(false, path << ": the refused create left " << l);
            ++counts[status == "refused" ? "refused" : "host-dependent: refused here"];
        } else {  // warned
            CHECK_MESSAGE(warned, path << ": the ledger says ocirt warns \"warning: " << listed(pointers) << "\" with \"" << fragment
                                       << "\", but create exited " << out.exit_code << ": " << out.err);
            CHECK_MESSAGE(out.start_err.empty(), path << ": " << out.start_err);
            ++counts[status == "warned" ? "warned" : "host-dependent: warned here"];
        }
    }

    std::ostringstream table;
    table << "config fields walked: " << schema.leaves().size() << " in the schema, " << entries.size() << " in the ledger\n";
    for (const auto& [outcome, n] : counts) table << "  " << outcome << ": " << n << "\n";
    for (const auto& s : skipped) table << "  skipped: " << s << "\n";
    table << "  wall time: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_at).count() << " ms";
    MESSAGE(table.str());
}

// libFuzzer target: the bytes are a <root>/<id>/state.json. Runs what state::Container::load
// (src/state/store.cpp) does once it has the text, Record::parse; then what the commands do with the
// record: save's to_json().dump() and `ocirt state`'s oci_state_ordered(...).dump().
// Expected outcome for bad input: an ocirt::Error. A crash, a sanitizer report, any other exception, or a
// record that does not read back as it was written, is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include "state/record.hpp"
#include "util/error.hpp"

namespace {

using namespace ocirt;

// Container::load, from the text on.
state::Record load_text(const std::string& text) {
    return with_context("\"state.json\"", [&] { return state::Record::parse(text); });
}

}  // namespace

[[noreturn]] void finding(const std::string& what) {
    std::fprintf(stderr, "FINDING: %s\n", what.c_str());
    std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    state::Record record;
    try {
        record = load_text(text);
    } catch (const Error& e) {
        (void)e.full();  // a corrupt or incomplete state.json: expected
        return 0;
    } catch (const std::exception& e) {
        finding(std::string("load: uncaught ") + typeid(e).name() + ": " + e.what());
    }
    // From here the record is one load accepted: nothing may fail.
    try {
        std::string saved = record.to_json().dump();
        for (auto status : {state::Status::creating, state::Status::created, state::Status::running,
                            state::Status::paused, state::Status::stopped})
            (void)state::oci_state_ordered(record, status).dump(2);
        // What save writes, load must read back to the same record.
        std::string again = load_text(saved).to_json().dump();
        if (again != saved) finding("state.json does not round-trip:\n  " + saved + "\n  " + again);
    } catch (const std::exception& e) {
        finding(std::string("after load: ") + typeid(e).name() + ": " + e.what());
    }
    return 0;
}

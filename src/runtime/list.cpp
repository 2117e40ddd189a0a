#include "runtime/list.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>

#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

std::string user_name(uid_t uid) {
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buf(size > 0 ? static_cast<size_t>(size) : 16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found) return pw.pw_name;
    return "#" + std::to_string(uid);
}

}  // namespace

std::vector<ListedContainer> list_containers(const std::string& root) {
    state::Store store(root);
    std::vector<ListedContainer> out;
    for (const auto& id : store.ids()) {
        try {
            state::OpenedContainer c = store.open_for_reading(id);
            std::string owner = user_name(c.record.owner);
            out.push_back({std::move(c.record), c.status, std::move(owner)});
        } catch (const Error& e) {
            log::debug("list: skip " + ocirt::quoted(id) + ": " + e.full());
        }
    }
    return out;
}

std::string format_table(const std::vector<ListedContainer>& containers) {
    std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (const auto& c : containers)
        rows.push_back({c.record.id, std::to_string(c.status == state::Status::stopped ? 0 : c.record.pid),
                        std::string(state::to_string(c.status)), c.record.bundle, c.record.created, c.owner});
    std::vector<size_t> widths(rows.front().size() - 1, 12);
    for (const auto& row : rows)
        for (size_t i = 0; i + 1 < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size() + 3);
    std::string text;
    for (const auto& row : rows) {
        for (size_t i = 0; i + 1 < row.size(); ++i) text += row[i] + std::string(widths[i] - row[i].size(), ' ');
        text += row.back() + "\n";
    }
    return text;
}

std::string format_json(const std::vector<ListedContainer>& containers) {
    if (containers.empty()) return "null\n";
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& c : containers) {
        auto s = state::oci_state_ordered(c.record, c.status);
        s["owner"] = c.owner;
        list.push_back(std::move(s));
    }
    return list.dump() + "\n";
}

std::string format_quiet(const std::vector<ListedContainer>& containers) {
    std::string text;
    for (const auto& c : containers) text += c.record.id + "\n";
    return text;
}

}  // namespace ocirt::runtime

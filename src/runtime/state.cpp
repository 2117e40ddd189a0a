#include "runtime/state.hpp"

#include "state/store.hpp"

namespace ocirt::runtime {

nlohmann::ordered_json container_state(const std::string& root, const std::string& id) {
    state::Container container = state::Store(root).open_unlocked(id);
    state::Record record = container.load();
    return state::oci_state_ordered(record, state::derive_status(record, container.dir()));
}

}  // namespace ocirt::runtime

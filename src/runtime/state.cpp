#include "runtime/state.hpp"

#include "state/store.hpp"

namespace ocirt::runtime {

nlohmann::ordered_json container_state(const std::string& root, const std::string& id) {
    state::OpenedContainer c = state::Store(root).open_for_reading(id);
    return state::oci_state_ordered(c.record, c.status);
}

}  // namespace ocirt::runtime

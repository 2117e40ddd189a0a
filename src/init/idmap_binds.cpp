#include "init/idmap_binds.hpp"

#include <fcntl.h>

#include "linux/mount_userns.hpp"
#include "linux/mounts.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

const plan::NamespaceJoin* joined_user_namespace(const plan::InitPlan& plan) {
    for (const auto& join : plan.joins)
        if (join.type == "user") return &join;
    return nullptr;
}

}  // namespace

std::vector<UniqueFd> prepare_idmapped_binds(const plan::InitPlan& plan) {
    const plan::NamespaceJoin* joined = joined_user_namespace(plan);
    // Without a user namespace the init idmaps each bind when its turn comes, after the mounts before it.
    if (!joined && !plan.new_user_namespace) return {};
    std::vector<UniqueFd> trees(plan.mounts.size());
    for (size_t i = 0; i < plan.mounts.size(); ++i) {
        const auto& m = plan.mounts[i];
        if (m.kind != plan::MountStep::Kind::bind || !m.idmap) continue;
        UniqueFd userns;
        if (!m.uid_mappings.empty()) {
            userns = linux_::mapped_user_namespace(m.uid_mappings, m.gid_mappings);
        } else if (joined) {
            int fd = ::open(joined->path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw SysError("open the user namespace " + quoted(joined->path));
            userns.reset(fd);
        } else {
            continue;
        }
        trees[i] = linux_::clone_idmapped(m.source, m.destination, m.recursive, m.idmap_recursive, userns.get());
    }
    return trees;
}

}  // namespace ocirt::init

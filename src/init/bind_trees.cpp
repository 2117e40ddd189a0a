#include "init/bind_trees.hpp"

#include <fcntl.h>

#include <cerrno>

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

UniqueFd idmapped_tree(const plan::MountStep& m, const plan::NamespaceJoin* joined) {
    UniqueFd userns;
    if (!m.uid_mappings.empty()) {
        userns = linux_::mapped_user_namespace(m.uid_mappings, m.gid_mappings);
    } else if (joined) {
        int fd = ::open(joined->path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw SysError("open the user namespace " + quoted(joined->path));
        userns.reset(fd);
    } else {
        return {};  // the container's own new user namespace: the init idmaps once it exists
    }
    return linux_::clone_idmapped(m.source, m.destination, m.recursive, m.idmap_recursive, userns.get());
}

}  // namespace

std::vector<UniqueFd> prepare_bind_trees(const plan::InitPlan& plan) {
    const plan::NamespaceJoin* joined = joined_user_namespace(plan);
    // Without a user namespace the init binds each source when its turn comes, after the mounts before it.
    if (!joined && !plan.new_user_namespace) return {};
    std::vector<UniqueFd> trees(plan.mounts.size());
    for (size_t i = 0; i < plan.mounts.size(); ++i) {
        const auto& m = plan.mounts[i];
        if (m.kind != plan::MountStep::Kind::bind) continue;
        if (m.idmap) {
            trees[i] = idmapped_tree(m, joined);
            continue;
        }
        try {
            trees[i] = linux_::clone_tree(m.source, m.destination, m.recursive);
        } catch (const Error& e) {
            // open_tree(2) needs CAP_SYS_ADMIN over this mount namespace, which a rootless runtime lacks:
            // its init binds by path, as the user the container runs as.
            if (e.errno_value() != EPERM) throw;
        }
    }
    return trees;
}

}  // namespace ocirt::init

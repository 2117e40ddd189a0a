#pragma once
// `pause` and `resume`: freeze and thaw every process in a container's cgroup (v1 freezer, v2 cgroup.freeze).
#include <string>

namespace ocirt::runtime {

// runc pauses a created or running container; anything else is an Error naming its status.
void pause_container(const std::string& root, const std::string& id);
// Only a paused container can be resumed.
void resume_container(const std::string& root, const std::string& id);

}  // namespace ocirt::runtime

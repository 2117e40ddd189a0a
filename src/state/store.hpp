#pragma once
// The state directory: <root>/<id>/{state.json, config.json, exec.fifo}. Every command that changes a container
// holds an flock on its directory for as long as it runs (flock(2): the lock belongs to the open file
// description, so a forked child must close the fd at once).
#include <optional>
#include <string>
#include <vector>

#include "state/record.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::state {

// Container IDs: [A-Za-z0-9_+.-]{1,1024}, not "." or "..". Throws Error naming the rule.
void validate_id(const std::string& id);

class Container;

class Store {
public:
    explicit Store(std::string root);  // the root is created (0700) on first use
    const std::string& root() const { return root_; }
    std::string dir_of(const std::string& id) const;

    // mkdir <root>/<id> and lock it; EEXIST → Error "container \"ID\" already exists".
    Container create(const std::string& id) const;
    // Opens and locks an existing container; ENOENT → no_such_container (state/container_errors.hpp).
    Container open(const std::string& id) const;
    // Opens without the lock, for read-only commands (state, list).
    Container open_unlocked(const std::string& id) const;
    bool exists(const std::string& id) const;
    std::vector<std::string> ids() const;

private:
    std::string root_;
};

class Container {
public:
    Container(std::string id, std::string dir, UniqueFd dir_fd);
    const std::string& id() const { return id_; }
    const std::string& dir() const { return dir_; }
    int lock_fd() const { return dir_fd_.get(); }  // close this in a forked child

    bool has_record() const;            // false while create has not saved yet
    // For a reader without the lock that found no state.json: "is still being created" while the directory
    // is still at its path, "does not exist" once delete has taken it away.
    Error no_record_error() const;
    Record load() const;                // throws Error when state.json is missing or corrupt
    void save(const Record& record);    // tmp file + rename: readers never see half a file
    Status status() const;              // derive_status(load(), dir()); stopped when no record
    // The cgroup create is about to make, saved before it makes it: a create killed before save() leaves
    // delete this to find (and empty, and remove) that cgroup by. "" when none was saved.
    void save_pending_cgroup(const std::string& recorded_path);
    std::string pending_cgroup() const;
    // <dir>/config.json: the bytes of the bundle's config.json that create validated. runtime.md "Lifecycle"
    // step 2: updates to config.json after create MUST NOT affect the container, so exec reads this, not
    // the bundle. nullopt for a container made by an ocirt that did not keep it.
    void save_config(const std::string& text);
    std::optional<std::string> saved_config() const;
    std::string saved_config_path() const;

    std::string exec_fifo_path() const;  // <dir>/exec.fifo
    void remove();                       // deletes the directory and everything in it

private:
    std::string id_;
    std::string dir_;
    UniqueFd dir_fd_;
};

// Status from kernel facts, never from the file: the pid alive with the same start time and not a
// zombie + exec.fifo present → created; alive, no fifo → running (paused when its freezer is FROZEN);
// otherwise stopped.
Status derive_status(const Record& record, const std::string& container_dir);

// Start time of a process (field 22 of /proc/PID/stat, clock ticks since boot); 0 if it is gone.
uint64_t process_start_time(pid_t pid);
// True when the process exists and is not a zombie (state Z or X in /proc/PID/stat).
bool process_alive(pid_t pid);

}  // namespace ocirt::state

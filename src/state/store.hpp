#pragma once
// The state directory: <root>/<id>/{state.json, config.json, exec.fifo}. Every command that changes a container
// (create, start, kill, pause, resume, update, exec, delete) holds an flock on its directory while it changes
// it (flock(2): the lock belongs to the open file description, so a forked child must close the fd at once).
// Nobody holds it while a container merely lives: a foreground `run` or `exec` waits for its process unlocked.
#include <optional>
#include <string>
#include <vector>

#include "state/record.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::state {

// Container IDs: [A-Za-z0-9_+.-]{1,1024}, not "." or "..". Throws Error naming the rule.
void validate_id(const std::string& id);
bool id_character_allowed(char c);

class Container;
struct OpenedContainer;

class Store {
public:
    explicit Store(std::string root);  // the root is created (0700) on first use
    const std::string& root() const { return root_; }
    std::string dir_of(const std::string& id) const;

    // mkdir <root>/<id> and lock it; EEXIST → Error "container \"ID\" already exists".
    Container create(const std::string& id) const;
    // For a command that changes a container: waits for its lock, then reads its record and status.
    // Blocking, because every holder is brief (a signal, a freezer or cgroup write, a start or an exec up to
    // the execve(2) of its program, a delete up to the death of the init) and a "busy" error is a word no
    // client knows; what is read after the wait is the truth: behind a delete, no_such_container. A
    // container without state.json is answered at once with no_record_error and no wait, for create holds
    // the lock until it saves one, running createRuntime hooks meanwhile that may call ocirt themselves.
    OpenedContainer open_for_change(const std::string& id) const;
    // For a command that only reads (state, list, ps, events): the same without the lock, so it never waits.
    OpenedContainer open_for_reading(const std::string& id) const;
    // Opens and locks an existing container whether or not it has state.json (delete removes a half-made
    // one); ENOENT, or a delete that removed it while we waited → no_such_container (state/container_errors.hpp).
    Container open(const std::string& id) const;
    bool exists(const std::string& id) const;
    std::vector<std::string> ids() const;

private:
    Container open_unlocked(const std::string& id) const;  // the directory, no lock, nothing read

    std::string root_;
};

class Container {
public:
    Container(std::string id, std::string dir, UniqueFd dir_fd);
    const std::string& id() const { return id_; }
    const std::string& dir() const { return dir_; }
    int lock_fd() const { return dir_fd_.get(); }  // close this in a forked child

    bool has_record() const;            // false while create has not saved yet
    // For a container found without state.json: "does not exist" once delete has taken its directory away;
    // else, to the lock's holder, "was never fully created" (create saves state.json before it lets go);
    // else "is still being created" while a create holds the lock.
    Error no_record_error() const;
    Record load() const;                // throws Error when state.json is missing or corrupt
    void save(const Record& record);    // tmp file + rename: readers never see half a file
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
    friend class Store;
    // flock(2) LOCK_EX on dir_fd_; with `wait` false, false when another open file description holds it.
    bool take_lock(bool wait);

    std::string id_;
    std::string dir_;
    UniqueFd dir_fd_;
    bool locked_ = false;
};

// A container as a command found it: its directory (locked when opened for change), its record, and the
// status derived from kernel facts at that moment.
struct OpenedContainer {
    Container container;
    Record record;
    Status status;

    // Frozen by `pause`: paused, or created with a frozen cgroup (runc pauses a created container too,
    // and its status still reads "created" while the exec fifo is there). Reads the freezer only then.
    bool frozen() const;
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

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "state/store.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using ocirt::Error;
using ocirt::UniqueFd;
using namespace ocirt::state;

namespace {

struct TempRoot : ocirt::unit_test::TempTree {
    TempRoot() : TempTree("ocirt-state-unit") {}
};

Record sample_record(const std::string& id) {
    Record r;
    r.oci_version = "1.2.0";
    r.id = id;
    r.pid = 4242;
    r.pid_start_time = 987654321;
    r.bundle = "/bundles/b";
    r.rootfs = "/bundles/b/rootfs";
    r.created = "2026-01-02T03:04:05.000000006Z";
    r.owner = 1000;
    r.annotations = {{"org.example.key", "value"}};
    r.cgroup.paths = {{"memory", "/sys/fs/cgroup/memory", "/ocirt/" + id, "/ocirt"},
                      {"unified", "/sys/fs/cgroup/unified", "/ocirt/" + id, ""}};
    return r;
}

std::string read_fd_text(int fd) {
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = pread(fd, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0) text.append(buf, static_cast<size_t>(n));
    return text;
}

}  // namespace

TEST_CASE("state: valid container IDs are accepted") {
    for (const std::string& id : std::vector<std::string>{"a", "abc", "A-b_c.d+e", "0", "...", ".a", "a..b", std::string(1024, 'x')})
        CHECK_NOTHROW(validate_id(id));
}

TEST_CASE("state: invalid container IDs are rejected with the rule named") {
    for (const std::string& id : std::vector<std::string>{"", ".", "..", "a/b", "/a", "a b", "a:b", "ü", "a\nb", std::string(1025, 'x')}) {
        CAPTURE(id);
        CHECK_THROWS_AS(validate_id(id), Error);
    }
    CHECK_THROWS_WITH(validate_id("a/b"), doctest::Contains("only letters, digits"));
    CHECK_THROWS_WITH(validate_id(".."), doctest::Contains("must not be"));
}

TEST_CASE("state: a record survives a save/load round trip") {
    TempRoot root;
    Store store(root.path + "/nested/root");
    auto c = store.create("round-trip");
    CHECK_FALSE(c.has_record());
    Record r = sample_record("round-trip");
    c.save(r);
    CHECK(c.has_record());
    Record back = c.load();
    CHECK(back.to_json() == r.to_json());
    CHECK(back.pid == 4242);
    CHECK(back.pid_start_time == 987654321u);
    CHECK(back.annotations.at("org.example.key") == "value");
    CHECK(back.owner == 1000u);
    CHECK((fs::status(root.path + "/nested/root").permissions() & fs::perms::all) == fs::perms::owner_all);
}

TEST_CASE("state: save replaces state.json atomically and leaves no temp file") {
    TempRoot root;
    Store store(root.path);
    auto c = store.create("atomic");
    Record first = sample_record("atomic");
    c.save(first);
    UniqueFd old_file(open((c.dir() + "/state.json").c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(old_file);
    std::string old_text = read_fd_text(old_file.get());

    Record second = first;
    second.pid = 777;
    second.bundle = std::string(20000, 'b');
    c.save(second);
    CHECK(read_fd_text(old_file.get()) == old_text);  // the old inode was replaced, never rewritten in place
    CHECK(c.load().pid == 777);
    CHECK(c.load().bundle.size() == 20000);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(c.dir())) names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"state.json"});
}

TEST_CASE("state: create refuses an existing ID and open an unknown one") {
    TempRoot root;
    Store store(root.path);
    { auto c = store.create("dup"); }
    CHECK_THROWS_WITH(store.create("dup"), "container \"dup\" already exists");
    // runc's words, which containerd's shim, podman and Docker look for (state/container_errors.hpp).
    std::string unknown = "container \"nope\" does not exist: no such container in " + root.path;
    CHECK_THROWS_WITH(store.open("nope"), unknown.c_str());
    CHECK_THROWS_WITH(store.open_for_change("nope"), unknown.c_str());
    CHECK_THROWS_WITH(store.open_for_reading("nope"), unknown.c_str());
    CHECK_THROWS_AS(store.create("bad/id"), Error);
    CHECK(store.exists("dup"));
    CHECK_FALSE(store.exists("nope"));
}

TEST_CASE("state: a corrupt state.json is reported with its path") {
    TempRoot root;
    Store store(root.path);
    auto c = store.create("corrupt");
    std::ofstream(c.dir() + "/state.json") << "{ not json";
    CHECK_THROWS_WITH(c.load(), doctest::Contains("is corrupt"));
}

// Fuzzing regression (tests/fuzz/corpus/state/regression-*-float.json): a float in an integer field converted
// with undefined behaviour (UBSan float-cast-overflow).
TEST_CASE("state: an integer field holding a float or an out-of-range number is an error naming it") {
    for (const auto& [text, field] : std::vector<std::pair<std::string, std::string>>{
             {R"({"id": "c1", "pid": 4242, "pidStartTime": 1e70})", "pidStartTime"},
             {R"({"id": "c1", "pid": 4242, "owner": -1e300})", "owner"},
             {R"({"id": "c1", "pid": 99999999999})", "pid"},
             {R"({"id": "c1", "pid": 1, "hooks": {"poststop": [{"path": "/x", "timeout": 3e9}]}})", "timeout"}}) {
        CAPTURE(text);
        CHECK_THROWS_WITH_AS(Record::parse(text), doctest::Contains(field.c_str()), Error);
    }
    CHECK(Record::parse(R"({"id": "c1", "pid": 4242, "pidStartTime": 18446744073709551615})").pid_start_time ==
          18446744073709551615ull);
}

TEST_CASE("state: the directory lock is held for as long as the container object lives") {
    TempRoot root;
    Store store(root.path);
    auto try_lock = [&](const std::string& id) {
        UniqueFd fd(open(store.dir_of(id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(fd);
        int rc = flock(fd.get(), LOCK_EX | LOCK_NB);
        return rc == 0 ? 0 : errno;
    };
    {
        auto c = store.create("locked");
        CHECK(try_lock("locked") == EWOULDBLOCK);
    }
    CHECK(try_lock("locked") == 0);
    {
        auto c = store.open("locked");
        CHECK(try_lock("locked") == EWOULDBLOCK);
    }
    CHECK(try_lock("locked") == 0);
}

TEST_CASE("state: open_for_change waits for the lock, and behind a delete finds the container gone") {
    TempRoot root;
    Store store(root.path);
    {
        auto c = store.create("raced");
        c.save(sample_record("raced"));
    }
    auto deleting = store.open("raced");
    std::atomic<bool> returned{false};
    std::string error;
    std::thread waiter([&] {
        try {
            store.open_for_change("raced");
        } catch (const Error& e) {
            error = e.what();
        }
        returned = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(returned.load());
    deleting.remove();
    { auto released = std::move(deleting); }
    waiter.join();
    CHECK(error == "container \"raced\" does not exist: no such container in " + root.path);
}

TEST_CASE("state: open_for_change answers a container without state.json at once") {
    TempRoot root;
    Store store(root.path);
    {
        auto creating = store.create("creating");  // create holds the lock until it saves state.json
        CHECK_THROWS_WITH(store.open_for_change("creating"), "container \"creating\" is still being created");
    }
    // Its create died: the lock is free and no state.json was ever saved.
    CHECK_THROWS_WITH(store.open_for_change("creating"),
                      doctest::Contains("container \"creating\" was never fully created"));
}

TEST_CASE("state: open_for_change returns the container locked with its record; open_for_reading never waits") {
    TempRoot root;
    Store store(root.path);
    {
        auto c = store.create("c1");
        c.save(sample_record("c1"));
    }
    auto changing = store.open_for_change("c1");
    CHECK(changing.record.bundle == "/bundles/b");
    CHECK(changing.status == Status::stopped);  // pid 4242 with another start time, or none
    CHECK_FALSE(changing.frozen());
    UniqueFd probe(open(store.dir_of("c1").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    CHECK(flock(probe.get(), LOCK_EX | LOCK_NB) != 0);
    auto reading = store.open_for_reading("c1");
    CHECK(reading.record.id == "c1");
}

TEST_CASE("state: ids lists container directories in order; remove deletes one") {
    TempRoot root;
    Store store(root.path);
    CHECK(store.ids().empty());
    { auto b = store.create("b"); }
    { auto a = store.create("a"); }
    CHECK(store.ids() == std::vector<std::string>{"a", "b"});
    auto a = store.open("a");
    a.save(sample_record("a"));
    a.remove();
    CHECK_FALSE(fs::exists(root.path + "/a"));
    CHECK(store.ids() == std::vector<std::string>{"b"});
}

TEST_CASE("state: oci_state follows the runtime-spec State and runc's extra fields") {
    Record r = sample_record("oci");
    auto running = oci_state(r, Status::running);
    CHECK(running["ociVersion"] == "1.2.0");
    CHECK(running["id"] == "oci");
    CHECK(running["status"] == "running");
    CHECK(running["pid"] == 4242);
    CHECK(running["bundle"] == "/bundles/b");
    CHECK(running["rootfs"] == "/bundles/b/rootfs");
    CHECK(running["created"] == "2026-01-02T03:04:05.000000006Z");
    CHECK(running["annotations"]["org.example.key"] == "value");
    CHECK(running["owner"] == "");
    CHECK(oci_state(r, Status::stopped)["pid"] == 0);
    r.annotations.clear();
    CHECK_FALSE(oci_state(r, Status::created).contains("annotations"));
    auto ordered = oci_state_ordered(r, Status::created);
    std::vector<std::string> keys;
    for (const auto& [k, v] : ordered.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"});
}

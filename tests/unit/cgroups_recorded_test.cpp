// The cgroup state.json records: the typed "cgroup" object, and the cgroupPath string of an older ocirt.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cgroups/drivers.hpp"
#include "state/record.hpp"
#include "temp_tree.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;
using nlohmann::json;

namespace {

RecordedCgroup hybrid_record() {
    RecordedCgroup r;
    r.paths = {{"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/ocirt/c1", "/ocirt"},
               {"name=systemd", "/sys/fs/cgroup/systemd", "/ocirt/c1", ""},
               {"unified", "/sys/fs/cgroup/unified", "/ocirt/c1", "/ocirt/c1"}};
    return r;
}

json state_of(const RecordedCgroup& r) {
    json state = json::object();
    r.write_to(state);
    return state;
}

}  // namespace

TEST_CASE("cgroup record: the typed form names the driver and each hierarchy's mount point and cgroup") {
    RecordedCgroup r = hybrid_record();
    json state = state_of(r);
    CHECK_FALSE(state.contains("cgroupPath"));
    CHECK(state["cgroup"]["driver"] == "cgroupfs");
    CHECK_FALSE(state["cgroup"].contains("unit"));
    CHECK(state["cgroup"]["paths"]["cpu,cpuacct"] ==
          json{{"mountPoint", "/sys/fs/cgroup/cpu,cpuacct"}, {"cgroup", "/ocirt/c1"}, {"createdFrom", "/ocirt"}});
    CHECK_FALSE(state["cgroup"]["paths"]["name=systemd"].contains("createdFrom"));
    RecordedCgroup back = RecordedCgroup::read_from(json::parse(state.dump()));
    CHECK(state_of(back) == state);
    CHECK_FALSE(back.legacy);

    r.systemd_unit = "ocirt-c1.scope";
    state = state_of(r);
    CHECK(state["cgroup"]["driver"] == "systemd");
    CHECK(state["cgroup"]["unit"] == "ocirt-c1.scope");
    CHECK(RecordedCgroup::read_from(state).systemd_unit == "ocirt-c1.scope");
    CHECK_FALSE(state["cgroup"].contains("instance"));  // the system's, as every older record's
    CHECK_FALSE(RecordedCgroup::read_from(state).systemd_user);

    r.systemd_user = true;  // a rootless container's unit, in the user's own systemd
    state = state_of(r);
    CHECK(state["cgroup"]["instance"] == "user");
    CHECK(RecordedCgroup::read_from(json::parse(state.dump())) == r);
    state["cgroup"]["instance"] = "session";
    CHECK_THROWS_WITH(RecordedCgroup::read_from(state), doctest::Contains("unknown systemd instance"));
}

TEST_CASE("cgroup record: a malformed typed record is an error") {
    json state = state_of(hybrid_record());
    state["cgroup"]["driver"] = "lxc";
    CHECK_THROWS_WITH(RecordedCgroup::read_from(state), doctest::Contains("unknown driver"));
    state = state_of(hybrid_record());
    state["cgroup"]["paths"]["unified"]["cgroup"] = "ocirt/c1";
    CHECK_THROWS_WITH(RecordedCgroup::read_from(state), doctest::Contains("not absolute"));
    state = state_of(hybrid_record());
    state["cgroup"]["driver"] = "systemd";
    CHECK_THROWS_AS(RecordedCgroup::read_from(state), nlohmann::json::exception);  // no unit
}

TEST_CASE("cgroup record: an older ocirt's state.json is read as it is and written back the same") {
    json old = {{"id", "c1"}, {"cgroupPath", "/ocirt/c1"}, {"cgroupCreatedFrom", "/ocirt"}, {"systemdCgroup", false}};
    RecordedCgroup r = RecordedCgroup::read_from(old);
    REQUIRE(r.legacy);
    CHECK(r.legacy->path == "/ocirt/c1");
    CHECK(r.legacy->created_from == "/ocirt");
    CHECK_FALSE(r.empty());
    json again = {{"id", "c1"}};
    r.write_to(again);
    CHECK(again == old);
    CHECK(RecordedCgroup::read_from(json{{"id", "c1"}, {"cgroupPath", ""}}).empty());
    CHECK(RecordedCgroup::read_from(json{{"id", "c1"}}).empty());
}

TEST_CASE("cgroup record: an older ocirt's record resolves against the mount table") {
    ocirt::unit_test::TempTree t("ocirt-cgroups-recorded");
    for (const char* dir : {"memory", "unified"}) fs::create_directories(t.path + "/" + dir);
    auto h = Hierarchy::parse("34 30 0:31 / " + t.path + "/memory rw - cgroup cgroup rw,memory\n" + "40 30 0:37 / " +
                                  t.path + "/unified rw - cgroup2 cgroup2 rw\n",
                              "4:memory:/job\n0::/\n", t.path);
    RecordedCgroup old;
    old.legacy = LegacyCgroupPath{R"({"memory":"/job/c1","unified":"/c1"})", R"({"memory":"/job/c1","unified":"/c1"})", false};
    RecordedCgroup r = resolve_legacy(old, h);
    CHECK_FALSE(r.legacy);
    REQUIRE(r.paths.size() == 2);
    CHECK(r.paths[0] == RecordedPath{"memory", t.path + "/memory", "/job/c1", "/job/c1"});
    CHECK(r.paths[1] == RecordedPath{"unified", t.path + "/unified", "/c1", "/c1"});
    CHECK(r.systemd_unit.empty());

    old.legacy = LegacyCgroupPath{"/system.slice/ocirt-c2.scope", "", true};
    r = resolve_legacy(old, h);
    CHECK(r.systemd_unit == "ocirt-c2.scope");
    for (const auto& p : r.paths) CHECK(p.cgroup == "/system.slice/ocirt-c2.scope");
}

TEST_CASE("cgroup record: the pending file holds the typed record; an older ocirt's plain path still reads") {
    RecordedCgroup r = hybrid_record();
    RecordedCgroup back = RecordedCgroup::from_pending_text(r.pending_text());
    CHECK(back == r);
    RecordedCgroup old = RecordedCgroup::from_pending_text("/ocirt/c1");
    REQUIRE(old.legacy);
    CHECK(old.legacy->path == "/ocirt/c1");
    old = RecordedCgroup::from_pending_text(R"({"memory":"/job/c1"})");
    REQUIRE(old.legacy);
    CHECK(old.legacy->path == R"({"memory":"/job/c1"})");
}

TEST_CASE("cgroup record: state.json round-trips the typed record and an older ocirt's") {
    ocirt::state::Record record;
    record.id = "c1";
    record.cgroup = hybrid_record();
    std::string saved = record.to_json().dump();
    CHECK(ocirt::state::Record::parse(saved).cgroup == record.cgroup);
    std::string old = R"({"id":"c2","cgroupPath":"/ocirt/c2","cgroupCreatedFrom":"","systemdCgroup":true})";
    auto legacy = ocirt::state::Record::parse(old);
    REQUIRE(legacy.cgroup.legacy);
    CHECK(legacy.cgroup.legacy->systemd);
    CHECK(ocirt::state::Record::parse(legacy.to_json().dump()).to_json() == legacy.to_json());
}

// config-linux.md "Network Devices" (linux.netDevices): a veth end made on the host moves into the container,
// renamed or not, keeps its permanent addresses of global scope and is up, read back from inside; the host no
// longer has it while the container runs (a createRuntime hook, which runs in the runtime's namespaces, looks);
// refusals name the device's pointer, exit 1 and leave the device in the host. The test runs iproute2's `ip`
// and util-linux's nsenter/unshare itself; ocirt only speaks rtnetlink.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"
#include "../support/skip.hpp"
#include "../support/veth_pair.hpp"

using namespace ocirt::test;

namespace {

// This suite's device names start "nd".
std::string fresh_device_name(const std::string& tag) { return ocirt::test::fresh_device_name("nd", tag); }

// A process in a network namespace of its own (unshare --net), which a container joins by path.
class HeldNetworkNamespace {
public:
    HeldNetworkNamespace() : pid_(spawn_to_files({"/usr/bin/unshare", "--net", "/bin/sleep", "100"}, io_.path() + "/out", io_.path() + "/err")) {
        eventually([&] { return std::filesystem::read_symlink(path()).string() != host_namespace("net"); }, 2000);
    }
    ~HeldNetworkNamespace() {
        ::kill(pid_, SIGKILL);
        wait_exit_code(pid_);
    }
    HeldNetworkNamespace(const HeldNetworkNamespace&) = delete;
    HeldNetworkNamespace& operator=(const HeldNetworkNamespace&) = delete;
    std::string path() const { return "/proc/" + std::to_string(pid_) + "/ns/net"; }
    Result ip_inside(std::vector<std::string> args) const {
        args.insert(args.begin(), {"/usr/bin/nsenter", "--net=" + path(), kIpTool});
        return run_program(args);
    }

private:
    TempDir io_{"ocirt-netns"};
    pid_t pid_;
};

void use_network_namespace_path(Bundle& bundle, const std::string& path) {
    for (auto& ns : bundle.config["linux"]["namespaces"])
        if (ns["type"] == "network") ns["path"] = path;
}

// A createRuntime hook (run in the runtime's namespaces, after the devices moved) that saves the host's links
// and the container's (through /proc/<pid>/ns/net of the state's pid) to <dir>/host and <dir>/container.
nlohmann::json link_recording_hook(const std::string& dir, int status = 0) {
    std::string script = "state=$(cat); pid=$(echo \"$state\" | sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p'); " + kIpTool +
                         " -o link show > " + dir + "/host; /usr/bin/nsenter --net=/proc/$pid/ns/net " + kIpTool +
                         " -o addr show > " + dir + "/container; exit " + std::to_string(status);
    return {{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}};
}

bool has_line_with(const std::string& text, const std::string& a, const std::string& b = "") {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
        start = end + 1;
    }
    return false;
}

// `create` with stdio in files: should it succeed, its init holds them open and pipes would never end.
Result create_to_files(const Ocirt& ocirt, const Bundle& bundle, const std::string& id) {
    TempDir io("ocirt-netdev-io");
    return run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, io.path() + "/out", io.path() + "/err");
}

bool ipv6_on_host() { return std::filesystem::exists("/proc/sys/net/ipv6"); }

}  // namespace

TEST_CASE("net devices: a veth end moves in renamed, with its permanent global addresses, up; the host loses it") {
    HostVethPair veth("nd");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    // A permanent address moves; one with a lifetime (not IFA_F_PERMANENT) does not.
    REQUIRE(ip_tool({"addr", "add", "10.200.7.2/24", "dev", veth.end()}).exit_code == 0);
    REQUIRE(ip_tool({"addr", "add", "10.200.7.9/24", "dev", veth.end(), "valid_lft", "300", "preferred_lft", "300"}).exit_code == 0);
    bool v6 = ipv6_on_host() && ip_tool({"-6", "addr", "add", "fd00:200:7::2/64", "dev", veth.end(), "nodad"}).exit_code == 0;
    // operstate is "up" only when the peer is up too.
    REQUIRE(ip_tool({"link", "set", veth.peer(), "up"}).exit_code == 0);

    Ocirt ocirt;
    Bundle bundle;
    TempDir seen("ocirt-netdev-hook");
    bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", "ctest0"}}}};
    bundle.config["hooks"]["createRuntime"] = {link_recording_hook(seen.path())};
    Result r = run_script(ocirt, bundle,
                          "ip -o addr show dev ctest0; echo operstate=$(cat /sys/class/net/ctest0/operstate); ip -o link show ctest0");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(has_line_with(r.out, "ctest0", "inet 10.200.7.2/24"));
    CHECK_FALSE(has_line_with(r.out, "10.200.7.9"));
    if (v6) CHECK(has_line_with(r.out, "ctest0", "inet6 fd00:200:7::2/64"));
    CHECK(has_line_with(r.out, "operstate=up"));
    CHECK(has_line_with(r.out, "ctest0", ",UP"));
    // Before the createRuntime hooks: the device is in the container's namespace, no longer in the host's.
    std::string host_links = read_file(seen.path() + "/host");
    CHECK(has_line_with(host_links, veth.peer()));
    CHECK_FALSE(has_line_with(host_links, veth.end() + "@"));
    CHECK(has_line_with(read_file(seen.path() + "/container"), "ctest0", "10.200.7.2/24"));
    // The container's namespace is gone: the kernel destroyed the veth end, and with it the pair (nothing
    // moved it back: config-linux.md "Namespace Lifecycle and Container Termination").
    CHECK(eventually([&] { return !host_has_device(veth.peer()); }, 5000));
    CHECK_FALSE(host_has_device(veth.end()));
}

TEST_CASE("net devices: a container with its own user namespace gets the device, its address and a sysctl of it") {
    HostVethPair veth("nd");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    REQUIRE(ip_tool({"addr", "add", "10.200.12.2/24", "dev", veth.end()}).exit_code == 0);
    Ocirt ocirt;
    Bundle bundle;
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);  // the rootfs must be reachable by host uid 100000
    // The init is a second child here (a PID namespace made after the user namespace): its NetDevicesPlease
    // must not overtake the first child's InitPid.
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", "user0"}}}};
    // Written by the init after the move: the key names the device in the container.
    bundle.config["linux"]["sysctl"] = {{"net.ipv4.conf.user0.forwarding", "1"}};
    Result r = run_script(ocirt, bundle, "ip -o addr show dev user0; cat /proc/sys/net/ipv4/conf/user0/forwarding");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(has_line_with(r.out, "user0", "inet 10.200.12.2/24"));
    CHECK(has_line_with(r.out, "1"));
}

TEST_CASE("net devices: without a name the host's is kept; a %d template gets the kernel's first free number") {
    HostVethPair kept("nd"), numbered("nd");
    OCIRT_SKIP_IF(!kept.made() || !numbered.made(), "the host cannot make a veth pair: " + kept.error() + numbered.error());
    REQUIRE(ip_tool({"addr", "add", "10.200.8.2/24", "dev", kept.end()}).exit_code == 0);
    REQUIRE(ip_tool({"addr", "add", "10.200.9.2/24", "dev", numbered.end()}).exit_code == 0);

    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["netDevices"] = {{kept.end(), nlohmann::json::object()}, {numbered.end(), {{"name", "eth%d"}}}};
    Result r = run_script(ocirt, bundle, "ip -o addr show; ip -o link show");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(has_line_with(r.out, kept.end(), "inet 10.200.8.2/24"));
    CHECK(has_line_with(r.out, "eth0", "inet 10.200.9.2/24"));
    CHECK(has_line_with(r.out, kept.end() + "@", "UP"));
    CHECK(has_line_with(r.out, "eth0@", "UP"));
}

TEST_CASE("net devices: a device the runtime's namespace lacks is refused with its pointer; nothing is left") {
    HostVethPair veth("nd");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    Ocirt ocirt;
    Bundle bundle;
    std::string missing = fresh_device_name("m");
    bundle.config["linux"]["netDevices"] = {{veth.end(), nlohmann::json::object()}, {missing, nlohmann::json::object()}};
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("netdev-missing");
    Result r = create_to_files(ocirt, bundle, id);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/netDevices/" + missing + ": no network device") != std::string::npos);
    INFO(r.err);
    // Every device is checked before the first moves: the one that exists is still the host's.
    CHECK(host_has_device(veth.end()));
    std::vector<std::string> left;
    CHECK(eventually([&] { return (left = leftovers_of(id, ocirt.state_dir(id), {bundle.path()})).empty(); }, 2000));
    for (const auto& l : left) MESSAGE(l);
}

TEST_CASE("net devices: no network namespace is refused at load, naming the device; the device stays") {
    HostVethPair veth("nd");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    Ocirt ocirt;
    Bundle bundle;
    drop_namespace(bundle, "network");
    bundle.config["linux"]["netDevices"] = {{veth.end(), nlohmann::json::object()}};
    bundle.shell("true");
    bundle.write();
    Result r = create_to_files(ocirt, bundle, unique_id("netdev-nonet"));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/netDevices/" + veth.end() + ": needs a network namespace") != std::string::npos);
    CHECK(r.err.find("net-devices") != std::string::npos);
    INFO(r.err);
    CHECK(host_has_device(veth.end()));
}

TEST_CASE("net devices: a joined network namespace gets the device; a name it already has is refused, the device stays") {
    HostVethPair veth("nd");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    HeldNetworkNamespace held;
    std::string existing = fresh_device_name("x"), other = fresh_device_name("y");
    REQUIRE(held.ip_inside({"link", "add", existing, "type", "veth", "peer", "name", other}).exit_code == 0);
    REQUIRE(ip_tool({"addr", "add", "10.200.10.2/24", "dev", veth.end()}).exit_code == 0);

    Ocirt ocirt;
    {
        Bundle bundle;
        use_network_namespace_path(bundle, held.path());
        bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", existing}}}};
        bundle.shell("true");
        bundle.write();
        std::string id = unique_id("netdev-clash");
        Result r = create_to_files(ocirt, bundle, id);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("/linux/netDevices/" + veth.end() + "/name: a network device \"" + existing + "\" already exists") !=
              std::string::npos);
        CHECK(host_has_device(veth.end()));
        std::vector<std::string> left;
        CHECK(eventually([&] { return (left = leftovers_of(id, ocirt.state_dir(id), {bundle.path()})).empty(); }, 2000));
        for (const auto& l : left) MESSAGE(l);
    }
    {
        Bundle bundle;
        use_network_namespace_path(bundle, held.path());
        bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", "joined0"}}}};
        Result r = run_script(ocirt, bundle, "ip -o addr show dev joined0");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(has_line_with(r.out, "joined0", "inet 10.200.10.2/24"));
        // The namespace outlives the container, and the device stays in it: nothing moves it back.
        CHECK(has_line_with(held.ip_inside({"-o", "link", "show"}).out, "joined0@"));
        CHECK_FALSE(host_has_device(veth.end()));
    }
}

TEST_CASE("net devices: a create that fails after the move leaves no veth: the kernel destroys it with the namespace") {
    HostVethPair veth("nd");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    REQUIRE(ip_tool({"addr", "add", "10.200.11.2/24", "dev", veth.end()}).exit_code == 0);
    Ocirt ocirt;
    Bundle bundle;
    TempDir seen("ocirt-netdev-hook");
    bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", "late0"}}}};
    bundle.config["hooks"]["createRuntime"] = {link_recording_hook(seen.path(), 1)};
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("netdev-late");
    Result r = create_to_files(ocirt, bundle, id);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(has_line_with(read_file(seen.path() + "/container"), "late0", "10.200.11.2/24"));
    // A physical device would come back to the initial namespace (network_namespaces(7)); a veth is destroyed,
    // its peer in the host with it.
    CHECK(eventually([&] { return !host_has_device(veth.peer()) && !host_has_device(veth.end()); }, 5000));
    std::vector<std::string> left;
    CHECK(eventually([&] { return (left = leftovers_of(id, ocirt.state_dir(id), {bundle.path()})).empty(); }, 2000));
    for (const auto& l : left) MESSAGE(l);
}

#include "emulated_systemd.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "cgroups/systemd/sd_bus_handles.hpp"
#include "cgroups/systemd/path.hpp"

namespace ocirt::test {
namespace fs = std::filesystem;
using cgroups::BusPtr;

namespace {

constexpr const char* kSystemdPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";

struct EventUnref {
    void operator()(sd_event* e) const { sd_event_unref(e); }
};
struct SourceUnref {
    void operator()(sd_event_source* s) const { sd_event_source_unref(s); }
};
using EventPtr = std::unique_ptr<sd_event, EventUnref>;
using SourcePtr = std::unique_ptr<sd_event_source, SourceUnref>;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const std::string& path, const std::string& value) {
    std::ofstream out(path);
    out << value;
    out.flush();
    if (!out) throw std::runtime_error("write " + path);
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// mkdir -p as systemd does it; a v1 cpuset cgroup takes no task before it has cpus and mems (cpuset(7)).
void make_cgroup(const cgroups::HierarchyMount& h, const std::string& cgroup) {
    std::string dir = h.mount_point;
    for (const auto& part : fs::path(cgroup).relative_path()) {
        std::string parent = dir;
        dir += "/" + part.string();
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw std::runtime_error("mkdir " + dir);
        if (!h.has_controller("cpuset")) continue;
        for (const char* file : {"cpuset.cpus", "cpuset.mems"})
            if (trimmed(read_text(dir + "/" + file)).empty())
                write_text(dir + "/" + file, trimmed(read_text(parent + "/" + file)));
    }
}

void kill_and_remove(const std::string& dir) {
    std::istringstream procs(read_text(dir + "/cgroup.procs"));
    for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::rmdir(dir.c_str()) != 0 && errno == EBUSY && std::chrono::steady_clock::now() < deadline)
        ::usleep(5000);
}

std::string render(sd_bus_message* m, const char* contents) {
    std::string type = contents;
    if (type == "b") {
        int b = 0;
        sd_bus_message_read_basic(m, 'b', &b);
        return b ? "true" : "false";
    }
    if (type == "t") {
        uint64_t t = 0;
        sd_bus_message_read_basic(m, 't', &t);
        return std::to_string(t);
    }
    if (type == "s") {
        const char* s = nullptr;
        sd_bus_message_read_basic(m, 's', &s);
        return s;
    }
    if (type == "au" || type == "ay" || type == "as") {
        std::string out = "[";
        sd_bus_message_enter_container(m, 'a', type.c_str() + 1);
        for (bool first = true;; first = false) {
            std::string item;
            int r;
            if (type == "au") {
                uint32_t u = 0;
                r = sd_bus_message_read_basic(m, 'u', &u);
                item = std::to_string(u);
            } else if (type == "ay") {
                uint8_t y = 0;
                r = sd_bus_message_read_basic(m, 'y', &y);
                item = std::to_string(y);
            } else {
                const char* s = nullptr;
                r = sd_bus_message_read_basic(m, 's', &s);
                if (r > 0) item = s;
            }
            if (r <= 0) break;
            out += (first ? "" : ",") + item;
        }
        sd_bus_message_exit_container(m);
        return out + "]";
    }
    sd_bus_message_skip(m, contents);
    return std::string("<") + contents + ">";
}

int read_properties(sd_bus_message* m, EmulatedSystemd::Call& call) {
    int r = sd_bus_message_enter_container(m, 'a', "(sv)");
    if (r < 0) return r;
    while (sd_bus_message_enter_container(m, 'r', "sv") > 0) {
        const char* name = nullptr;
        char type = 0;
        const char* contents = nullptr;
        sd_bus_message_read_basic(m, 's', &name);
        sd_bus_message_peek_type(m, &type, &contents);
        std::string signature = contents;
        sd_bus_message_enter_container(m, 'v', signature.c_str());
        call.properties[name] = render(m, signature.c_str());
        sd_bus_message_exit_container(m);
        sd_bus_message_exit_container(m);
    }
    return sd_bus_message_exit_container(m);
}

int reply_job(sd_bus_message* m, EmulatedSystemd& systemd, const std::string& unit, const std::string& result) {
    uint32_t id = systemd.next_job_id();
    std::string job = std::string(kSystemdPath) + "/job/" + std::to_string(id);
    int r = sd_bus_reply_method_return(m, "o", job.c_str());
    if (r < 0) return r;
    // org.freedesktop.systemd1(5): JobRemoved(id, job, unit, result) once the job has finished.
    return sd_bus_emit_signal(sd_bus_message_get_bus(m), kSystemdPath, kManager, "JobRemoved", "uoss", id,
                              job.c_str(), unit.c_str(), result.c_str());
}

int on_start_transient_unit(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto& systemd = *static_cast<EmulatedSystemd*>(userdata);
    EmulatedSystemd::Call call{"StartTransientUnit", "", {}, false};
    const char *unit = nullptr, *mode = nullptr;
    int r = sd_bus_message_read(m, "ss", &unit, &mode);
    if (r < 0) return r;
    call.unit = unit;
    if ((r = read_properties(m, call)) < 0) return r;
    std::string result;
    try {
        result = systemd.start_unit(call);
    } catch (const EmulatedSystemd::Refusal& refusal) {
        return sd_bus_error_setf(error, refusal.name.c_str(), "Refused by the emulated systemd: %s", unit);
    } catch (const std::exception& e) {
        return sd_bus_error_set(error, "org.freedesktop.systemd1.EmulatedFailure", e.what());
    }
    return reply_job(m, systemd, call.unit, result);
}

int on_set_unit_properties(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto& systemd = *static_cast<EmulatedSystemd*>(userdata);
    EmulatedSystemd::Call call{"SetUnitProperties", "", {}, false};
    const char* unit = nullptr;
    int runtime = 0;
    int r = sd_bus_message_read(m, "sb", &unit, &runtime);
    if (r < 0) return r;
    call.unit = unit;
    if ((r = read_properties(m, call)) < 0) return r;
    bool known = systemd.has_unit(unit);
    systemd.record(std::move(call));
    if (!known) return sd_bus_error_setf(error, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", unit);
    return sd_bus_reply_method_return(m, "");
}

int on_stop_unit(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto& systemd = *static_cast<EmulatedSystemd*>(userdata);
    const char *unit = nullptr, *mode = nullptr;
    int r = sd_bus_message_read(m, "ss", &unit, &mode);
    if (r < 0) return r;
    systemd.record({"StopUnit", unit, {}, false});
    if (!systemd.stop_unit(unit))
        return sd_bus_error_setf(error, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", unit);
    return reply_job(m, systemd, unit, "done");
}

int on_hello(sd_bus_message* m, void*, sd_bus_error*) { return sd_bus_reply_method_return(m, "s", ":1.1"); }
int on_match(sd_bus_message* m, void*, sd_bus_error*) { return sd_bus_reply_method_return(m, ""); }

const sd_bus_vtable kBusDriver[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Hello", "", "s", on_hello, 0),
    SD_BUS_METHOD("AddMatch", "s", "", on_match, 0),
    SD_BUS_METHOD("RemoveMatch", "s", "", on_match, 0),
    SD_BUS_VTABLE_END,
};

const sd_bus_vtable kSystemdManager[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("StartTransientUnit", "ssa(sv)a(sa(sv))", "o", on_start_transient_unit, 0),
    SD_BUS_METHOD("SetUnitProperties", "sba(sv)", "", on_set_unit_properties, 0),
    SD_BUS_METHOD("StopUnit", "ss", "o", on_stop_unit, 0),
    SD_BUS_VTABLE_END,
};

struct Loop {
    EmulatedSystemd* systemd;
    sd_event* event;
    std::vector<BusPtr> connections;
};

int on_connection(sd_event_source*, int fd, uint32_t, void* userdata) {
    auto& loop = *static_cast<Loop*>(userdata);
    UniqueFd peer(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!peer) return 0;
    sd_bus* raw = nullptr;
    if (sd_bus_new(&raw) < 0) return 0;
    BusPtr bus(raw);
    sd_id128_t id;
    sd_id128_randomize(&id);
    if (sd_bus_set_fd(bus.get(), peer.get(), peer.get()) < 0) return 0;
    peer.release();
    sd_bus_set_server(bus.get(), 1, id);
    sd_bus_set_anonymous(bus.get(), 1);
    // As systemd on its private socket: messages carry its well-known name, so clients' sender matches hold.
    sd_bus_set_sender(bus.get(), "org.freedesktop.systemd1");
    sd_bus_add_object_vtable(bus.get(), nullptr, "/org/freedesktop/DBus", "org.freedesktop.DBus", kBusDriver,
                             loop.systemd);
    sd_bus_add_object_vtable(bus.get(), nullptr, kSystemdPath, kManager, kSystemdManager, loop.systemd);
    if (sd_bus_start(bus.get()) < 0) return 0;
    if (sd_bus_attach_event(bus.get(), loop.event, 0) < 0) return 0;
    loop.connections.push_back(std::move(bus));
    return 0;
}

int on_stop(sd_event_source* source, int, uint32_t, void*) {
    return sd_event_exit(sd_event_source_get_event(source), 0);
}

}  // namespace

namespace {
// Where ocirt finds systemd: its private socket, then the system bus (without $DBUS_SYSTEM_BUS_ADDRESS).
constexpr const char* kHostSystemdSockets[] = {"/run/systemd/private", "/run/dbus/system_bus_socket"};
}

HostSystemdHidden::HostSystemdHidden() {
    std::vector<std::string> present;
    for (const char* socket : kHostSystemdSockets)
        if (fs::exists(socket)) present.push_back(socket);
    if (present.empty()) return;
    host_namespace_ = UniqueFd(::open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC));
    cwd_ = UniqueFd(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    auto fail = [](const std::string& step) {
        throw std::runtime_error("hide the host's systemd: " + step + ": " + std::strerror(errno));
    };
    if (!host_namespace_ || !cwd_) fail("open the mount namespace and cwd");
    if (::unshare(CLONE_NEWNS) != 0) fail("unshare");
    // A slave of the host's mounts: the binds below do not propagate back (mount_namespaces(7)).
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) fail("make / a slave");
    for (const auto& socket : present)
        if (::mount("/dev/null", socket.c_str(), nullptr, MS_BIND, nullptr) != 0) fail("bind /dev/null over " + socket);
}

HostSystemdHidden::~HostSystemdHidden() {
    if (!host_namespace_) return;
    // setns(2) of a mount namespace fails with EINVAL while another thread shares this one's fs_struct, and
    // an exiting thread drops it only after pthread_join has returned (do_exit: exit_mm wakes the joiner before
    // exit_fs), so the emulated systemd's thread, joined already, may still hold it for a moment.
    int result = -1;
    for (int attempt = 0; attempt < 200; ++attempt) {
        result = ::setns(host_namespace_.get(), CLONE_NEWNS);
        if (result == 0 || errno != EINVAL) break;
        ::usleep(10 * 1000);
    }
    // setns(2) into a mount namespace also moves root and cwd to its root: the cwd comes back by fd.
    if (result != 0 || ::fchdir(cwd_.get()) != 0) {
        std::fprintf(stderr, "hide the host's systemd: back to the host's mount namespace: %s\n", std::strerror(errno));
        std::abort();  // the tests after this one would run with the host's systemd hidden
    }
}

EmulatedSystemd::EmulatedSystemd() : dir_("ocirt-emulated-systemd"), hierarchy_(cgroups::Hierarchy::detect()) {
    socket_path_ = dir_.path() + "/bus";
    listen_fd_ = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path_.c_str(), sizeof addr.sun_path - 1);
    if (!listen_fd_ || ::bind(listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_.get(), 16) != 0)
        throw std::runtime_error("emulated systemd: listen on " + socket_path_ + ": " + std::strerror(errno));
    stop_fd_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop_fd_) throw std::runtime_error("emulated systemd: eventfd");
    if (const char* previous = std::getenv("DBUS_SYSTEM_BUS_ADDRESS")) {
        had_previous_address_ = true;
        previous_address_ = previous;
    }
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", ("unix:path=" + socket_path_).c_str(), 1);
    thread_ = std::thread([this] { run(); });
}

EmulatedSystemd::~EmulatedSystemd() {
    uint64_t one = 1;
    if (::write(stop_fd_.get(), &one, sizeof one) < 0) std::abort();
    thread_.join();
    if (had_previous_address_)
        ::setenv("DBUS_SYSTEM_BUS_ADDRESS", previous_address_.c_str(), 1);
    else
        ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    std::vector<std::string> left;
    for (const auto& entry : units_) left.push_back(entry.first);
    for (const auto& unit : left) stop_unit(unit);
}

void EmulatedSystemd::run() {
    sd_event* raw = nullptr;
    if (sd_event_new(&raw) < 0) std::abort();
    EventPtr event(raw);
    Loop loop{this, event.get(), {}};
    sd_event_source* accept_source = nullptr;
    sd_event_source* stop_source = nullptr;
    if (sd_event_add_io(event.get(), &accept_source, listen_fd_.get(), EPOLLIN, on_connection, &loop) < 0 ||
        sd_event_add_io(event.get(), &stop_source, stop_fd_.get(), EPOLLIN, on_stop, nullptr) < 0)
        std::abort();
    SourcePtr accepting(accept_source), stopping(stop_source);
    sd_event_loop(event.get());
    for (auto& bus : loop.connections) sd_bus_detach_event(bus.get());
}

void EmulatedSystemd::record(Call call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
}

std::vector<EmulatedSystemd::Call> EmulatedSystemd::calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

std::vector<EmulatedSystemd::Call> EmulatedSystemd::calls_of(const std::string& method) const {
    std::vector<Call> out;
    for (auto& c : calls())
        if (c.method == method) out.push_back(c);
    return out;
}

void EmulatedSystemd::refuse_next_start(const std::string& dbus_error) {
    std::lock_guard lock(mutex_);
    next_refusal_ = dbus_error;
}

void EmulatedSystemd::next_start_result(const std::string& result) {
    std::lock_guard lock(mutex_);
    next_result_ = result;
}

std::vector<std::string> EmulatedSystemd::existing_directories(const std::string& cgroup) const {
    std::vector<std::string> out;
    for (const auto& h : hierarchy_.all())
        if (fs::exists(h.mount_point + cgroup)) out.push_back(h.mount_point + cgroup);
    return out;
}

std::string EmulatedSystemd::start_unit(const Call& received) {
    Call call = received;
    bool slice_unit = call.unit.size() > 6 && call.unit.substr(call.unit.size() - 6) == ".slice";
    // systemd.slice(5): a slice's cgroup is its own name expanded; a scope sits in its Slice=.
    std::string slice = call.properties.count("Slice") ? call.properties["Slice"] : "system.slice";
    std::string parent = cgroups::expand_slice(slice);
    std::string cgroup = slice_unit ? cgroups::expand_slice(call.unit) : (parent == "/" ? "" : parent) + "/" + call.unit;
    call.directories_existed = !existing_directories(cgroup).empty();
    std::string result;
    {
        std::lock_guard lock(mutex_);
        calls_.push_back(call);
        if (!next_refusal_.empty()) throw Refusal{std::exchange(next_refusal_, "")};
        result = std::exchange(next_result_, "done");
    }
    if (result != "done") return result;
    std::vector<pid_t> pids;
    if (call.properties.count("PIDs")) {
        std::string list = call.properties["PIDs"];
        std::istringstream in(list.substr(1, list.size() - 2));
        for (std::string item; std::getline(in, item, ',');) pids.push_back(std::stoi(item));
    }
    for (const auto& h : hierarchy_.all()) {
        make_cgroup(h, cgroup);
        for (pid_t pid : pids) write_text(h.mount_point + cgroup + "/cgroup.procs", std::to_string(pid));
    }
    std::lock_guard lock(mutex_);
    units_[call.unit] = cgroup;
    return result;
}

bool EmulatedSystemd::has_unit(const std::string& unit) const {
    std::lock_guard lock(mutex_);
    return units_.count(unit) > 0;
}

bool EmulatedSystemd::stop_unit(const std::string& unit) {
    std::string cgroup;
    {
        std::lock_guard lock(mutex_);
        auto it = units_.find(unit);
        if (it == units_.end()) return false;
        cgroup = it->second;
        units_.erase(it);
    }
    for (const auto& h : hierarchy_.all()) {
        kill_and_remove(h.mount_point + cgroup);
        // A slice nobody needs any more is garbage-collected by systemd.
        for (fs::path p = fs::path(cgroup).parent_path(); p != "/" && !p.empty(); p = p.parent_path())
            if (::rmdir((h.mount_point + p.string()).c_str()) != 0) break;
    }
    return true;
}

}  // namespace ocirt::test

#include "config/to_model.hpp"

#include <cstdint>
#include <limits>

#include "config/hook_kinds.hpp"
#include "config/json_pointer.hpp"
#include "config/unset_values.hpp"
#include "util/log.hpp"

namespace ocirt::config {
namespace {

using nlohmann::json;

class Converter {
public:
    explicit Converter(std::vector<Diagnostic>& problems) : problems_(problems) {}

    Config config(const json& j) {
        Config c;
        c.ociVersion = j.value("ociVersion", "");
        if (auto* r = find(j, "root")) {
            c.root.path = r->value("path", "");
            c.root.readonly = r->value("readonly", false);
        }
        if (auto* m = find(j, "mounts"))
            for (std::size_t i = 0; i < m->size(); ++i) c.mounts.push_back(mount((*m)[i]));
        if (auto* p = find(j, "process")) c.process = process(*p);
        c.hostname = opt_string(j, "hostname");
        c.domainname = opt_string(j, "domainname");
        if (auto* h = find(j, "hooks")) c.hooks = hooks(*h);
        c.annotations = string_map(j, "annotations");
        if (auto* l = find(j, "linux")) c.linux_ = linux_section(*l, "/linux");
        for (const char* platform : {"windows", "solaris", "vm", "zos", "freebsd"})
            if (auto* section = find(j, platform); section && !section->empty()) c.otherPlatforms.push_back(platform);
        return c;
    }

    Resources resources_document(const json& j) { return resources(j, ""); }

private:
    static const json* find(const json& j, const char* key) {
        if (!j.is_object()) return nullptr;
        auto it = j.find(key);
        return it == j.end() || it->is_null() ? nullptr : &*it;
    }

    static std::optional<std::string> opt_string(const json& j, const char* key) {
        auto* v = find(j, key);
        return v ? std::optional<std::string>(v->get<std::string>()) : std::nullopt;
    }

    static std::vector<std::string> strings(const json& j, const char* key) {
        auto* v = find(j, key);
        return v ? v->get<std::vector<std::string>>() : std::vector<std::string>{};
    }

    static std::optional<std::vector<std::string>> opt_strings(const json& j, const char* key) {
        auto* v = find(j, key);
        return v ? std::optional(v->get<std::vector<std::string>>()) : std::nullopt;
    }

    static std::map<std::string, std::string> string_map(const json& j, const char* key) {
        std::map<std::string, std::string> out;
        if (auto* v = find(j, key))
            for (const auto& [k, val] : v->items()) out[k] = val.get<std::string>();
        return out;
    }

    static std::optional<bool> opt_bool(const json& j, const char* key) {
        auto* v = find(j, key);
        return v ? std::optional<bool>(v->get<bool>()) : std::nullopt;
    }

    int64_t i64(const json& v, const std::string& ptr) {
        constexpr auto kMax = std::numeric_limits<int64_t>::max();
        if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kMax)) {
            problems_.push_back({ptr, "must be at most " + std::to_string(kMax) + ", got " + v.dump(), "range: int64"});
            return kMax;
        }
        return v.get<int64_t>();
    }

    std::optional<int64_t> opt_i64(const json& j, const char* key, const std::string& base) {
        auto* v = find(j, key);
        return v ? std::optional<int64_t>(i64(*v, pointer_join(base, key))) : std::nullopt;
    }

    // Fields whose range the schema already checked (uint64 beyond INT64_MAX included: nlohmann keeps it unsigned).
    template <class T>
    static std::optional<T> opt(const json& j, const char* key) {
        auto* v = find(j, key);
        return v ? std::optional<T>(v->get<T>()) : std::nullopt;
    }

    static std::vector<IdMapping> id_mappings(const json& j, const char* key) {
        std::vector<IdMapping> out;
        if (auto* v = find(j, key))
            for (const auto& m : *v)
                out.push_back({m.at("containerID").get<uint32_t>(), m.at("hostID").get<uint32_t>(),
                               m.at("size").get<uint32_t>()});
        return out;
    }

    static Mount mount(const json& j) {
        Mount m;
        m.destination = j.value("destination", "");
        m.source = opt_string(j, "source");
        m.options = strings(j, "options");
        m.type = opt_string(j, "type");
        m.uidMappings = id_mappings(j, "uidMappings");
        m.gidMappings = id_mappings(j, "gidMappings");
        return m;
    }

    Process process(const json& j) {
        Process p;
        p.terminal = j.value("terminal", false);
        if (auto* cs = find(j, "consoleSize"))
            p.consoleSize = ConsoleSize{cs->at("height").get<uint32_t>(), cs->at("width").get<uint32_t>()};
        p.cwd = j.value("cwd", "");
        p.env = strings(j, "env");
        p.args = strings(j, "args");
        p.commandLine = opt_string(j, "commandLine");
        if (auto* rl = find(j, "rlimits"))
            for (const auto& r : *rl)
                p.rlimits.push_back({r.at("type").get<std::string>(), r.at("soft").get<uint64_t>(), r.at("hard").get<uint64_t>()});
        p.apparmorProfile = opt_string(j, "apparmorProfile");
        if (auto* caps = find(j, "capabilities")) {
            Capabilities c;
            c.bounding = opt_strings(*caps, "bounding");
            c.effective = opt_strings(*caps, "effective");
            c.inheritable = opt_strings(*caps, "inheritable");
            c.permitted = opt_strings(*caps, "permitted");
            c.ambient = opt_strings(*caps, "ambient");
            p.capabilities = c;
        }
        p.noNewPrivileges = j.value("noNewPrivileges", false);
        p.oomScoreAdj = opt<int32_t>(j, "oomScoreAdj");
        if (auto* s = find(j, "scheduler")) {
            Scheduler sc;
            sc.policy = s->value("policy", "");
            sc.nice = opt<int32_t>(*s, "nice");
            sc.priority = opt<int32_t>(*s, "priority");
            sc.flags = strings(*s, "flags");
            sc.runtime = opt<uint64_t>(*s, "runtime");
            sc.deadline = opt<uint64_t>(*s, "deadline");
            sc.period = opt<uint64_t>(*s, "period");
            p.scheduler = sc;
        }
        p.selinuxLabel = opt_string(j, "selinuxLabel");
        if (auto* io = find(j, "ioPriority")) p.ioPriority = IoPriority{io->value("class", ""), io->value("priority", 0)};
        if (auto* aff = find(j, "execCPUAffinity"))
            p.execCPUAffinity = ExecCpuAffinity{opt_string(*aff, "initial"), opt_string(*aff, "final")};
        if (auto* u = find(j, "user")) {
            p.user.uid = u->value("uid", 0u);
            p.user.gid = u->value("gid", 0u);
            p.user.umask = opt<uint32_t>(*u, "umask");
            if (auto* g = find(*u, "additionalGids")) p.user.additionalGids = g->get<std::vector<uint32_t>>();
            p.user.username = opt_string(*u, "username");
        }
        return p;
    }

    static std::vector<Hook> hook_list(const json& j, const char* key) {
        std::vector<Hook> out;
        if (auto* v = find(j, key))
            for (const auto& h : *v) out.push_back({h.value("path", ""), strings(h, "args"), strings(h, "env"), opt<int32_t>(h, "timeout")});
        return out;
    }

    static Hooks hooks(const json& j) {
        Hooks h;
        for (const auto& kind : kHookKinds) h.*kind.list = hook_list(j, kind.name);
        return h;
    }

    std::vector<ThrottleDevice> throttles(const json& j, const char* key, const std::string& base) {
        std::vector<ThrottleDevice> out;
        if (auto* v = find(j, key))
            for (std::size_t i = 0; i < v->size(); ++i) {
                const auto& t = (*v)[i];
                std::string p = pointer_join(pointer_join(base, key), i);
                out.push_back({i64(t.at("major"), p + "/major"), i64(t.at("minor"), p + "/minor"), t.at("rate").get<uint64_t>()});
            }
        return out;
    }

    Resources resources(const json& j, const std::string& base) {
        Resources r;
        if (auto* devs = find(j, "devices"))
            for (std::size_t i = 0; i < devs->size(); ++i) {
                const auto& d = (*devs)[i];
                std::string p = pointer_join(pointer_join(base, "devices"), i);
                r.devices.push_back({d.value("allow", false), opt_string(d, "type"), opt_i64(d, "major", p),
                                     opt_i64(d, "minor", p), opt_string(d, "access")});
            }
        if (auto* m = find(j, "memory")) {
            std::string p = pointer_join(base, "memory");
            Memory mem;
            mem.limit = opt_i64(*m, "limit", p);
            mem.reservation = opt_i64(*m, "reservation", p);
            mem.swap = opt_i64(*m, "swap", p);
            mem.kernel = opt_i64(*m, "kernel", p);
            mem.kernelTCP = opt_i64(*m, "kernelTCP", p);
            mem.swappiness = opt<uint64_t>(*m, "swappiness");
            mem.disableOOMKiller = opt_bool(*m, "disableOOMKiller");
            mem.useHierarchy = opt_bool(*m, "useHierarchy");
            mem.checkBeforeUpdate = opt_bool(*m, "checkBeforeUpdate");
            r.memory = mem;
        }
        if (auto* c = find(j, "cpu")) {
            std::string p = pointer_join(base, "cpu");
            Cpu cpu;
            cpu.shares = opt<uint64_t>(*c, "shares");
            cpu.quota = opt_i64(*c, "quota", p);
            cpu.burst = opt<uint64_t>(*c, "burst");
            cpu.period = opt<uint64_t>(*c, "period");
            cpu.realtimeRuntime = opt_i64(*c, "realtimeRuntime", p);
            cpu.realtimePeriod = opt<uint64_t>(*c, "realtimePeriod");
            cpu.cpus = opt_string(*c, "cpus");
            cpu.mems = opt_string(*c, "mems");
            cpu.idle = opt_i64(*c, "idle", p);
            r.cpu = cpu;
        }
        if (auto* pids = find(j, "pids")) r.pids = Pids{opt_i64(*pids, "limit", pointer_join(base, "pids"))};
        if (auto* b = find(j, "blockIO")) {
            std::string p = pointer_join(base, "blockIO");
            BlockIO io;
            io.weight = opt<uint16_t>(*b, "weight");
            io.leafWeight = opt<uint16_t>(*b, "leafWeight");
            if (auto* wd = find(*b, "weightDevice"))
                for (std::size_t i = 0; i < wd->size(); ++i) {
                    const auto& w = (*wd)[i];
                    std::string wp = pointer_join(pointer_join(p, "weightDevice"), i);
                    io.weightDevice.push_back({i64(w.at("major"), wp + "/major"), i64(w.at("minor"), wp + "/minor"),
                                               opt<uint16_t>(w, "weight"), opt<uint16_t>(w, "leafWeight")});
                }
            io.throttleReadBpsDevice = throttles(*b, "throttleReadBpsDevice", p);
            io.throttleWriteBpsDevice = throttles(*b, "throttleWriteBpsDevice", p);
            io.throttleReadIOPSDevice = throttles(*b, "throttleReadIOPSDevice", p);
            io.throttleWriteIOPSDevice = throttles(*b, "throttleWriteIOPSDevice", p);
            r.blockIO = io;
        }
        if (auto* hp = find(j, "hugepageLimits"))
            for (const auto& h : *hp) r.hugepageLimits.push_back({h.at("pageSize").get<std::string>(), h.at("limit").get<uint64_t>()});
        if (auto* n = find(j, "network")) {
            Network net;
            net.classID = opt<uint32_t>(*n, "classID");
            if (auto* pr = find(*n, "priorities"))
                for (const auto& p : *pr) net.priorities.push_back({p.at("name").get<std::string>(), p.at("priority").get<uint32_t>()});
            r.network = net;
        }
        if (auto* rd = find(j, "rdma"))
            for (const auto& [name, v] : rd->items()) r.rdma[name] = Rdma{opt<uint32_t>(v, "hcaHandles"), opt<uint32_t>(v, "hcaObjects")};
        r.unified = string_map(j, "unified");
        for (const auto& pointer : drop_values_meaning_unset(r, base))
            log::debug(pointer + ": the value that means \"not set\" (as runc): nothing is written for it");
        return r;
    }

    Seccomp seccomp(const json& j) {
        Seccomp s;
        s.defaultAction = j.value("defaultAction", "");
        s.defaultErrnoRet = opt<uint32_t>(j, "defaultErrnoRet");
        s.architectures = strings(j, "architectures");
        s.flags = strings(j, "flags");
        s.listenerPath = opt_string(j, "listenerPath");
        s.listenerMetadata = opt_string(j, "listenerMetadata");
        if (auto* calls = find(j, "syscalls"))
            for (const auto& c : *calls) {
                SeccompSyscall sc;
                sc.names = strings(c, "names");
                sc.action = c.value("action", "");
                sc.errnoRet = opt<uint32_t>(c, "errnoRet");
                if (auto* args = find(c, "args"))
                    for (const auto& a : *args)
                        sc.args.push_back({a.at("index").get<uint32_t>(), a.at("value").get<uint64_t>(), opt<uint64_t>(a, "valueTwo"),
                                           a.at("op").get<std::string>()});
                s.syscalls.push_back(std::move(sc));
            }
        return s;
    }

    Linux linux_section(const json& j, const std::string& base) {
        Linux l;
        l.uidMappings = id_mappings(j, "uidMappings");
        l.gidMappings = id_mappings(j, "gidMappings");
        if (auto* t = find(j, "timeOffsets"))
            for (const auto& [clock, v] : t->items()) {
                std::string p = pointer_join(pointer_join(base, "timeOffsets"), clock);
                l.timeOffsets[clock] = TimeOffset{opt_i64(v, "secs", p).value_or(0), opt<uint32_t>(v, "nanosecs").value_or(0)};
            }
        if (auto* devs = find(j, "devices"))
            for (std::size_t i = 0; i < devs->size(); ++i) {
                const auto& d = (*devs)[i];
                std::string p = pointer_join(pointer_join(base, "devices"), i);
                l.devices.push_back({d.value("type", ""), d.value("path", ""), opt_i64(d, "major", p), opt_i64(d, "minor", p),
                                     opt<uint32_t>(d, "fileMode"), opt<uint32_t>(d, "uid"), opt<uint32_t>(d, "gid")});
            }
        if (auto* nd = find(j, "netDevices"))
            for (const auto& [name, v] : nd->items()) l.netDevices[name] = NetDevice{opt_string(v, "name")};
        l.cgroupsPath = opt_string(j, "cgroupsPath");
        l.rootfsPropagation = opt_string(j, "rootfsPropagation");
        if (auto* r = find(j, "resources")) l.resources = resources(*r, pointer_join(base, "resources"));
        if (auto* ns = find(j, "namespaces"))
            for (const auto& n : *ns) l.namespaces.push_back({n.value("type", ""), opt_string(n, "path")});
        if (auto* s = find(j, "seccomp")) l.seccomp = seccomp(*s);
        l.sysctl = string_map(j, "sysctl");
        l.maskedPaths = strings(j, "maskedPaths");
        l.readonlyPaths = strings(j, "readonlyPaths");
        l.mountLabel = opt_string(j, "mountLabel");
        if (auto* rdt = find(j, "intelRdt"))
            l.intelRdt = IntelRdt{opt_string(*rdt, "closID"), opt_string(*rdt, "l3CacheSchema"), opt_string(*rdt, "memBwSchema"),
                                  opt_bool(*rdt, "enableCMT"), opt_bool(*rdt, "enableMBM")};
        if (auto* pers = find(j, "personality")) l.personality = Personality{pers->value("domain", ""), strings(*pers, "flags")};
        if (auto* mp = find(j, "memoryPolicy"))
            l.memoryPolicy = MemoryPolicy{mp->value("mode", ""), opt_string(*mp, "nodes"), strings(*mp, "flags")};
        return l;
    }

    std::vector<Diagnostic>& problems_;
};

}  // namespace

Config to_model(const json& doc, std::vector<Diagnostic>& problems) { return Converter(problems).config(doc); }

Resources resources_to_model(const json& doc, std::vector<Diagnostic>& problems) {
    return Converter(problems).resources_document(doc);
}

}  // namespace ocirt::config

#pragma once
// The typed model of an OCI runtime-spec v1.2 config.json (config.md, config-linux.md), Linux fields.
// Field names follow the spec's JSON names. Optional JSON fields are std::optional (or empty containers
// where the spec gives no meaning to "absent" versus "empty").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocirt::config {

struct IdMapping {
    uint32_t containerID = 0;
    uint32_t hostID = 0;
    uint32_t size = 0;
};

struct Root {
    std::string path;          // as written in config.json
    std::string resolved_path; // absolute, resolved against the bundle directory (filled by load_bundle)
    bool readonly = false;
};

struct Mount {
    std::string destination;
    std::optional<std::string> source;
    std::vector<std::string> options;
    std::optional<std::string> type;
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
};

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE", ...
    uint64_t soft = 0;
    uint64_t hard = 0;
};

struct Capabilities {
    std::optional<std::vector<std::string>> bounding;
    std::optional<std::vector<std::string>> effective;
    std::optional<std::vector<std::string>> inheritable;
    std::optional<std::vector<std::string>> permitted;
    std::optional<std::vector<std::string>> ambient;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER, SCHED_FIFO, ...
    std::optional<int32_t> nice;
    std::optional<int32_t> priority;
    std::vector<std::string> flags;
    std::optional<uint64_t> runtime;
    std::optional<uint64_t> deadline;
    std::optional<uint64_t> period;
};

struct IoPriority {
    std::string ioClass;  // JSON "class": IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE
    int32_t priority = 0;
};

struct ExecCpuAffinity {
    std::optional<std::string> initial;
    std::optional<std::string> final_;  // JSON "final"
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additionalGids;
    std::optional<std::string> username;  // config.md: Windows only; refused when not empty (rules.cpp)
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> consoleSize;
    std::string cwd;
    std::vector<std::string> env;
    std::vector<std::string> args;
    std::optional<std::string> commandLine;  // config.md: Windows only; refused when not empty (rules.cpp)
    std::vector<Rlimit> rlimits;
    std::optional<std::string> apparmorProfile;
    std::optional<Capabilities> capabilities;
    bool noNewPrivileges = false;
    std::optional<int32_t> oomScoreAdj;
    std::optional<Scheduler> scheduler;
    std::optional<std::string> selinuxLabel;
    std::optional<IoPriority> ioPriority;
    std::optional<ExecCpuAffinity> execCPUAffinity;
    User user;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int32_t> timeout;  // seconds, > 0
};

struct Hooks {
    std::vector<Hook> prestart;
    std::vector<Hook> createRuntime;
    std::vector<Hook> createContainer;
    std::vector<Hook> startContainer;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

struct LinuxDevice {
    std::string type;  // c, b, u or p
    std::string path;
    std::optional<int64_t> major;
    std::optional<int64_t> minor;
    std::optional<uint32_t> fileMode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct DeviceCgroupRule {
    bool allow = false;
    std::optional<std::string> type;  // a, c, b
    std::optional<int64_t> major;
    std::optional<int64_t> minor;
    std::optional<std::string> access;  // rwm subset
};

struct Memory {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernelTCP;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disableOOMKiller;
    std::optional<bool> useHierarchy;
    std::optional<bool> checkBeforeUpdate;
};

struct Cpu {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtimeRuntime;
    std::optional<uint64_t> realtimePeriod;
    std::optional<std::string> cpus;
    std::optional<std::string> mems;
    std::optional<int64_t> idle;
};

struct Pids {
    std::optional<int64_t> limit;
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leafWeight;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIO {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leafWeight;
    std::vector<WeightDevice> weightDevice;
    std::vector<ThrottleDevice> throttleReadBpsDevice;
    std::vector<ThrottleDevice> throttleWriteBpsDevice;
    std::vector<ThrottleDevice> throttleReadIOPSDevice;
    std::vector<ThrottleDevice> throttleWriteIOPSDevice;
};

struct HugepageLimit {
    std::string pageSize;  // "2MB", "1GB", ...
    uint64_t limit = 0;
};

struct NetworkPriority {
    std::string name;
    uint32_t priority = 0;
};

struct Network {
    std::optional<uint32_t> classID;
    std::vector<NetworkPriority> priorities;
};

struct Rdma {
    std::optional<uint32_t> hcaHandles;
    std::optional<uint32_t> hcaObjects;
};

struct Resources {
    std::vector<DeviceCgroupRule> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<Pids> pids;
    std::optional<BlockIO> blockIO;
    std::vector<HugepageLimit> hugepageLimits;
    std::optional<Network> network;
    std::map<std::string, Rdma> rdma;
    std::map<std::string, std::string> unified;
};

struct Namespace {
    std::string type;  // pid, network, mount, ipc, uts, user, cgroup, time
    std::optional<std::string> path;
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    std::optional<uint64_t> valueTwo;
    std::string op;  // SCMP_CMP_NE, ...
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;  // SCMP_ACT_*
    std::optional<uint32_t> errnoRet;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string defaultAction;
    std::optional<uint32_t> defaultErrnoRet;
    std::vector<std::string> architectures;
    std::vector<std::string> flags;
    std::optional<std::string> listenerPath;
    std::optional<std::string> listenerMetadata;
    std::vector<SeccompSyscall> syscalls;
};

struct IntelRdt {
    std::optional<std::string> closID;
    std::optional<std::string> l3CacheSchema;
    std::optional<std::string> memBwSchema;
    std::optional<bool> enableCMT;
    std::optional<bool> enableMBM;
};

struct Personality {
    std::string domain;  // LINUX | LINUX32
    std::vector<std::string> flags;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

// config-linux.md "Memory policy" (1.3): set_mempolicy(2) for the container's processes.
struct MemoryPolicy {
    std::string mode;                  // MPOL_DEFAULT, MPOL_BIND, ... (REQUIRED)
    std::optional<std::string> nodes;  // "0-3,7"
    std::vector<std::string> flags;    // MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES
};

struct NetDevice {
    std::optional<std::string> name;
};

struct Linux {
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
    std::map<std::string, TimeOffset> timeOffsets;  // "boottime", "monotonic"
    std::vector<LinuxDevice> devices;
    std::map<std::string, NetDevice> netDevices;
    std::optional<std::string> cgroupsPath;
    std::optional<std::string> rootfsPropagation;  // [r]private | [r]shared | [r]slave | [r]unbindable
    std::optional<Resources> resources;
    std::vector<Namespace> namespaces;
    std::optional<Seccomp> seccomp;
    std::map<std::string, std::string> sysctl;
    std::vector<std::string> maskedPaths;
    std::vector<std::string> readonlyPaths;
    std::optional<std::string> mountLabel;
    std::optional<IntelRdt> intelRdt;
    std::optional<Personality> personality;
    std::optional<MemoryPolicy> memoryPolicy;
};

struct Config {
    std::string ociVersion;
    Root root;  // required on Linux
    std::vector<Mount> mounts;
    std::optional<Process> process;
    std::optional<std::string> hostname;
    std::optional<std::string> domainname;
    Hooks hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux_;  // JSON "linux" (`linux` is a predefined macro in GNU C++)
    // The other platforms' sections (windows, solaris, vm, zos, freebsd) that are present and not empty:
    // a Linux runtime cannot apply them, so they are refused rather than dropped (rules.cpp).
    std::vector<std::string> otherPlatforms;
};

}  // namespace ocirt::config

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "config/load.hpp"
#include "config_support.hpp"

using namespace ocirt::spec_test;
using namespace ocirt::config;

namespace {

Config load_valid(const std::string& name, TempBundle& bundle) {
    bundle.write(read_data_file(data_dir() / "valid" / name));
    auto result = load_bundle(bundle.path().string());
    for (const auto& d : result.diagnostics) MESSAGE(d.to_string());
    REQUIRE(result.config);
    return *result.config;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("spec model: the maximal config converts every field") {
    TempBundle bundle;
    Config c = load_valid("maximal.json", bundle);

    CHECK(c.ociVersion == "1.2.0");
    CHECK(c.root.path == "rootfs");
    CHECK(c.root.readonly);
    CHECK(c.root.resolved_path == (bundle.path() / "rootfs").string());
    CHECK(c.hostname == "maximal");
    CHECK(c.domainname == "example.test");
    CHECK(c.annotations == std::map<std::string, std::string>{{"com.example.key", "value"}, {"org.opencontainers.image.os", "linux"}});

    REQUIRE(c.mounts.size() == 2);
    CHECK(c.mounts[0].destination == "/proc");
    CHECK(c.mounts[0].type == "proc");
    CHECK(c.mounts[0].source == "proc");
    CHECK(c.mounts[0].options.empty());
    const Mount& m = c.mounts[1];
    CHECK(m.destination == "/data");
    CHECK(m.type == "none");
    CHECK(m.source == "/var/lib/data");
    CHECK(m.options == Strings{"rbind", "ro", "idmap"});
    REQUIRE(m.uidMappings.size() == 1);
    CHECK(m.uidMappings[0].containerID == 0);
    CHECK(m.uidMappings[0].hostID == 100000);
    CHECK(m.uidMappings[0].size == 65536);
    REQUIRE(m.gidMappings.size() == 1);
    CHECK(m.gidMappings[0].hostID == 200000);
    CHECK(m.gidMappings[0].size == 1000);

    REQUIRE(c.process);
    const Process& p = *c.process;
    CHECK(p.terminal);
    REQUIRE(p.consoleSize);
    CHECK(p.consoleSize->height == 25);
    CHECK(p.consoleSize->width == 80);
    CHECK(p.user.uid == 1000);
    CHECK(p.user.gid == 1001);
    CHECK(p.user.umask == 18u);
    CHECK(p.user.additionalGids == std::vector<uint32_t>{5, 6});
    CHECK_FALSE(p.user.username);
    CHECK(p.args == Strings{"/bin/sh", "-c", "true"});
    CHECK(p.env == Strings{"PATH=/usr/bin:/bin", "TERM=xterm"});
    CHECK(p.cwd == "/home");
    REQUIRE(p.capabilities);
    CHECK(p.capabilities->bounding == Strings{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    CHECK(p.capabilities->effective == Strings{"CAP_KILL"});
    REQUIRE(p.capabilities->inheritable);
    CHECK(p.capabilities->inheritable->empty());
    CHECK(p.capabilities->permitted == Strings{"CAP_KILL", "CAP_CHOWN"});
    CHECK(p.capabilities->ambient == Strings{"CAP_NET_BIND_SERVICE"});
    REQUIRE(p.rlimits.size() == 2);
    CHECK(p.rlimits[0].type == "RLIMIT_NOFILE");
    CHECK(p.rlimits[0].soft == 1024);
    CHECK(p.rlimits[0].hard == 4096);
    CHECK(p.rlimits[1].type == "RLIMIT_CORE");
    CHECK(p.rlimits[1].soft == std::numeric_limits<uint64_t>::max());
    CHECK(p.rlimits[1].hard == std::numeric_limits<uint64_t>::max());
    CHECK(p.apparmorProfile == "ocirt-profile");
    CHECK(p.noNewPrivileges);
    CHECK(p.oomScoreAdj == -500);
    REQUIRE(p.scheduler);
    CHECK(p.scheduler->policy == "SCHED_DEADLINE");
    CHECK(p.scheduler->nice == 0);
    CHECK(p.scheduler->priority == 0);
    CHECK(p.scheduler->flags == Strings{"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM"});
    CHECK(p.scheduler->runtime == 10000000u);
    CHECK(p.scheduler->deadline == 20000000u);
    CHECK(p.scheduler->period == 30000000u);
    CHECK(p.selinuxLabel == "system_u:system_r:container_t:s0");
    REQUIRE(p.ioPriority);
    CHECK(p.ioPriority->ioClass == "IOPRIO_CLASS_BE");
    CHECK(p.ioPriority->priority == 3);
    REQUIRE(p.execCPUAffinity);
    CHECK(p.execCPUAffinity->initial == "0");
    CHECK(p.execCPUAffinity->final_ == "0-1");

    const Hooks& h = c.hooks;
    REQUIRE(h.prestart.size() == 1);
    CHECK(h.prestart[0].path == "/usr/bin/prestart-hook");
    CHECK(h.prestart[0].args == Strings{"prestart-hook", "a"});
    CHECK(h.prestart[0].env == Strings{"K=V"});
    CHECK(h.prestart[0].timeout == 5);
    REQUIRE(h.createRuntime.size() == 1);
    CHECK(h.createRuntime[0].path == "/usr/bin/create-runtime");
    CHECK_FALSE(h.createRuntime[0].timeout);
    REQUIRE(h.createContainer.size() == 1);
    CHECK(h.createContainer[0].timeout == 7);
    REQUIRE(h.startContainer.size() == 1);
    CHECK(h.startContainer[0].args == Strings{"start-container"});
    REQUIRE(h.poststart.size() == 1);
    CHECK(h.poststart[0].env == Strings{"A=1", "B=2"});
    REQUIRE(h.poststop.size() == 1);
    CHECK(h.poststop[0].path == "/usr/bin/poststop");
    CHECK(h.poststop[0].timeout == 1);

    REQUIRE(c.linux_);
    const Linux& l = *c.linux_;
    REQUIRE(l.uidMappings.size() == 1);
    CHECK(l.uidMappings[0].hostID == 1000000);
    REQUIRE(l.gidMappings.size() == 1);
    CHECK(l.gidMappings[0].hostID == 2000000);
    CHECK(l.gidMappings[0].size == 65535);
    REQUIRE(l.timeOffsets.size() == 2);
    CHECK(l.timeOffsets.at("monotonic").secs == 172800);
    CHECK(l.timeOffsets.at("monotonic").nanosecs == 500);
    CHECK(l.timeOffsets.at("boottime").secs == -604800);
    CHECK(l.timeOffsets.at("boottime").nanosecs == 0);
    REQUIRE(l.devices.size() == 3);
    CHECK(l.devices[0].path == "/dev/fuse");
    CHECK(l.devices[0].type == "c");
    CHECK(l.devices[0].major == 10);
    CHECK(l.devices[0].minor == 229);
    CHECK(l.devices[0].fileMode == 438u);
    CHECK(l.devices[0].uid == 0u);
    CHECK(l.devices[0].gid == 0u);
    CHECK(l.devices[1].type == "b");
    CHECK(l.devices[1].fileMode == 432u);
    CHECK_FALSE(l.devices[1].uid);
    CHECK(l.devices[2].type == "p");
    CHECK_FALSE(l.devices[2].major);
    REQUIRE(l.netDevices.size() == 2);
    CHECK(l.netDevices.at("eth1").name == "ceth1");
    CHECK_FALSE(l.netDevices.at("dummy0").name);
    CHECK(l.cgroupsPath == "/ocirt/maximal");
    CHECK(l.rootfsPropagation == "slave");

    REQUIRE(l.resources);
    const Resources& r = *l.resources;
    REQUIRE(r.devices.size() == 2);
    CHECK_FALSE(r.devices[0].allow);
    CHECK(r.devices[0].access == "rwm");
    CHECK_FALSE(r.devices[0].type);
    CHECK_FALSE(r.devices[0].major);
    CHECK(r.devices[1].allow);
    CHECK(r.devices[1].type == "c");
    CHECK(r.devices[1].major == 10);
    CHECK(r.devices[1].minor == 229);
    CHECK(r.devices[1].access == "rw");
    REQUIRE(r.memory);
    CHECK(r.memory->limit == 536870912);
    CHECK(r.memory->reservation == 268435456);
    CHECK(r.memory->swap == 1073741824);
    CHECK(r.memory->kernel == -1);
    CHECK(r.memory->kernelTCP == -1);
    CHECK(r.memory->swappiness == 60u);
    CHECK(r.memory->disableOOMKiller == true);
    CHECK(r.memory->useHierarchy == false);
    CHECK(r.memory->checkBeforeUpdate == true);
    REQUIRE(r.cpu);
    CHECK(r.cpu->shares == 1024u);
    CHECK(r.cpu->quota == 100000);
    CHECK(r.cpu->burst == 50000u);
    CHECK(r.cpu->period == 200000u);
    CHECK(r.cpu->realtimeRuntime == 950000);
    CHECK(r.cpu->realtimePeriod == 1000000u);
    CHECK(r.cpu->cpus == "0-1");
    CHECK(r.cpu->mems == "0");
    CHECK(r.cpu->idle == 1);
    REQUIRE(r.pids);
    CHECK(r.pids->limit == 32771);
    REQUIRE(r.blockIO);
    CHECK(r.blockIO->weight == 10);
    CHECK(r.blockIO->leafWeight == 20);
    REQUIRE(r.blockIO->weightDevice.size() == 2);
    CHECK(r.blockIO->weightDevice[0].major == 8);
    CHECK(r.blockIO->weightDevice[0].minor == 0);
    CHECK(r.blockIO->weightDevice[0].weight == 500);
    CHECK(r.blockIO->weightDevice[0].leafWeight == 300);
    CHECK(r.blockIO->weightDevice[1].minor == 16);
    CHECK_FALSE(r.blockIO->weightDevice[1].leafWeight);
    REQUIRE(r.blockIO->throttleReadBpsDevice.size() == 1);
    CHECK(r.blockIO->throttleReadBpsDevice[0].rate == 600);
    REQUIRE(r.blockIO->throttleWriteBpsDevice.size() == 1);
    CHECK(r.blockIO->throttleWriteBpsDevice[0].minor == 1);
    CHECK(r.blockIO->throttleWriteBpsDevice[0].rate == 700);
    REQUIRE(r.blockIO->throttleReadIOPSDevice.size() == 1);
    CHECK(r.blockIO->throttleReadIOPSDevice[0].rate == 800);
    REQUIRE(r.blockIO->throttleWriteIOPSDevice.size() == 1);
    CHECK(r.blockIO->throttleWriteIOPSDevice[0].minor == 3);
    CHECK(r.blockIO->throttleWriteIOPSDevice[0].rate == 900);
    REQUIRE(r.hugepageLimits.size() == 2);
    CHECK(r.hugepageLimits[0].pageSize == "2MB");
    CHECK(r.hugepageLimits[0].limit == 209715200u);
    CHECK(r.hugepageLimits[1].pageSize == "1GB");
    REQUIRE(r.network);
    CHECK(r.network->classID == 1048577u);
    REQUIRE(r.network->priorities.size() == 1);
    CHECK(r.network->priorities[0].name == "eth0");
    CHECK(r.network->priorities[0].priority == 500);
    REQUIRE(r.rdma.size() == 2);
    CHECK(r.rdma.at("mlx5_1").hcaHandles == 3u);
    CHECK(r.rdma.at("mlx5_1").hcaObjects == 10000u);
    CHECK_FALSE(r.rdma.at("mlx4_0").hcaHandles);
    CHECK(r.unified == std::map<std::string, std::string>{{"io.weight", "100"}, {"memory.high", "max"}});

    REQUIRE(l.namespaces.size() == 8);
    CHECK(l.namespaces[0].type == "pid");
    CHECK(l.namespaces[7].type == "time");
    CHECK_FALSE(l.namespaces[5].path);

    REQUIRE(l.seccomp);
    const Seccomp& s = *l.seccomp;
    CHECK(s.defaultAction == "SCMP_ACT_ERRNO");
    CHECK(s.defaultErrnoRet == 38u);
    CHECK(s.architectures == Strings{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
    CHECK(s.flags == Strings{"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"});
    CHECK(s.listenerPath == "/run/seccomp-agent.sock");
    CHECK(s.listenerMetadata == "MKNOD=/dev/null");
    REQUIRE(s.syscalls.size() == 3);
    CHECK(s.syscalls[0].names == Strings{"read", "write", "exit_group"});
    CHECK(s.syscalls[0].action == "SCMP_ACT_ALLOW");
    CHECK_FALSE(s.syscalls[0].errnoRet);
    CHECK(s.syscalls[1].errnoRet == 1u);
    REQUIRE(s.syscalls[1].args.size() == 2);
    CHECK(s.syscalls[1].args[0].index == 0);
    CHECK(s.syscalls[1].args[0].value == 8);
    CHECK(s.syscalls[1].args[0].op == "SCMP_CMP_EQ");
    CHECK_FALSE(s.syscalls[1].args[0].valueTwo);
    CHECK(s.syscalls[1].args[1].index == 1);
    CHECK(s.syscalls[1].args[1].value == 255);
    CHECK(s.syscalls[1].args[1].valueTwo == 4u);
    CHECK(s.syscalls[1].args[1].op == "SCMP_CMP_MASKED_EQ");
    CHECK(s.syscalls[2].action == "SCMP_ACT_NOTIFY");

    CHECK(l.sysctl == std::map<std::string, std::string>{{"net.ipv4.ip_forward", "1"}, {"kernel.shm_rmid_forced", "1"}});
    CHECK(l.maskedPaths == Strings{"/proc/kcore", "/sys/firmware"});
    CHECK(l.readonlyPaths == Strings{"/proc/sys", "/proc/sysrq-trigger"});
    CHECK(l.mountLabel == "system_u:object_r:container_file_t:s0");
    REQUIRE(l.intelRdt);
    CHECK(l.intelRdt->closID == "guaranteed_group");
    CHECK(l.intelRdt->l3CacheSchema == "L3:0=7f0;1=1f");
    CHECK(l.intelRdt->memBwSchema == "MB:0=20;1=70");
    CHECK(l.intelRdt->enableCMT == true);
    CHECK(l.intelRdt->enableMBM == false);
    REQUIRE(l.personality);
    CHECK(l.personality->domain == "LINUX32");
    CHECK(l.personality->flags.empty());
}

TEST_CASE("spec model: absent optional fields stay unset, defaults as the spec gives them") {
    TempBundle bundle;
    Config c = load_valid("minimal.json", bundle);
    CHECK(c.ociVersion == "1.2.0");
    CHECK_FALSE(c.root.readonly);
    CHECK_FALSE(c.process);
    CHECK_FALSE(c.hostname);
    CHECK_FALSE(c.linux_);
    CHECK(c.mounts.empty());
    CHECK(c.hooks.prestart.empty());

    TempBundle busybox;
    Config b = load_valid("busybox.json", busybox);
    REQUIRE(b.process);
    CHECK_FALSE(b.process->terminal);
    CHECK_FALSE(b.process->oomScoreAdj);
    CHECK_FALSE(b.process->user.umask);
    CHECK_FALSE(b.process->capabilities->inheritable);
    CHECK_FALSE(b.process->capabilities->ambient);
    REQUIRE(b.linux_);
    CHECK_FALSE(b.linux_->seccomp);
    CHECK_FALSE(b.linux_->resources->memory);
    REQUIRE(b.linux_->resources->devices.size() == 1);
    CHECK_FALSE(b.linux_->resources->devices[0].allow);
}

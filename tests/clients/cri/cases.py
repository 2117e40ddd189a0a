"""The CRI cases: what the kubelet asks of containerd for a pod, checked from inside the containers, from
the kernel's files on the host and from containerd's own answers. Each case runs once per runtime handler
with the same expectations.
"""
import json
import os
import subprocess
import time

import grpc

import containerd_cri
from containerd_cri import alive, cgroup_mounts, mounts_under


class Skip(Exception):
    """A host lack: the case prints "skipped: <reason>"."""


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def eventually(predicate, timeout=10, step=0.05):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > end:
            return value
        time.sleep(step)


CAP_CHOWN, CAP_NET_RAW, CAP_SYS_TIME = 0, 13, 25

# The kubelet sends these for every unprivileged container (procMount Default); containerd 1.6 masks and
# makes read-only only what the request lists.
KUBELET_MASKED_PATHS = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                        "/sys/firmware", "/sys/devices/virtual/powercap"]
KUBELET_READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]


def cap_set(status_text, field):
    for line in status_text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1], 16)
    raise AssertionError("no %s in /proc/self/status" % field)


def status_field(status_text, field):
    for line in status_text.splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no %s in /proc/self/status" % field)


class Pod:
    """One pod sandbox on a handler; removing it (with its containers) on exit is the kubelet's order:
    stop every container, StopPodSandbox, RemovePodSandbox."""

    def __init__(self, env, handler, name, host_network=False, pid_mode=None, privileged=False):
        self.env, self.cri, self.pb = env, env.cri, env.cri.pb
        pb = self.pb
        env.serial += 1
        self.name = "%s-%d" % (name, env.serial)
        self.host_network = host_network
        namespaces = pb.NamespaceOption(network=pb.NODE if host_network else pb.POD,
                                        pid=pb.CONTAINER if pid_mode is None else pid_mode, ipc=pb.POD)
        self.namespaces = namespaces
        self.log_dir = os.path.join(env.ctd.work, "pod-logs", self.name)
        os.makedirs(self.log_dir)
        self.config = pb.PodSandboxConfig(
            metadata=pb.PodSandboxMetadata(name=self.name, uid="uid-" + self.name, namespace="ocirt-cri"),
            # The kubelet names no hostname for a host-network pod: it keeps the node's (and runc refuses a
            # hostname without a private UTS namespace).
            hostname="" if host_network else self.name,
            log_directory=self.log_dir,
            linux=pb.LinuxPodSandboxConfig(
                cgroup_parent=env.ctd.pod_cgroup_parent(self.name),
                # containerd allows a privileged container only in a privileged sandbox.
                security_context=pb.LinuxSandboxSecurityContext(namespace_options=namespaces,
                                                                privileged=privileged)))
        self.handler = handler
        self.id = None
        self.containers = []

    def __enter__(self):
        self.id = self.cri.run_pod(self.config, self.handler)
        return self

    def __exit__(self, *exc):
        if self.id is None:
            return
        for cid in self.containers:
            try:
                self.cri.call("StopContainer", container_id=cid, timeout=0)
            except grpc.RpcError:
                pass
        self.cri.call("StopPodSandbox", pod_sandbox_id=self.id)
        self.cri.call("RemovePodSandbox", pod_sandbox_id=self.id)

    def info(self):
        reply = self.cri.call("PodSandboxStatus", pod_sandbox_id=self.id, verbose=True)
        return reply.status, json.loads(reply.info["info"])

    def container(self, name, command, start=True, security=None, resources=None, mounts=(), log=True):
        pb = self.pb
        security = security or pb.LinuxContainerSecurityContext()
        if not security.privileged:
            security.masked_paths.extend(KUBELET_MASKED_PATHS)
            security.readonly_paths.extend(KUBELET_READONLY_PATHS)
        # The kubelet repeats the pod's namespace modes in every container's security context.
        security.namespace_options.CopyFrom(self.namespaces)
        config = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=containerd_cri.IMAGE),
            command=command, mounts=list(mounts), log_path=(name + ".log") if log else "",
            linux=pb.LinuxContainerConfig(security_context=security, resources=resources))
        cid = self.cri.create(self.id, config, self.config)
        self.containers.append(cid)
        if start:
            self.cri.start(cid)
        return cid

    def container_info(self, cid):
        reply = self.cri.status(cid, verbose=True)
        return reply.status, json.loads(reply.info["info"])

    def pid_of(self, cid):
        return self.container_info(cid)[1]["pid"]


def sleeper(marker="1000"):
    """A container command that stays up; PID 1 of its own PID namespace ignores SIGTERM, so it exits on a
    trap instead (StopContainer would otherwise wait for its timeout)."""
    return ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep %s & wait" % marker]


def ns_of(pid, kind):
    return os.readlink("/proc/%d/ns/%s" % (pid, kind))


def host_cgroup_dirs(pid):
    """The directories of pid's cgroups, one per mounted hierarchy: /proc/PID/cgroup names each hierarchy by
    its controllers ("cpu", "name=systemd", "" for cgroup v2), /proc/self/mountinfo gives where it is."""
    paths = {}
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            paths[frozenset(controllers.split(",")) if controllers else frozenset()] = path
    dirs = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            tail = fields[fields.index("-") + 1:]
            if tail[0] == "cgroup2":
                key = frozenset()
            elif tail[0] == "cgroup":
                key = frozenset(tail[2].split(",")) & frozenset().union(*paths)
            else:
                continue
            if key in paths and fields[3] == "/":
                dirs.append(fields[4] + paths[key])
    return dirs


# ---------------------------------------------------------------------------------------------- case 1 --

def lifecycle(env, handler):
    """RunPodSandbox -> Create/Start -> ContainerStatus -> logs -> Stop/Remove -> StopPodSandbox ->
    RemovePodSandbox, for a host-network pod and a pod whose network namespace has loopback only, and
    nothing left behind: processes, cgroups, mounts, the runtime's and containerd's state."""
    pb, ctd = env.cri.pb, env.ctd
    for host_network in (True, False):
        pod = Pod(env, handler, "life", host_network=host_network)
        with pod:
            status, info = pod.info()
            check(status.state == pb.SANDBOX_READY, "sandbox not ready: %s" % status)
            check(status.runtime_handler == handler, "runtime_handler %r" % status.runtime_handler)
            sandbox_pid = info["pid"]
            check(alive(sandbox_pid), "sandbox process %d not running" % sandbox_pid)
            cid = pod.container("app", ["/bin/sh", "-c",
                                        "echo out-line; echo err-line >&2; "
                                        "trap 'echo got-term; exit 3' TERM; sleep 1000 & wait"])
            cstatus, cinfo = pod.container_info(cid)
            check(cstatus.state == pb.CONTAINER_RUNNING, "state %s" % cstatus.state)
            check(cstatus.started_at > 0, "no started_at")
            pid = cinfo["pid"]
            # The handler's runtime runs it: the shim's binary, and the runtime's state under its --root.
            check(cinfo["runtimeOptions"].get("binary_name") == ctd.handlers[handler],
                  "runtime options %s" % cinfo["runtimeOptions"])
            check(os.path.isdir(os.path.join(ctd.runtime_root(handler), cid)), "no runtime state for the container")
            cgroups = host_cgroup_dirs(pid)
            check(any(cid in d for d in cgroups), "container cgroup not named after it: %s" % cgroups)
            # Network: the host's own namespace, or one that has lo and nothing else.
            if host_network:
                check(ns_of(pid, "net") == os.readlink("/proc/self/ns/net"), "not the host network")
            else:
                check(ns_of(pid, "net") != os.readlink("/proc/self/ns/net"), "host network in a pod")
                code, out, _ = env.cri.exec_sync(cid, ["/bin/sh", "-c", "ls /sys/class/net; cat /proc/net/dev"])
                check(code == 0 and out.split("\n")[0] == "lo", "interfaces: %r" % out)
                check(status.network.ip == "127.0.0.1", "pod ip %r" % status.network.ip)
            # The CRI log: "<RFC 3339 time> <stream> <F|P> <line>" per line, at the path asked for.
            log_path = os.path.join(pod.log_dir, "app.log")
            check(cstatus.log_path == log_path, "log_path %r" % cstatus.log_path)

            def log_lines():
                try:
                    with open(log_path) as f:
                        return [line.split(" ", 1)[1].rstrip("\n") for line in f]
                except FileNotFoundError:
                    return []
            check(eventually(lambda: {"stdout F out-line", "stderr F err-line"} <= set(log_lines())),
                  "log: %r" % log_lines())
            env.cri.call("StopContainer", container_id=cid, timeout=10)
            cstatus, _ = pod.container_info(cid)
            check(cstatus.state == pb.CONTAINER_EXITED and cstatus.exit_code == 3 and cstatus.reason == "Error"
                  and cstatus.finished_at >= cstatus.started_at,
                  "after stop: state %s exit %d reason %r" % (cstatus.state, cstatus.exit_code, cstatus.reason))
            check(eventually(lambda: "stdout F got-term" in log_lines()), "no got-term: %r" % log_lines())
            check(not alive(pid), "container process %d still running" % pid)
            env.cri.call("RemoveContainer", container_id=cid)
            pod.containers.remove(cid)
        # After RemovePodSandbox.
        ids = (pod.id, cid)
        check(eventually(lambda: not alive(sandbox_pid)), "sandbox process %d left" % sandbox_pid)
        check(eventually(lambda: not [p for p in ctd.shims() if pod.id in open(
            "/proc/%d/cmdline" % p, "rb").read().decode(errors="replace")]), "shim left")
        left_cgroups = [d for d in cgroups if os.path.exists(d)]
        left_cgroups += [d.replace(cid, pod.id) for d in cgroups if os.path.exists(d.replace(cid, pod.id))]
        check(not left_cgroups, "cgroups left: %s" % left_cgroups)
        left_mounts = [m for m in mounts_under("/") if any(i in m for i in ids)]
        check(not left_mounts, "mounts left: %s" % left_mounts)
        state_dirs = [os.path.join(ctd.runtime_root(handler), i) for i in ids]
        state_dirs += [os.path.join(ctd.work, "state", "io.containerd.runtime.v2.task", "k8s.io", i) for i in ids]
        state_dirs += [os.path.join(ctd.work, "state", "io.containerd.grpc.v1.cri", "sandboxes", pod.id),
                       os.path.join(ctd.work, "state", "io.containerd.grpc.v1.cri", "containers", cid),
                       os.path.join(ctd.work, "root", "io.containerd.grpc.v1.cri", "sandboxes", pod.id),
                       os.path.join(ctd.work, "root", "io.containerd.grpc.v1.cri", "containers", cid)]
        left_state = [d for d in state_dirs if os.path.exists(d)]
        check(not left_state, "state left: %s" % left_state)


# ---------------------------------------------------------------------------------------------- case 2 --

def shared_namespaces(env, handler):
    """Two containers of one pod join the sandbox's network, IPC and UTS namespaces through the paths
    containerd writes into their specs, and with the pod's PID namespace (NamespaceMode POD) see each
    other's processes."""
    pb = env.cri.pb
    with Pod(env, handler, "share", pid_mode=pb.POD) as pod:
        _, info = pod.info()
        sandbox_pid = info["pid"]
        first = pod.container("first", sleeper("1001"))
        second = pod.container("second", sleeper("1002"))
        for cid in (first, second):
            _, cinfo = pod.container_info(cid)
            spec_ns = {n["type"]: n.get("path", "") for n in cinfo["runtimeSpec"]["linux"]["namespaces"]}
            for kind, proc_name in (("network", "net"), ("ipc", "ipc"), ("uts", "uts"), ("pid", "pid")):
                check(spec_ns.get(kind), "%s namespace not joined by path: %s" % (kind, spec_ns))
                check(ns_of(cinfo["pid"], proc_name) == ns_of(sandbox_pid, proc_name),
                      "%s namespace differs from the sandbox's" % proc_name)
        for cid, other in ((first, "sleep 1002"), (second, "sleep 1001")):
            code, out, err = env.cri.exec_sync(cid, ["/bin/ps", "-o", "pid,args"])
            check(code == 0, "ps: %s" % err)
            check(other in out, "%s does not see %r:\n%s" % (cid[:12], other, out))
            check("sleep 2147483647" in out, "the sandbox's process is not visible:\n%s" % out)
        # IPC: a SysV segment made in one is seen by the other (busybox has ipcs; the segment is made by
        # the shell through /dev/shm instead, which is the pod's shared tmpfs).
        code, _, err = env.cri.exec_sync(first, ["/bin/sh", "-c", "echo shared > /dev/shm/marker"])
        check(code == 0, err)
        code, out, _ = env.cri.exec_sync(second, ["/bin/cat", "/dev/shm/marker"])
        check(code == 0 and out == "shared\n", "/dev/shm not shared: %r" % out)
        code, out, _ = env.cri.exec_sync(second, ["/bin/hostname"])
        check(out.strip() == pod.name, "hostname %r" % out)
        # Stopping one container of a shared-PID pod ends every process of its cgroup, not only its first
        # (the shim asks the runtime to kill them all: the container has no PID namespace of its own).
        code, _, err = env.cri.exec_sync(first, ["/bin/sh", "-c", "sleep 1003 >/dev/null 2>&1 &"])
        check(code == 0, err)
        code, out, _ = env.cri.exec_sync(second, ["/bin/ps", "-o", "args"])
        check("sleep 1003" in out, "the exec'd process is not running:\n%s" % out)
        env.cri.call("StopContainer", container_id=first, timeout=10)
        check(env.cri.status(first).status.state == pb.CONTAINER_EXITED, "first did not stop")
        # Its shell exits on SIGTERM at once; the shim then runs "kill --all" on the stopped container, which
        # must end the rest of its cgroup (its own sleep and the exec'd one), not leave them to RemoveContainer.

        def gone():
            out = env.cri.exec_sync(second, ["/bin/ps", "-o", "args"])[1]
            return "sleep 1003" not in out and "sleep 1001" not in out
        check(eventually(gone, timeout=5, step=0.2), "a process of the stopped container is left in the pod")


# ---------------------------------------------------------------------------------------------- case 3 --

def security_context(env, handler):
    """runAsUser/runAsGroup/supplementalGroups, readOnlyRootFilesystem, capabilities add/drop, the masked
    paths of an unprivileged container, seccomp RuntimeDefault and Unconfined, noNewPrivs."""
    pb = env.cri.pb
    with Pod(env, handler, "sec", host_network=True) as pod:
        user = pb.LinuxContainerSecurityContext(
            run_as_user=pb.Int64Value(value=1000), run_as_group=pb.Int64Value(value=2000),
            supplemental_groups=[3000, 3001], readonly_rootfs=True, no_new_privs=True,
            capabilities=pb.Capability(add_capabilities=["SYS_TIME"], drop_capabilities=["CHOWN", "NET_RAW"]),
            seccomp=pb.SecurityProfile(profile_type=pb.SecurityProfile.RuntimeDefault))
        confined = pod.container("confined", sleeper(), security=user)
        code, out, err = env.cri.exec_sync(confined, ["/bin/sh", "-c", "id -u; id -g; id -G; cat /proc/self/status"])
        check(code == 0, err)
        uid, gid, groups, status = out.split("\n", 3)
        check((uid, gid) == ("1000", "2000"), "uid/gid %s/%s" % (uid, gid))
        check({"2000", "3000", "3001"} <= set(groups.split()), "groups %r" % groups)
        bounding = cap_set(status, "CapBnd")
        check(bounding & (1 << CAP_SYS_TIME), "SYS_TIME not added: CapBnd %x" % bounding)
        check(not bounding & (1 << CAP_CHOWN | 1 << CAP_NET_RAW), "CHOWN/NET_RAW not dropped: %x" % bounding)
        check(status_field(status, "NoNewPrivs") == "1", "NoNewPrivs not set")
        check(status_field(status, "Seccomp") == "2", "no seccomp filter")
        code, _, err = env.cri.exec_sync(confined, ["/bin/touch", "/written"])
        check(code != 0 and "Read-only file system" in err, "rootfs writable: %d %r" % (code, err))
        # Masked paths (privileged=false): each one containerd lists that exists is a mount point inside
        # (/dev/null or an empty read-only tmpfs bound over it) and reads empty, unless AppArmor's profile for
        # the container (containerd's default where AppArmor is on) denies reading it at all; the read-only
        # ones are mounted read-only.
        spec = pod.container_info(confined)[1]["runtimeSpec"]["linux"]
        masked = [p for p in spec.get("maskedPaths", []) if os.path.exists(p)]
        readonly = [p for p in spec.get("readonlyPaths", []) if os.path.exists(p)]
        check(masked and readonly, "no masked/readonly paths in the spec: %s %s" % (
            spec.get("maskedPaths"), spec.get("readonlyPaths")))
        code, out, err = env.cri.exec_sync(confined, ["/bin/sh", "-c",
                                                      "for p in \"$@\"; do m=$(awk -v p=$p '$5 == p' /proc/self/mountinfo | wc -l); "
                                                      "if [ -d $p ]; then n=$(ls -A $p | wc -l); "
                                                      "else n=$(wc -c < $p 2>/dev/null || echo denied); fi; echo $p $m $n; done",
                                                      "-"] + masked)
        seen = [line.split() for line in out.splitlines()]
        check(code == 0 and [p for p, _, _ in seen] == masked and
              all(mounts != "0" and size in ("0", "denied") for _, mounts, size in seen),
              "masked paths (path, mounts there, size): %r %r" % (out, err))
        code, out, err = env.cri.exec_sync(confined, ["/bin/cat", "/proc/self/mountinfo"])
        options = {line.split()[4]: line.split()[5].split(",") for line in out.splitlines()}
        check(all("ro" in options.get(p, []) for p in readonly),
              "read-only paths: %s" % {p: options.get(p) for p in readonly})
        # containerd's default profile allows unshare only with CAP_SYS_ADMIN: an unprivileged user namespace
        # (which the kernel itself allows here) is refused with EPERM under RuntimeDefault, not Unconfined.
        code, _, err = env.cri.exec_sync(confined, ["/bin/unshare", "-U", "/bin/true"])
        check(code != 0 and "Operation not permitted" in err, "unshare under RuntimeDefault: %d %r" % (code, err))

        free = pb.LinuxContainerSecurityContext(
            run_as_user=pb.Int64Value(value=1000), no_new_privs=False,
            seccomp=pb.SecurityProfile(profile_type=pb.SecurityProfile.Unconfined))
        unconfined = pod.container("unconfined", sleeper(), security=free)
        code, out, err = env.cri.exec_sync(unconfined, ["/bin/cat", "/proc/self/status"])
        check(status_field(out, "Seccomp") == "0", "seccomp filter under Unconfined")
        check(status_field(out, "NoNewPrivs") == "0", "NoNewPrivs set without being asked")
        code, _, err = env.cri.exec_sync(unconfined, ["/bin/unshare", "-U", "/bin/true"])
        if code != 0 and "Operation not permitted" in err and \
                open("/proc/sys/user/max_user_namespaces").read().strip() == "0":
            raise Skip("unprivileged user namespaces are disabled on this host")
        check(code == 0, "unshare -U under Unconfined: %d %r" % (code, err))

        # Root with CHOWN dropped: chown fails; SYS_TIME added shows in the effective set.
        root = pb.LinuxContainerSecurityContext(
            capabilities=pb.Capability(add_capabilities=["SYS_TIME"], drop_capabilities=["CHOWN"]))
        rootc = pod.container("root", sleeper(), security=root)
        code, out, err = env.cri.exec_sync(rootc, ["/bin/sh", "-c", "grep CapEff /proc/self/status; "
                                                   "touch /f && chown 5 /f"])
        effective = int(out.split()[1], 16)
        check(effective & (1 << CAP_SYS_TIME) and not effective & (1 << CAP_CHOWN), "CapEff %x" % effective)
        check(code != 0 and "Operation not permitted" in err, "chown without CAP_CHOWN: %d %r" % (code, err))


# ---------------------------------------------------------------------------------------------- case 4 --

def mount_propagation(env, handler):
    """hostPath mounts with propagation None, HostToContainer (rslave) and Bidirectional (rshared): a mount
    made on the host after the start shows inside for the latter two and not for None; one made inside the
    Bidirectional container shows on the host."""
    pb = env.cri.pb
    host = os.path.join(env.ctd.work, "prop-%s" % handler)
    os.makedirs(host)
    # The kubelet's hostPath volumes live on a shared mount; containerd checks that (rshared for
    # Bidirectional, rshared or rslave for HostToContainer).
    subprocess.run(["mount", "--bind", host, host], check=True)
    made = [host]
    try:
        subprocess.run(["mount", "--make-shared", host], check=True)
        with Pod(env, handler, "prop", host_network=True, privileged=True) as pod:
            ids = {}
            for name, mode in (("none", pb.PROPAGATION_PRIVATE), ("slave", pb.PROPAGATION_HOST_TO_CONTAINER),
                               ("shared", pb.PROPAGATION_BIDIRECTIONAL)):
                os.makedirs(os.path.join(host, name))
                security = pb.LinuxContainerSecurityContext(privileged=(name == "shared"))
                ids[name] = pod.container(name, sleeper(), security=security, mounts=[
                    pb.Mount(container_path="/h", host_path=host, propagation=mode)])
            for name, want in (("none", "private"), ("slave", "rslave"), ("shared", "rshared")):
                _, cinfo = pod.container_info(ids[name])
                spec = cinfo["runtimeSpec"]
                options = [m.get("options", []) for m in spec["mounts"] if m["destination"] == "/h"][0]
                check(want in options or (want == "private" and "rprivate" in options),
                      "%s: mount options %s" % (name, options))
                # containerd makes the rootfs propagation follow (ocirt once refused rslave here).
                if name != "none":
                    check(spec["linux"].get("rootfsPropagation") == want,
                          "%s: rootfsPropagation %r" % (name, spec["linux"].get("rootfsPropagation")))
            for name in ids:
                subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "late", os.path.join(host, name)],
                               check=True)
                made.insert(0, os.path.join(host, name))
                with open(os.path.join(host, name, "marker"), "w") as f:
                    f.write("from-host\n")
            for name, visible in (("none", False), ("slave", True), ("shared", True)):
                code, out, _ = env.cri.exec_sync(ids[name], ["/bin/cat", "/h/%s/marker" % name])
                check((code == 0 and out == "from-host\n") == visible,
                      "%s: host mount %s inside (%d %r)" % (name, "not seen" if visible else "seen", code, out))
            code, _, err = env.cri.exec_sync(ids["shared"], ["/bin/sh", "-c",
                                                            "mkdir /h/from-c && mount -t tmpfs -o size=1m c /h/from-c"])
            check(code == 0, "mount inside: %r" % err)
            inside = os.path.join(host, "from-c")
            seen = eventually(lambda: inside in mounts_under(inside), timeout=3)
            if seen:
                made.insert(0, inside)
            check(seen, "a mount made in the Bidirectional container is not on the host")
    finally:
        for point in made:
            subprocess.run(["umount", point], capture_output=True)


# ---------------------------------------------------------------------------------------------- case 5 --

def read_limits(env, cid):
    """CPU quota/period, shares and the memory limit from the container's own cgroup, read inside it."""
    script = ("if [ -f /sys/fs/cgroup/cgroup.controllers ]; then "
              "echo v2; cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/cpu.weight /sys/fs/cgroup/memory.max; else "
              "echo v1; c=$(ls -d /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup/cpu 2>/dev/null | head -n1); "
              "cat $c/cpu.cfs_quota_us $c/cpu.cfs_period_us $c/cpu.shares "
              "/sys/fs/cgroup/memory/memory.limit_in_bytes; fi")
    code, out, err = env.cri.exec_sync(cid, ["/bin/sh", "-c", script])
    check(code == 0, "reading the cgroup: %r" % err)
    words = out.split()
    if words[0] == "v2":  # cpu.max "quota period", weight converted from shares, memory.max
        return {"quota": int(words[1]), "period": int(words[2]), "memory": int(words[4])}
    return {"quota": int(words[1]), "period": int(words[2]), "shares": int(words[3]), "memory": int(words[4])}


def resources(env, handler):
    """CPU and memory limits read back from the container's cgroup, UpdateContainerResources, ContainerStats
    and ListContainerStats, and an OOM kill reported as OOMKilled."""
    pb = env.cri.pb
    mib = 1024 * 1024
    with Pod(env, handler, "res", host_network=True) as pod:
        limits = pb.LinuxContainerResources(cpu_period=100000, cpu_quota=50000, cpu_shares=512,
                                            memory_limit_in_bytes=64 * mib)
        # Some CPU work first, so that the stats have something to count.
        cid = pod.container("limited", ["/bin/sh", "-c", "i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; "
                                        "trap 'exit 0' TERM; sleep 1000 & wait"], resources=limits)
        got = read_limits(env, cid)
        check(got["quota"] == 50000 and got["period"] == 100000 and got["memory"] == 64 * mib, "limits %s" % got)
        check(got.get("shares", 512) == 512, "cpu.shares %s" % got)
        env.cri.call("UpdateContainerResources", container_id=cid, linux=pb.LinuxContainerResources(
            cpu_period=100000, cpu_quota=25000, cpu_shares=256, memory_limit_in_bytes=128 * mib))
        got = read_limits(env, cid)
        check(got["quota"] == 25000 and got["memory"] == 128 * mib, "after update: %s" % got)
        check(got.get("shares", 256) == 256, "cpu.shares after update %s" % got)

        def counted():
            stats = env.cri.call("ContainerStats", container_id=cid).stats
            return stats if stats.cpu.usage_core_nano_seconds.value > 0 and \
                stats.memory.working_set_bytes.value > 0 else None
        stats = eventually(counted, timeout=5, step=0.2)
        check(stats, "ContainerStats: %s" % env.cri.call("ContainerStats", container_id=cid).stats)
        listed = env.cri.call("ListContainerStats", filter=pb.ContainerStatsFilter(pod_sandbox_id=pod.id)).stats
        mine = [s for s in listed if s.attributes.id == cid]
        check(mine and mine[0].cpu.usage_core_nano_seconds.value > 0 and mine[0].memory.working_set_bytes.value > 0,
              "ListContainerStats: %s" % listed)

        # 16 MiB and a shell that keeps growing a string: the kernel's OOM killer, reported as OOMKilled.
        # containerd's shim starts watching the cgroup's OOM events only once StartContainer has returned, and
        # an OOM kill before that is reported as a plain exit (seen with runc and ocirt alike in a slow guest):
        # the shell waits a moment first.
        oom = pod.container("oom", ["/bin/sh", "-c", "sleep 2; x=0123456789abcdef; while true; do x=$x$x; done"],
                            resources=pb.LinuxContainerResources(memory_limit_in_bytes=16 * mib))
        status = eventually(lambda: (lambda s: s if s.state == pb.CONTAINER_EXITED else None)(
            env.cri.status(oom).status), timeout=30, step=0.2)
        check(status, "the OOM container did not exit")
        if not env.ctd.systemd:
            check(status.reason == "OOMKilled" and status.exit_code == 137,
                  "reason %r exit %d" % (status.reason, status.exit_code))
            return
        # With the systemd driver the container's cgroup is a scope, which systemd removes as soon as its last
        # process is gone; containerd 1.6's shim reads the OOM kill from that scope's memory.events, so it
        # reports OOMKilled only when it reads before systemd removes it (measured here: runc and ocirt alike
        # get "Error" in most runs; containerd's own CRI tests skip the OOMKilled case for systemd cgroups,
        # containerd PR 12714). The kernel's count in the pod's slice, which outlives the scope, is read instead.
        check(status.exit_code == 137, "reason %r exit %d" % (status.reason, status.exit_code))
        slice_dirs = [os.path.join(d, env.ctd.pod_cgroup_parent(pod.name))
                      for d, _, _ in os.walk("/sys/fs/cgroup")
                      if os.path.isdir(os.path.join(d, env.ctd.pod_cgroup_parent(pod.name)))]
        check(len(slice_dirs) == 1, "the pod's slice: %s" % slice_dirs)
        with open(os.path.join(slice_dirs[0], "memory.events")) as f:
            events = dict(line.split() for line in f)
        check(int(events.get("oom_kill", 0)) > 0, "%s/memory.events: %s (reason %r)" % (
            slice_dirs[0], events, status.reason))


# ---------------------------------------------------------------------------------------------- case 6 --

def exec_sync_and_stream(env, handler):
    """ExecSync's exit code and output; Exec through the streaming server (127.0.0.1) with a WebSocket
    client of its channel protocol."""
    pb = env.cri.pb
    with Pod(env, handler, "exec") as pod:
        cid = pod.container("target", sleeper())
        code, out, err = env.cri.exec_sync(cid, ["/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 7"])
        check((code, out, err) == (7, "to-out\n", "to-err\n"), "ExecSync: %r" % ((code, out, err),))
        code, out, _ = env.cri.exec_sync(cid, ["/bin/sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '"])
        check(code == 0 and out.startswith("/bin/sh -c trap"), "exec not in the container: %r" % out)
        # A timeout: containerd kills the process and answers with an error.
        start = time.monotonic()
        try:
            env.cri.exec_sync(cid, ["/bin/sleep", "30"], timeout=1)
            check(False, "ExecSync with timeout 1 s did not fail")
        except grpc.RpcError as e:
            check(time.monotonic() - start < 10, "timeout took %.1f s" % (time.monotonic() - start))
            check("timeout" in (e.details() or "").lower(), "ExecSync timeout error: %s" % e.details())

        url = env.cri.call("Exec", container_id=cid, cmd=["/bin/sh", "-c", "echo streamed; echo err >&2; exit 3"],
                           stdout=True, stderr=True).url
        check(url.startswith("http://127.0.0.1:"), "stream url %r" % url)
        out, err, status = env.cri.stream_exec(url)
        check(out == "streamed\n" and err == "err\n", "streamed output %r %r" % (out, err))
        check(status.get("status") == "Failure" and
              [c.get("message") for c in status.get("details", {}).get("causes", []) if c.get("reason") == "ExitCode"]
              == ["3"], "streamed exit status %s" % status)


CASES = [
    ("lifecycle", lifecycle),
    ("shared namespaces", shared_namespaces),
    ("security context", security_context),
    ("mount propagation", mount_propagation),
    ("resources", resources),
    ("exec", exec_sync_and_stream),
]

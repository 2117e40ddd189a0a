"""A private containerd (Debian's 1.6) with its CRI plugin and one runtime handler per runtime binary.

Everything it writes lives under one work directory: root, state, sockets, the runtimes' --root, the
pods' network namespaces, logs and the CNI config. What cannot live there (the shims' sockets under
/run/containerd/s, the cgroups under the pods' cgroup parent) is removed by stop().
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SANDBOX_IMAGE = "localhost/ocirt-cri-pause:latest"
IMAGE = "localhost/ocirt-cri-busybox:latest"
NAMESPACE = "k8s.io"  # the CRI plugin's containerd namespace


def free_port():
    """A loopback port nobody listens on now (the streaming server needs a fixed one: containerd puts the
    configured port into the URLs it hands out, so port 0 cannot be used)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cgroup_mounts():
    """Mount points of every cgroup hierarchy (v1 controllers and the v2 one)."""
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            fstype = fields[fields.index("-") + 1]
            if fstype in ("cgroup", "cgroup2"):
                points.append(fields[4])
    return points


def mounts_under(prefix):
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f if line.split()[4].startswith(prefix)]


def alive(pid):
    """True while pid exists and is not a zombie (PID 1 here reaps orphans late)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


class Containerd:
    def __init__(self, work, handlers, cgroup_driver="cgroupfs"):
        """handlers: {name: runtime binary}; cgroup_driver: "cgroupfs" or "systemd" (SystemdCgroup)."""
        self.work = work
        self.handlers = handlers
        self.systemd = cgroup_driver == "systemd"
        self.socket = os.path.join(work, "containerd.sock")
        self.log = os.path.join(work, "containerd.log")
        self.stream_port = free_port()
        self.pid = None
        # The shims put their sockets in /run/containerd/s whatever the state dir; made by us, removed by us.
        self.shim_dirs = [d for d in ("/run/containerd", "/run/containerd/s") if not os.path.exists(d)]
        # The pods' cgroup parent: a path of our own under every hierarchy (cgroupfs), or a slice of our own
        # (systemd, where the parent must be a slice name and the runtime asks systemd for a scope).
        tag = "ocirtcri%d" % os.getpid()
        self.cgroup_parent = ("%s.slice" % tag) if self.systemd else "/" + tag

    def pod_cgroup_parent(self, pod_name):
        if self.systemd:
            return "%s-%s.slice" % (self.cgroup_parent[:-len(".slice")], pod_name.replace("-", "_"))
        return "%s/%s" % (self.cgroup_parent, pod_name)

    def runtime_root(self, handler):
        """The --root the shim passes to this handler's runtime (options.Root + the namespace)."""
        return os.path.join(self.work, "runtime-root", handler, NAMESPACE)

    def config_text(self):
        w = self.work
        lines = [
            "version = 2",
            'root = "%s/root"' % w,
            'state = "%s/state"' % w,
            "[grpc]",
            '  address = "%s"' % self.socket,
            "[ttrpc]",
            '  address = "%s.ttrpc"' % self.socket,
            '[plugins."io.containerd.internal.v1.opt"]',
            '  path = "%s/opt"' % w,
            '[plugins."io.containerd.grpc.v1.cri"]',
            '  sandbox_image = "%s"' % SANDBOX_IMAGE,
            # It would give the sandbox oom_score_adj -998, which needs CAP_SYS_RESOURCE (not in this host's
            # bounding set); restricted, it keeps the daemon's own value as the floor.
            "  restrict_oom_score_adj = true",
            # The pods' network namespaces under our state dir, not /var/run/netns.
            "  netns_mounts_under_state_dir = true",
            '  stream_server_address = "127.0.0.1"',
            '  stream_server_port = "%d"' % self.stream_port,
            '[plugins."io.containerd.grpc.v1.cri".cni]',
            '  bin_dir = "%s/cni/bin"' % w,
            '  conf_dir = "%s/cni/conf"' % w,
            '[plugins."io.containerd.grpc.v1.cri".containerd]',
            '  snapshotter = "overlayfs"',
            '  default_runtime_name = "%s"' % next(iter(self.handlers)),
        ]
        for name, binary in self.handlers.items():
            section = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%s' % name
            lines += [
                section + "]",
                '  runtime_type = "io.containerd.runc.v2"',
                section + ".options]",
                '  BinaryName = "%s"' % binary,
                '  Root = "%s"' % os.path.dirname(self.runtime_root(name)),
                "  SystemdCgroup = %s" % ("true" if self.systemd else "false"),
            ]
        return "\n".join(lines) + "\n"

    def write_cni_config(self):
        """No CNI network is available here, so a pod that is not on the host network gets a namespace with
        loopback only. containerd brings lo up with Debian's loopback plugin (containernetworking-plugins)
        by itself; without a network config it refuses every such pod ("cni plugin not initialized"), and a
        config with the loopback plugin alone fails too ("failed to find network info": it wants an address
        on eth0). The config names cni-pod-address, which makes no interface and reports 127.0.0.1."""
        bin_dir = os.path.join(self.work, "cni", "bin")
        os.makedirs(bin_dir)
        os.makedirs(os.path.join(self.work, "cni", "conf"))
        os.symlink("/usr/lib/cni/loopback", os.path.join(bin_dir, "loopback"))
        os.symlink(os.path.join(HERE, "cni-pod-address"), os.path.join(bin_dir, "cni-pod-address"))
        with open(os.path.join(self.work, "cni", "conf", "10-loopback-only.conflist"), "w") as f:
            json.dump({"cniVersion": "0.4.0", "name": "ocirt-cri-loopback-only",
                       "plugins": [{"type": "cni-pod-address"}]}, f)

    def make_images(self):
        """The busybox rootfs as two images: the pods' sandbox ("pause") runs sleep for ever, the other keeps
        the shell default; every container of the cases names its command."""
        made = []
        for name, cmd in ((SANDBOX_IMAGE, '["/bin/sleep","2147483647"]'), (IMAGE, '["/bin/sh"]')):
            tar = os.path.join(self.work, name.split("/")[1].split(":")[0] + ".tar")
            subprocess.run([os.path.join(REPO, "tools", "mkimage"), tar, name, cmd], check=True)
            made.append(tar)
        return made

    def ctr(self, *args):
        return subprocess.run(["ctr", "--address", self.socket, "-n", NAMESPACE] + list(args),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)

    def start(self):
        os.makedirs(self.work, exist_ok=True)
        self.write_cni_config()
        tars = self.make_images()
        config = os.path.join(self.work, "config.toml")
        with open(config, "w") as f:
            f.write(self.config_text())
        with open(self.log, "ab") as log:
            # Own session, stdin /dev/null, no inherited fds above 2: they would reach the shims and runtimes.
            proc = subprocess.Popen(["containerd", "--config", config], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, start_new_session=True, close_fds=True)
        self.pid = proc.pid
        self._proc = proc
        end = time.monotonic() + 20
        while not os.path.exists(self.socket):
            if proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("containerd did not start:\n" + self.read_log())
            time.sleep(0.05)
        for tar in tars:
            r = self.ctr("images", "import", tar)
            if r.returncode != 0:
                raise RuntimeError("ctr images import %s: %s" % (tar, r.stderr))

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def shims(self):
        """Live shim processes started by this containerd (they carry its socket as -address)."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    args = f.read().split(b"\0")
            except OSError:
                continue
            if args and os.path.basename(args[0]).startswith(b"containerd-shim") and \
                    self.socket.encode() in args:
                found.append(int(entry))
        return found

    def leftover_cgroups(self):
        """Our cgroup parent's directories still present, in any hierarchy: at each hierarchy's top, as
        cgroupfs makes "/ocirtcri<PID>" and systemd puts the dashless slice "ocirtcri<PID>.slice"."""
        name = os.path.basename(self.cgroup_parent)
        return [os.path.join(point, name) for point in cgroup_mounts() if os.path.isdir(os.path.join(point, name))]

    def stop(self):
        """Stops containerd by pid, then its leftover shims, and removes everything the instance made.
        Returns what had to be cleaned by force (a case should have left nothing)."""
        forced = []
        if self.pid and alive(self.pid):
            os.kill(self.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self._proc.wait()
        for pid in self.shims():
            forced.append("shim %d" % pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        end = time.monotonic() + 5
        while self.shims() and time.monotonic() < end:
            time.sleep(0.05)
        # Deepest first: overlay rootfs, netns and shm mounts left by a failed case.
        for point in sorted(mounts_under(self.work + "/"), key=len, reverse=True):
            forced.append("mount " + point)
            if subprocess.run(["umount", point], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", point], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)
        for d in reversed(self.shim_dirs):
            try:
                os.rmdir(d)
            except OSError:  # another containerd uses it now
                pass
        if self.systemd:
            # The runtimes asked systemd for the pods' slices; it keeps them (and their cgroups) until stopped.
            subprocess.run(["systemctl", "stop", self.cgroup_parent], capture_output=True)
        for path in sorted(self.leftover_cgroups(), key=len, reverse=True):
            for root, dirs, _ in os.walk(path, topdown=False):
                try:
                    os.rmdir(root)
                except OSError as e:
                    forced.append("cgroup %s: %s" % (root, e.strerror))
        return forced

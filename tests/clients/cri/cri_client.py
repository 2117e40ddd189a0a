"""A CRI client playing the kubelet's part: gRPC calls to containerd's CRI plugin over its unix socket.

The messages come from cri.proto (only the fields the cases use), compiled with grpc_tools.protoc into a
temporary directory when the client starts; nothing generated is kept in the tree.
"""
import base64
import importlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))


def compile_proto(out_dir):
    """Generates cri_pb2 / cri_pb2_grpc in out_dir and returns both modules."""
    subprocess.run(["/usr/bin/python3", "-m", "grpc_tools.protoc", "-I", HERE, "--python_out", out_dir,
                    "--grpc_python_out", out_dir, "cri.proto"], check=True)
    sys.path.insert(0, out_dir)
    try:
        return importlib.import_module("cri_pb2"), importlib.import_module("cri_pb2_grpc")
    finally:
        sys.path.remove(out_dir)


class Client:
    """One channel to the CRI socket; every call has a deadline so that a stuck runtime fails a case."""

    def __init__(self, socket_path):
        self._gen = tempfile.TemporaryDirectory(prefix="ocirt-cri-proto-")
        self.pb, grpc_mod = compile_proto(self._gen.name)
        self.channel = grpc.insecure_channel("unix://" + socket_path)
        self.runtime = grpc_mod.RuntimeServiceStub(self.channel)

    def close(self):
        self.channel.close()
        self._gen.cleanup()

    def call(self, name, deadline=60, **fields):
        request = getattr(self.pb, name + "Request")(**fields)
        began = time.monotonic()
        try:
            return getattr(self.runtime, name)(request, timeout=deadline)
        finally:
            if os.environ.get("OCIRT_CRI_TRACE"):
                print("  %s %.3f s" % (name, time.monotonic() - began), file=sys.stderr)

    def wait_ready(self, deadline_s=20):
        """Waits until the CRI plugin answers Status with RuntimeReady (NetworkReady needs a CNI config)."""
        end = time.monotonic() + deadline_s
        last = None
        while time.monotonic() < end:
            try:
                status = self.call("Status", deadline=2)
                conditions = {c.type: c for c in status.status.conditions}
                if conditions.get("RuntimeReady") and conditions["RuntimeReady"].status:
                    return conditions
                last = conditions
            except grpc.RpcError as e:
                last = e
            time.sleep(0.1)
        raise RuntimeError("CRI plugin not ready: %s" % (last,))

    # Shorthands for the calls the cases make most.
    def run_pod(self, config, handler):
        return self.call("RunPodSandbox", config=config, runtime_handler=handler).pod_sandbox_id

    def create(self, pod_id, config, pod_config):
        return self.call("CreateContainer", pod_sandbox_id=pod_id, config=config,
                         sandbox_config=pod_config).container_id

    def start(self, container_id):
        self.call("StartContainer", container_id=container_id)

    def status(self, container_id, verbose=False):
        return self.call("ContainerStatus", container_id=container_id, verbose=verbose)

    def exec_sync(self, container_id, cmd, timeout=20):
        reply = self.call("ExecSync", container_id=container_id, cmd=cmd, timeout=timeout, deadline=timeout + 10)
        return reply.exit_code, reply.stdout.decode(), reply.stderr.decode()

    def stream_exec(self, url, deadline=20):
        """Runs the exec that `url` (from Exec) stands for and returns (stdout, stderr, status): a WebSocket
        client of the kubelet streaming protocol "v4.channel.k8s.io" (RFC 6455 framing; each binary message
        starts with its channel: 1 stdout, 2 stderr, 3 the final status as a JSON Status object)."""
        parts = urllib.parse.urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=deadline) as sock:
            target = parts.path + ("?" + parts.query if parts.query else "")
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                          "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n" % (target, parts.netloc, key)).encode())
            reader = sock.makefile("rb")
            status_line = reader.readline().decode()
            if " 101 " not in status_line:
                raise RuntimeError("stream upgrade refused: %r" % status_line)
            while reader.readline() not in (b"\r\n", b""):
                pass
            channels = {1: b"", 2: b"", 3: b""}
            while True:
                head = reader.read(2)
                if len(head) < 2:
                    break
                opcode, length = head[0] & 0x0F, head[1] & 0x7F
                if length == 126:
                    length = struct.unpack(">H", reader.read(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", reader.read(8))[0]
                mask = reader.read(4) if head[1] & 0x80 else None
                payload = reader.read(length)
                if mask:
                    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                if opcode == 0x8:  # close
                    break
                if opcode in (0x0, 0x2) and payload:
                    channels[payload[0]] = channels.get(payload[0], b"") + payload[1:]
        status = json.loads(channels[3]) if channels[3] else {}
        return channels[1].decode(), channels[2].decode(), status

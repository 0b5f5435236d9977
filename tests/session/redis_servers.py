"""Throw-away Redis deployments for tests: a six-node Cluster, and a master + replica watched
by Sentinels, each made of real redis-server processes on free loopback ports.

Every process runs from a temporary directory and is killed (and the directory removed) when
the context exits, whatever happened. Start-up is bounded in time.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

__all__ = ["LocalCluster", "LocalSentinel", "free_port_pair", "local_cluster", "local_sentinel"]

#: Seconds the whole deployment may take to come up.
START_TIMEOUT = 30.0
#: The cluster's node timeout (ms): how long a silent master lasts before its replica
#: takes over. Short, so that a failover test stays short.
NODE_TIMEOUT_MS = 1000


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A port free on loopback whose cluster-bus port (+10000) is free too."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port < 55000 and _is_free(port + 10000):
            return port
    raise RuntimeError("no free pair of loopback ports found")


class _Processes:
    """redis-server processes started from one temporary directory."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="expresspy-redis-"))
        self.procs: dict[int, subprocess.Popen[bytes]] = {}

    def start(self, port: int, *config: str, sentinel: bool = False) -> None:
        folder = self.root / str(port)
        folder.mkdir()
        lines = [f"port {port}", "bind 127.0.0.1", "protected-mode no", "save ''",
                 "appendonly no", f"dir {folder}", "loglevel warning", *config]  # fmt: skip
        (folder / "redis.conf").write_text("\n".join(lines) + "\n")
        self._run(port, sentinel=sentinel)

    def _run(self, port: int, *extra: str, sentinel: bool = False) -> None:
        folder = self.root / str(port)
        with open(folder / "log", "ab") as log:  # the child keeps its own descriptor
            self.procs[port] = subprocess.Popen(
                ["redis-server", str(folder / "redis.conf"), *extra,
                 *(["--sentinel"] if sentinel else [])],
                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip

    def restart(self, port: int, *extra: str) -> None:
        """Start a killed server again with its configuration and ``extra`` arguments."""
        self._run(port, *extra)

    def kill(self, port: int) -> None:
        """SIGKILL one server (a crash: no goodbye to its peers)."""
        proc = self.procs[port]
        proc.kill()
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs.values():
            proc.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)


def _wait_until(check: object, what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except (redis.RedisError, OSError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"gave up waiting for {what}")


def _replica_online(port: int) -> bool:
    """The master on ``port`` has a replica that finished its initial sync."""
    with redis.Redis(port=port, socket_timeout=1, decode_responses=True) as client:
        info = client.info("replication")
    replica = info.get("slave0")
    return isinstance(replica, dict) and replica.get("state") == "online"


def _ping(port: int) -> bool:
    with redis.Redis(port=port, socket_timeout=1) as client:
        return bool(client.ping())


class LocalCluster:
    """Six nodes: three masters, one replica each."""

    def __init__(self, processes: _Processes, ports: list[int]) -> None:
        self.processes = processes
        self.ports = ports

    @property
    def url(self) -> str:
        """A ``redis+cluster://`` URL naming every node."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def info(self, port: int) -> dict[str, str]:
        """``CLUSTER INFO`` of one node."""
        with redis.Redis(port=port, socket_timeout=1, decode_responses=True) as client:
            text = client.execute_command("CLUSTER INFO")
        if isinstance(text, dict):
            return {str(k): str(v) for k, v in text.items()}
        return dict(line.split(":", 1) for line in str(text).split() if ":" in line)

    def masters(self) -> list[int]:
        """The ports of the live masters that serve slots (as one live node sees them)."""
        live = next(port for port in self.ports if self.processes.procs[port].poll() is None)
        with redis.Redis(port=live, socket_timeout=1, decode_responses=True) as client:
            nodes = client.execute_command("CLUSTER NODES")  # parsed into {address: node}
        return sorted(int(address.split("@")[0].rsplit(":", 1)[1])
                      for address, node in nodes.items()
                      if "master" in node["flags"] and "fail" not in node["flags"]
                      and node["slots"])  # fmt: skip

    def healthy(self) -> bool:
        """Every live node says ``cluster_state:ok``."""
        return all(self.info(port).get("cluster_state") == "ok" for port in self.ports
                   if self.processes.procs[port].poll() is None)  # fmt: skip


@contextmanager
def local_cluster() -> Iterator[LocalCluster]:
    """A running six-node cluster (three masters with a replica each), torn down after."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        raise RuntimeError("redis-server and redis-cli are needed (apt-get install redis-server)")
    processes = _Processes()
    try:
        ports = [free_port_pair() for _ in range(6)]
        for port in ports:
            processes.start(port, "cluster-enabled yes", f"cluster-config-file nodes-{port}.conf",
                            f"cluster-node-timeout {NODE_TIMEOUT_MS}",
                            "cluster-replica-validity-factor 0")  # fmt: skip
        for port in ports:
            _wait_until(lambda port=port: _ping(port), f"redis-server on {port}")
        subprocess.run(
            ["redis-cli", "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports),
             "--cluster-replicas", "1", "--cluster-yes"],
            check=True, capture_output=True, timeout=START_TIMEOUT)  # fmt: skip
        cluster = LocalCluster(processes, ports)
        _wait_until(cluster.healthy, "cluster_state:ok on every node")
        _wait_until(lambda: len(cluster.masters()) == 3, "three masters")
        _wait_until(lambda: all(_replica_online(port) for port in cluster.masters()),
                    "every master's replica to be in sync")  # fmt: skip
        yield cluster
    finally:
        processes.stop()


class LocalSentinel:
    """A master, its replica, and three Sentinels watching service ``expresspy``."""

    service = "expresspy"

    def __init__(
        self, processes: _Processes, master: int, replica: int, sentinels: list[int]
    ) -> None:
        self.processes = processes
        self.master = master
        self.replica = replica
        self.sentinels = sentinels

    @property
    def url(self) -> str:
        """A ``redis+sentinel://`` URL naming the Sentinels and the service."""
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.sentinels)
        return f"redis+sentinel://{hosts}/{self.service}"

    def current_master(self) -> int:
        """The master's port as the first live Sentinel reports it."""
        for port in self.sentinels:
            try:
                with redis.Redis(port=port, socket_timeout=1) as client:
                    _host, master = client.sentinel_get_master_addr_by_name(self.service)
                    return int(master)
            except (redis.RedisError, OSError):
                continue
        raise RuntimeError("no Sentinel answered")


@contextmanager
def local_sentinel() -> Iterator[LocalSentinel]:
    """A running master + replica with three Sentinels (quorum 2), torn down after."""
    processes = _Processes()
    try:
        master, replica = free_port_pair(), free_port_pair()
        processes.start(master)
        processes.start(replica, f"replicaof 127.0.0.1 {master}")
        sentinels = [free_port_pair() for _ in range(3)]
        for port in sentinels:
            processes.start(
                port,
                "sentinel resolve-hostnames no",
                f"sentinel monitor {LocalSentinel.service} 127.0.0.1 {master} 2",
                f"sentinel down-after-milliseconds {LocalSentinel.service} 1000",
                f"sentinel failover-timeout {LocalSentinel.service} 5000",
                sentinel=True,
            )
        for port in [master, replica, *sentinels]:
            _wait_until(lambda port=port: _ping(port), f"redis on {port}")

        _wait_until(lambda: _replica_online(master), "the replica to sync")
        yield LocalSentinel(processes, master, replica, sentinels)
    finally:
        processes.stop()

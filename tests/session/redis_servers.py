"""Throw-away Redis deployments for tests: a six-node Cluster, and a master + replica watched
by Sentinels, each made of real redis-server processes on free loopback ports.

Every process runs from a temporary directory (in memory where /dev/shm exists) and is killed
(and the directory removed) when the context exits, whatever happened. Start-up is bounded in
time.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import redis

__all__ = [
    "LocalCluster",
    "LocalSentinel",
    "free_port_pair",
    "local_cluster",
    "local_sentinel",
    "local_server",
]

#: Seconds the whole deployment may take to come up.
START_TIMEOUT = 30.0
#: The cluster's node timeout (ms): how long a silent master lasts before its replica
#: takes over. Short, so that a failover test stays short.
NODE_TIMEOUT_MS = 1000
#: How long (ms) a Sentinel waits for a PONG before it calls an instance down. Sentinel pings
#: once a second and, after a failover, must reach the new master over a fresh link: with
#: 1000 ms a loaded machine made Sentinels call the *new* master down a second after
#: promoting it and fail over again, onto the old master just restarted as a replica and
#: not yet in sync (its empty data set then replaced the new master's).
DOWN_AFTER_MS = 3000
#: How often (ms) a Sentinel asks replicas for INFO (10 s by default). A replica whose last
#: INFO is older than 5 s when the master goes down is "no good slave": the failover is
#: abandoned and only tried again 2 x failover-timeout later (seen on a loaded machine).
SENTINEL_INFO_PERIOD_MS = 1000


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


def _scratch_parent() -> str | None:
    """Where the servers' folders go: /dev/shm when there is one. Sentinels and cluster nodes
    fsync their state file at every change, in their event loop; on a disk shared with busy
    neighbours an fsync can take seconds, during which they answer no ping."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _reserve(port: int) -> socket.socket | None:
    """A socket bound to ``127.0.0.1:port`` that never listens, or None if the port is taken.

    While it is open the kernel hands this port to no other socket (``bind(("", 0))`` and
    ``connect()`` skip it), yet a redis-server, which binds with SO_REUSEADDR, can still
    listen on it: so a killed server can be restarted on its own port even while other
    processes on the machine keep opening servers and connections on ephemeral ports.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        return None
    return sock


class _Processes:
    """redis-server processes started from one temporary directory."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="expresspy-redis-", dir=_scratch_parent()))
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        #: Every port a server listens on (a cluster node's bus port too), by its port.
        self.ports: dict[int, tuple[int, ...]] = {}
        #: The ports of killed servers, kept from other processes until their restart.
        self.held: dict[int, list[socket.socket]] = {}

    def start(self, port: int, *config: str, sentinel: bool = False, bus: bool = False) -> None:
        """Start a server on ``port`` (and on the cluster bus port ``port + 10000`` with
        ``bus``) with ``config`` lines after the common ones."""
        self.ports[port] = (port, port + 10000) if bus else (port,)
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
        """Start a killed server again with its configuration and ``extra`` arguments, and
        wait until it answers; fails with the end of its log if it does not come up."""
        self._run(port, *extra)
        try:
            _wait_until(lambda: self.procs[port].poll() is not None or _ping(port),
                        f"redis-server on {port} to restart")  # fmt: skip
        finally:
            self._release(port)
        if self.procs[port].poll() is not None:
            log = (self.root / str(port) / "log").read_text(errors="replace")
            raise RuntimeError(f"redis-server on {port} did not restart:\n{log[-1500:]}")

    def kill(self, port: int) -> None:
        """SIGKILL one server (a crash: no goodbye to its peers). Its ports stay reserved
        for its restart (see :func:`_reserve`)."""
        proc = self.procs[port]
        proc.kill()
        proc.wait(10)
        held = [_reserve(p) for p in self.ports[port]]
        self.held[port] = [sock for sock in held if sock is not None]

    def _release(self, port: int) -> None:
        for sock in self.held.pop(port, []):
            sock.close()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs.values():
            proc.wait(10)
        for port in list(self.held):
            self._release(port)
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


def _ping(port: int, password: str | None = None) -> bool:
    with redis.Redis(port=port, password=password, socket_timeout=1) as client:
        return bool(client.ping())


@contextmanager
def local_server(*config: str, password: str | None = None) -> Iterator[int]:
    """One redis-server of the test's own on a free loopback port, with ``config`` lines
    (``requirepass`` among them when ``password`` is given, which the readiness check then
    uses); yields its port, killed after."""
    processes = _Processes()
    try:
        port = free_port_pair()
        processes.start(port, *config)
        _wait_until(lambda: _ping(port, password), f"redis-server on {port}")
        yield port
    finally:
        processes.stop()


def _sentinel_ready(sentinel: int, replica: int, others: int) -> bool:
    """The Sentinel on ``sentinel`` could fail the master over to ``replica``: it lists the
    replica as reachable and knows ``others`` other Sentinels (to agree the master is down
    and to elect the one that promotes the replica)."""
    service = LocalSentinel.service
    with redis.Redis(port=sentinel, socket_timeout=1, decode_responses=True) as client:
        master = _fields(client.execute_command("SENTINEL", "MASTER", service))
        replicas = [
            _fields(item) for item in client.execute_command("SENTINEL", "REPLICAS", service)
        ]
    usable = [item for item in replicas if item["port"] == str(replica)
              and not {"s_down", "disconnected"} & set(item["flags"].split(","))]  # fmt: skip
    return bool(usable) and int(master["num-other-sentinels"]) >= others


def _fields(reply: object) -> dict[str, str]:
    """One instance in a Sentinel's reply as text fields (redis-py parses some of these
    replies into a dict and leaves others as ``[name, value, name, value, ...]``)."""
    if isinstance(reply, dict):
        return {str(name): str(value) for name, value in reply.items()}
    assert isinstance(reply, list), reply
    return {str(name): str(value) for name, value in zip(reply[::2], reply[1::2], strict=True)}


def _set_info_period(sentinel: int) -> None:
    """``SENTINEL DEBUG INFO-PERIOD`` (Redis 7.0+; an older Sentinel keeps its 10 s)."""
    with redis.Redis(port=sentinel, socket_timeout=5) as client, suppress(redis.ResponseError):
        client.execute_command("SENTINEL", "DEBUG", "INFO-PERIOD", SENTINEL_INFO_PERIOD_MS)


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
                            "cluster-replica-validity-factor 0", bus=True)  # fmt: skip
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
                f"sentinel down-after-milliseconds {LocalSentinel.service} {DOWN_AFTER_MS}",
                f"sentinel failover-timeout {LocalSentinel.service} 5000",
                sentinel=True,
            )
        for port in [master, replica, *sentinels]:
            _wait_until(lambda port=port: _ping(port), f"redis on {port}")
        for port in sentinels:
            _set_info_period(port)
        # Sentinels learn of the replica from the master's INFO (every 10 s by default): one
        # that asked before the replica connected would not know it until after a kill that
        # came sooner, could promote nothing, and would never fail over (seen on a loaded
        # machine: 1 deployment in 10 had no Sentinel that knew the replica when it was used).
        _wait_until(lambda: all(_sentinel_ready(port, replica, len(sentinels) - 1)
                                for port in sentinels),
                    "every Sentinel to know the replica and the other Sentinels")  # fmt: skip

        _wait_until(lambda: _replica_online(master), "the replica to sync")
        yield LocalSentinel(processes, master, replica, sentinels)
    finally:
        processes.stop()

"""Helpers shared by the bench/server_*.py scripts: pinned server processes, wrk, /proc readings.

Everything runs on 127.0.0.1. Only processes started here are signalled, by their own id.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

SERVERS: dict[str, list[str]] = {
    # name: command line after "python -m"; {port} is filled in.
    "expresspy-h11": [
        "expresspy",
        "run",
        "server_app.py",
        "--port",
        "{port}",
        "--http",
        "h11",
        "--no-access-log",
        "--log-level",
        "warning",
    ],
    "expresspy-httptools": [
        "expresspy",
        "run",
        "server_app.py",
        "--port",
        "{port}",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ],
    "uvicorn-h11": [
        "uvicorn",
        "server_app:app",
        "--port",
        "{port}",
        "--http",
        "h11",
        "--loop",
        "asyncio",
        "--no-access-log",
        "--log-level",
        "warning",
    ],
    "uvicorn-httptools": [
        "uvicorn",
        "server_app:app",
        "--port",
        "{port}",
        "--http",
        "httptools",
        "--loop",
        "asyncio",
        "--no-access-log",
        "--log-level",
        "warning",
    ],
}


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg says them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_model() -> str:
    """The CPU model name and the core count (for the docs' "Measured" section)."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return f"{os.cpu_count()} cores, {line.split(':', 1)[1].strip()}"
    return f"{os.cpu_count()} cores"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    """Resident set size of the process in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Server:
    """A running server process."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextmanager
def server(
    name: str, cpu: int | None = 0, extra: list[str] | None = None, nofile: int | None = None
) -> Iterator[Server]:
    """Start server ``name`` (a key of SERVERS) pinned to ``cpu``; stop it on exit.

    ``nofile`` raises the open-file limit of the server process (for many connections)."""
    port = free_port()
    args = [a.format(port=port) for a in SERVERS[name]] + (extra or [])
    cmd = [sys.executable, "-m", *args]
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu), *cmd]

    def limits() -> None:
        if nofile is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    env = dict(os.environ, PYTHONPATH=f"{REPO}:{BENCH}")
    proc = subprocess.Popen(
        cmd,
        cwd=BENCH,
        env=env,
        preexec_fn=limits,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port, proc)
        yield Server(name, port, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no server on port {port} after {timeout} s")


@dataclass
class WrkResult:
    """What one wrk run reported."""

    requests: int
    rps: float
    errors: int
    non2xx: int
    latency: str

    @classmethod
    def parse(cls, text: str) -> WrkResult:
        requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
        errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
        non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx.*?(\d+)", text)) else 0
        latency = m.group(1) if (m := re.search(r"Latency\s+(\S+)", text)) else "?"
        return cls(requests, rps, errors, non2xx, latency)


def wrk(
    port: int, seconds: float, connections: int = 50, cpu: int | None = 1, path: str = "/"
) -> WrkResult:
    """Run wrk (one thread) against the server for ``seconds``; bounded by a hard timeout."""
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        f"http://127.0.0.1:{port}{path}",
    ]
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu), *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=True)
    return WrkResult.parse(out.stdout)

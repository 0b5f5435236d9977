"""Start a server pinned to a CPU, wait until it answers, read its peak RSS, stop it.

Only processes started here are ever signalled: each server gets its own process group, and
stopping it signals that group by the id this module recorded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.setup_env import REPO_ROOT

STARTUP_TIMEOUT = 30.0
"""Seconds a server may take to accept connections (cold imports on a loaded machine)."""

STOP_TIMEOUT = 5.0
"""Seconds between SIGTERM and SIGKILL when stopping a server."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(cmd: list[str], cpu: int | None) -> list[str]:
    """``cmd`` run through taskset on ``cpu`` (unchanged when ``cpu`` is None)."""
    return cmd if cpu is None else ["taskset", "-c", str(cpu), *cmd]


@dataclass
class RunningServer:
    """A started server process and where its output goes."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    log_file: IO[bytes]

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        """The last lines the server printed (for error reports)."""
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def peak_rss_kb(self) -> int:
        """Peak resident memory (VmHWM) summed over the server process and its children."""
        return sum(vm_hwm_kb(pid) for pid in process_tree(self.process.pid))

    def stop(self) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after STOP_TIMEOUT."""
        if self.alive():
            signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(STOP_TIMEOUT)
        self.log_file.close()


def signal_group(pgid: int, sig: signal.Signals) -> None:
    """Signal the process group this module created (ignore it if already gone)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def start(
    cmd: list[str], port: int, env: dict[str, str], cpu: int | None, log_path: Path
) -> RunningServer:
    """Start ``cmd`` (which listens on ``port``) from the repository root, pinned to ``cpu``,
    in its own process group, with ``env`` added to the environment."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = open(log_path, "wb")  # noqa: SIM115 (closed by RunningServer.stop)
    process = subprocess.Popen(
        pinned(cmd, cpu),
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    return RunningServer(process, port, log_path, log_file)


def wait_listening(server: RunningServer, timeout: float = STARTUP_TIMEOUT) -> bool:
    """Wait until the server accepts TCP connections; False if it died or timed out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            return False
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def process_tree(root: int) -> list[int]:
    """``root`` and all its live descendants, found by scanning /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = parent_pid(entry)
            if ppid is not None:
                children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def parent_pid(proc_dir: Path) -> int | None:
    """The parent pid from /proc/PID/stat (None if the process is gone)."""
    try:
        stat = (proc_dir / "stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces and parentheses: split after its last ')'.
    return int(stat.rsplit(")", 1)[1].split()[1])


def vm_hwm_kb(pid: int) -> int:
    """Peak resident set size of ``pid`` in KiB, from /proc/PID/status (0 if gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0

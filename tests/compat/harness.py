"""Processes for the differential tests: the npm cache, and the Express and expresspy servers.

Nothing here knows about requests or comparisons (that is ``replay.py``). This module installs
the pinned Node packages once into a cache folder outside the repository, and starts an app of
``tests/compat/apps/`` on a free loopback port, either in Node (``NAME.js``) or in Python
(``NAME.py``), and stops it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

COMPAT_DIR = Path(__file__).resolve().parent
REPO_ROOT = COMPAT_DIR.parent.parent
NODE_DIR = COMPAT_DIR / "node"
APPS_DIR = COMPAT_DIR / "apps"

#: Where ``npm ci`` installs the pinned packages; override with EXPRESSPY_COMPAT_CACHE.
CACHE_ROOT = Path(
    os.environ.get("EXPRESSPY_COMPAT_CACHE", Path.home() / ".cache" / "expresspy-compat")
)

#: Seconds a server may take from spawn to accepting connections (a cold Python import of the
#: framework plus thread-pool start-up is well under this on a 2-core CI machine).
STARTUP_TIMEOUT = 20.0
#: Launches tried when the free port we picked is taken before the server binds it.
PORT_ATTEMPTS = 3
#: What Node and Python print when the port is taken.
PORT_TAKEN = ("EADDRINUSE", "Address already in use", "address already in use")
#: Seconds `npm ci` may take on a cold cache.
NPM_TIMEOUT = 300.0

ENABLE_HINT = (
    "the compat tests compare expresspy with real Express and need Node.js >= 18 and npm on PATH; "
    "install them (e.g. `apt-get install nodejs npm`) and rerun; `.ci/run` provides them in CI"
)


def node_tools_missing() -> str | None:
    """Say why the differential tests cannot run here, or return None when node and npm exist."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not found: {ENABLE_HINT}"
    return None


def ensure_node_modules(node_dir: Path = NODE_DIR) -> Path:
    """Install the Node packages locked in `node_dir` into the cache once; return node_modules.

    Serves every test that runs real Node (the compat apps, the session interop test, the
    shared-login example). The cache folder is keyed by the hash of package-lock.json, so a
    changed pin installs a fresh tree beside the old one, and two folders with the same lock
    share one. A file lock makes concurrent pytest workers wait for one installer.
    """
    lock_bytes = (node_dir / "package-lock.json").read_bytes()
    target = CACHE_ROOT / hashlib.sha256(lock_bytes).hexdigest()[:16]
    marker = target / ".installed"
    if marker.exists():
        return target / "node_modules"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(node_dir / name, target / name)
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=target,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"npm ci failed in {target}:\n{done.stdout}\n{done.stderr}")
            marker.write_text("ok\n")
    return target / "node_modules"


def free_port() -> int:
    """Return a loopback TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def python_command(app_file: Path, port: int) -> list[str]:
    """The command that serves a Python app: the CLI, bound to loopback (its default host)."""
    return [sys.executable, "-m", "expresspy", "run", str(app_file), "--port", str(port)]


@dataclass
class Server:
    """One app served by one runtime on one loopback port."""

    runtime: str  # "express" or "expresspy"
    app: str
    env: str
    port: int
    command: list[str]
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] | None = field(repr=False, default=None)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server wrote (stdout and stderr), for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def ready(self) -> bool:
        """True once the server said it listens on our port and accepts a connection.

        A connection alone could reach whoever else took the port, so the server's own ready
        line (Node's ``READY <port>``, the CLI's ``listening on`` line) must name the port
        and no bind error may have been printed.
        """
        output = self.log_tail(200)
        if str(self.port) not in output or any(sign in output for sign in PORT_TAKEN):
            return False
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.2).close()
        except OSError:
            return False
        return True

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the process we started (SIGTERM, then SIGKILL after 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._log is not None:
            self._log.close()


def start(
    runtime: str, app: str, env: str, log_dir: Path, extra_env: dict[str, str] | None = None
) -> Server:
    """Start ``apps/APP.js`` in Node (runtime "express") or ``apps/APP.py`` (runtime "expresspy").

    ``env`` goes to NODE_ENV or EXPRESSPY_ENV; ``extra_env`` is added to the process's
    environment. Returns once the port accepts connections; raises
    RuntimeError with the server's output when it exits or stays deaf past STARTUP_TIMEOUT. A
    port taken between our probe and the server's bind is retried on another port.
    """
    for _attempt in range(PORT_ATTEMPTS):
        server = _spawn(runtime, app, env, log_dir, extra_env or {})
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and server.alive():
            if server.ready():
                return server
            time.sleep(0.05)
        server.stop()
        output = server.log_tail()
        if not any(sign in output for sign in PORT_TAKEN):
            break
    command = " ".join(server.command)
    state = "did not listen" if server.process.returncode is None else "exited"
    raise RuntimeError(
        f"{runtime} app {app!r} {state} (exit status {server.process.returncode}) before "
        f"listening on port {server.port} within {STARTUP_TIMEOUT} s ({command}):\n{output}"
    )


def _spawn(runtime: str, app: str, env: str, log_dir: Path, extra_env: dict[str, str]) -> Server:
    """Launch one server process on a fresh free port, its output going to a log file."""
    port = free_port()
    child_env = {**os.environ, **extra_env}
    if runtime == "express":
        child_env.update(
            PORT=str(port), NODE_ENV=env, NODE_PATH=str(ensure_node_modules()), NO_COLOR="1"
        )
        command = ["node", str(NODE_DIR / "serve.js"), str(APPS_DIR / f"{app}.js")]
    elif runtime == "expresspy":
        # The checkout comes first so the tests exercise this tree even when another copy of
        # expresspy is installed.
        path = os.pathsep.join(p for p in (str(REPO_ROOT), child_env.get("PYTHONPATH")) if p)
        child_env.update(EXPRESSPY_ENV=env, PYTHONPATH=path, PYTHONUNBUFFERED="1")
        command = python_command(APPS_DIR / f"{app}.py", port)
    else:
        raise ValueError(f"unknown runtime {runtime!r}")
    fd, log_name = tempfile.mkstemp(prefix=f"{runtime}-{app}-{env}-", suffix=".log", dir=log_dir)
    log = os.fdopen(fd, "wb")
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT
    )
    return Server(runtime, app, env, port, command, process, Path(log_name), log)


@contextlib.contextmanager
def shared_pair(app: str, prefix: str, log_dir: Path) -> Iterator[dict[str, Server]]:
    """``apps/APP.js`` in Node and ``apps/APP.py`` in Python on one Redis key prefix.

    For the interop tests: both apps read the prefix from COMPAT_REDIS_PREFIX, so they share
    sessions. Yields ``{"express": ..., "expresspy": ...}`` and stops both on exit.
    """
    servers: dict[str, Server] = {}
    try:
        for runtime in ("express", "expresspy"):
            servers[runtime] = start(
                runtime, app, "development", log_dir, {"COMPAT_REDIS_PREFIX": prefix}
            )
        yield servers
    finally:
        for server in servers.values():
            server.stop()

"""Run an example with the real `expresspy run` command, as a user would, for a test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVERS = ("expresspy", "uvicorn", "hypercorn")


def server_command(server: str, target: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The command serving the `app` of the file `target` on `port` with `server`, and the
    environment it needs: the app is a plain ASGI 3 callable, so any ASGI server runs it."""
    if server == "expresspy":
        return [sys.executable, "-m", "expresspy", "run", target, "--port", str(port)], {}
    folder = str((ROOT / target).parent)
    module = f"{Path(target).stem}:app"
    path = os.pathsep.join([folder, str(ROOT), os.environ.get("PYTHONPATH", "")])
    if server == "uvicorn":
        return (
            [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), module],
            {"PYTHONPATH": path},
        )
    return (
        [sys.executable, "-m", "hypercorn", "--bind", f"127.0.0.1:{port}", module],
        {"PYTHONPATH": path},
    )


class ExpresspyRun:
    """`expresspy run TARGET --port N [args]` in a subprocess (or the same app under uvicorn or
    hypercorn with `server=`), ready once its port accepts.

    Use as a context manager; `stop()` sends SIGTERM (a graceful stop) and waits.
    """

    def __init__(
        self,
        target: str,
        *args: str,
        env: dict[str, str] | None = None,
        port: int | None = None,
        server: str = "expresspy",
    ) -> None:
        self.server = server
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command, server_env = server_command(server, target, self.port)
        self.command = [*command, *args]
        self.env = {**os.environ, **server_env, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: a pipe nobody reads would block a server that logs a lot.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the object)

    def start(self, timeout: float = 20.0) -> ExpresspyRun:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{' '.join(self.command)} exited early:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"{' '.join(self.command)} did not listen:\n{self.output()}")

    def stop(self, timeout: float = 15.0) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def output(self) -> str:
        """What the server has printed so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def __enter__(self) -> ExpresspyRun:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

"""Run ``python -m expresspy run ...`` as a subprocess and talk to it (tests only)."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APP_SOURCE = """
import asyncio, os

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[-1]
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    if scope["path"] == "/crash":
        os._exit(7)
    if scope["path"] == "/slow":
        await asyncio.sleep(float(scope["query_string"] or b"0.5"))
    body = f"{MARK} pid={os.getpid()} scheme={scope['scheme']}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})
"""

LISTEN = re.compile(r"listening on (\S+)")


def write_app(folder: Path, mark: str = "hello", name: str = "app.py") -> Path:
    """Write the test app (answers ``<mark> pid=<pid> scheme=<scheme>``) into ``folder``."""
    path = folder / name
    path.write_text(f"MARK = {mark!r}\n" + APP_SOURCE)
    return path


class Proc:
    """A running ``expresspy`` process; its stderr lines are collected in a thread."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "expresspy", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 15.0) -> re.Match[str]:
        """Return the first stderr match of ``pattern`` (raise after ``timeout`` seconds)."""
        regex = re.compile(pattern)
        for line in self.log:
            found = regex.search(line)
            if found:
                return found
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.log.append(line)
            found = regex.search(line)
            if found:
                return found
        raise AssertionError(f"no {pattern!r} in output within {timeout}s:\n{''.join(self.log)}")

    def url(self) -> str:
        """The address from the startup line."""
        return self.wait_for(LISTEN.pattern).group(1)

    def port(self) -> int:
        """The TCP port from the startup line."""
        return int(self.url().rsplit(":", 1)[1])

    def signal(self, signum: int = signal.SIGINT) -> None:
        """Send a signal to the process."""
        self.popen.send_signal(signum)

    def wait(self, timeout: float = 15.0) -> int:
        """Wait for exit; return the status."""
        return self.popen.wait(timeout)

    def stop(self) -> None:
        """Kill the process if it still runs (cleanup)."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(5)


@contextmanager
def expresspy(args: list[str], cwd: Path) -> Iterator[Proc]:
    """Run ``expresspy <args>`` for the duration of the block; always cleaned up."""
    proc = Proc(args, cwd)
    try:
        yield proc
    finally:
        proc.stop()

"""``--reload``: serve from a child process and restart it when source files change.

The reloader binds the socket once and hands it to every child (``--fd``), so the address
never changes and no connection is refused because a port is briefly free. Watching uses the
optional ``watchfiles`` package (extra ``reload``).
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["MissingReloadExtra", "Reloader"]

logger = logging.getLogger("expresspy.server")

# Seconds a child gets to stop gracefully before it is killed (a dev server: keep it short).
_STOP_TIMEOUT = 5.0


class MissingReloadExtra(RuntimeError):
    """``--reload`` was asked for but watchfiles is not installed."""

    def __init__(self) -> None:
        super().__init__("--reload needs the watchfiles package: pip install 'expresspy[reload]'")


def _watchfiles() -> Any:
    try:
        import watchfiles
    except ImportError:
        raise MissingReloadExtra() from None
    return watchfiles


class Reloader:
    """Run ``command + ["--fd", N]`` as a child serving ``sock``; restart it on changes under
    ``paths``; stop it and return 0 on SIGINT/SIGTERM."""

    def __init__(self, command: Sequence[str], sock: socket.socket, paths: Sequence[Path]):
        self._watchfiles = _watchfiles()
        self.command = list(command)
        self.sock = sock
        self.paths = list(paths)
        self._stop = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None

    def run(self) -> int:
        """Block until a stop signal; return the exit status."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self._stop.set())
        self._start_child()
        watch = self._watchfiles.watch(
            *self.paths,
            watch_filter=self._watchfiles.PythonFilter(),
            stop_event=self._stop,
            raise_interrupt=False,
            debounce=300,
        )
        for changes in watch:
            names = sorted({Path(path).name for _, path in changes})
            logger.info("changes in %s: restarting", ", ".join(names))
            self._stop_child()
            self._start_child()
        self._stop_child()
        return 0

    def _start_child(self) -> None:
        fd = self.sock.fileno()
        self._child = subprocess.Popen([*self.command, "--fd", str(fd)], pass_fds=(fd,))

    def _stop_child(self) -> None:
        child = self._child
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

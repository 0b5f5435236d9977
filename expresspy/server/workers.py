"""Pre-fork workers: one listening socket, N processes serving it, a supervisor watching them.

The supervisor binds the socket, forks the workers (each imports the app itself, so a SIGHUP
roll-over brings new code), restarts a worker that dies, forwards SIGTERM/SIGINT for a graceful
stop (a second signal kills at once) and, on SIGHUP, replaces the workers one at a time: a new
one must report ready before an old one is asked to stop. POSIX only (``os.fork``).

Workers run in their own process group, so a Ctrl-C in a terminal reaches the supervisor only
and each worker gets exactly one SIGTERM; a worker whose supervisor vanished stops by itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import NoReturn

from ..environment import environment
from .config import ServerConfig
from .errors import naming_a_taken_address
from .loader import AppImportError
from .run import configure_logging, run
from .types import ASGIApp

__all__ = ["Supervisor", "bind_socket"]

logger = logging.getLogger("expresspy.server")

BOOT_ERROR = 3  # exit status of a worker that could not import the app (as gunicorn uses)
_TICK = 0.05  # seconds between two looks at signals and dead children
_READY_TIMEOUT = 30.0  # seconds a new worker gets to import the app and listen
_CRASH_WINDOW = (10, 10.0)  # more than 10 restarts within 10 s: give up (crash loop)


def bind_socket(config: ServerConfig) -> socket.socket:
    """Create the listening socket described by ``config`` (TCP or Unix), ready to share."""
    if config.uds is not None:
        if os.path.exists(config.uds) and not os.path.isfile(config.uds):
            os.unlink(config.uds)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with naming_a_taken_address(config.uds):
            sock.bind(config.uds)
    else:
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with naming_a_taken_address(config.address):
            sock.bind((config.host, config.port))
    sock.listen(config.backlog)
    sock.set_inheritable(True)
    return sock


def listen_url(config: ServerConfig, sock: socket.socket) -> str:
    """The URL a person uses to reach ``sock`` (with the real port when port 0 was asked)."""
    if config.uds is not None:
        return f"unix:{config.uds}"
    port = sock.getsockname()[1]
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"{'https' if config.is_tls else 'http'}://{host}:{port}"


class Supervisor:
    """Runs ``workers`` processes serving ``load()`` on one shared socket. ``run()`` blocks and
    returns the exit status: 0 after a clean stop, 1 when workers cannot boot."""

    def __init__(
        self,
        load: Callable[[], ASGIApp],
        config: ServerConfig,
        workers: int,
        log_level: str = "info",
    ) -> None:
        self.load = load
        self.config = config
        self.workers = workers
        self.log_level = log_level
        self._children: set[int] = set()
        self._retiring: set[int] = set()
        self._signals: list[int] = []
        self._restarts: list[float] = []
        self._sock: socket.socket | None = None

    def run(self) -> int:
        """Bind, fork, supervise until SIGINT/SIGTERM; return the exit status."""
        configure_logging(self.log_level)
        self._sock = bind_socket(self.config)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        logger.info(
            "expresspy listening on %s (%d workers, supervisor pid %d, %s)",
            listen_url(self.config, self._sock),
            self.workers,
            os.getpid(),
            environment(),
        )
        try:
            for _ in range(self.workers):
                if not self._spawn_ready():
                    self._stop(signal.SIGKILL)
                    return 1
            return self._loop()
        finally:
            self._sock.close()
            if self.config.uds is not None and os.path.exists(self.config.uds):
                os.unlink(self.config.uds)

    def _on_signal(self, signum: int, frame: object) -> None:
        self._signals.append(signum)

    def _loop(self) -> int:
        while True:
            while self._signals:
                signum = self._signals.pop(0)
                if signum == signal.SIGHUP:
                    self._roll()
                else:
                    logger.info("%s received: stopping workers", signal.Signals(signum).name)
                    self._stop(signal.SIGTERM)
                    return 0
            status = self._reap_and_restart()
            if status is not None:
                return status
            time.sleep(_TICK)

    def _spawn(self) -> tuple[int, int]:
        assert self._sock is not None
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child process
            os.close(read_end)
            _worker_main(self.load, self.config, self._sock, write_end, self.log_level)
        os.close(write_end)
        self._children.add(pid)
        return pid, read_end

    def _spawn_ready(self) -> bool:
        pid, read_end = self._spawn()
        try:
            ready, _, _ = select.select([read_end], [], [], _READY_TIMEOUT)
            ok = bool(ready) and os.read(read_end, 1) == b"1"
        finally:
            os.close(read_end)
        if not ok:
            logger.error("worker %d did not start (see its error above)", pid)
        return ok

    def _reap_and_restart(self) -> int | None:
        for pid, status in _reap():
            self._children.discard(pid)
            if pid in self._retiring:
                self._retiring.discard(pid)
                continue
            code = os.waitstatus_to_exitcode(status)
            if code == BOOT_ERROR:
                logger.error("worker %d could not load the app; stopping", pid)
                self._stop(signal.SIGTERM)
                return 1
            logger.warning("worker %d exited with status %d; starting a new one", pid, code)
            now = time.monotonic()
            self._restarts = [t for t in self._restarts if now - t < _CRASH_WINDOW[1]] + [now]
            if len(self._restarts) > _CRASH_WINDOW[0]:
                logger.error("workers keep crashing; stopping")
                self._stop(signal.SIGTERM)
                return 1
            _, read_end = self._spawn()
            os.close(read_end)
        return None

    def _roll(self) -> None:
        """SIGHUP: replace each worker by a new one, one at a time, never below N ready."""
        logger.info("SIGHUP received: replacing workers one by one")
        for old in list(self._children):
            if not self._spawn_ready():
                logger.error("new worker failed to start; keeping the old ones")
                return
            self._retiring.add(old)
            _kill(old, signal.SIGTERM)
            self._wait_for({old}, self.config.graceful_timeout + 5)

    def _stop(self, signum: int) -> None:
        for pid in list(self._children):
            _kill(pid, signum)
        self._retiring |= self._children
        grace = self.config.graceful_timeout + 5
        if not self._wait_for(set(self._children), grace, signal_kills=True):
            for pid in list(self._children):
                _kill(pid, signal.SIGKILL)
            self._wait_for(set(self._children), 5.0)

    def _wait_for(self, pids: set[int], timeout: float, signal_kills: bool = False) -> bool:
        """Reap until ``pids`` have all exited or ``timeout`` seconds pass. With
        ``signal_kills`` (while stopping), a further SIGINT/SIGTERM kills them at once."""
        deadline = time.monotonic() + timeout
        while pids & self._children and time.monotonic() < deadline:
            for pid, _ in _reap():
                self._children.discard(pid)
                self._retiring.discard(pid)
            if signal_kills and any(s in (signal.SIGINT, signal.SIGTERM) for s in self._signals):
                self._signals.clear()
                logger.warning("second signal: killing workers")
                for pid in pids & self._children:
                    _kill(pid, signal.SIGKILL)
            time.sleep(_TICK)
        return not pids & self._children


def _reap() -> list[tuple[int, int]]:
    """Every (pid, wait status) of children that exited, without blocking."""
    out: list[tuple[int, int]] = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return out
        if pid == 0:
            return out
        out.append((pid, status))


def _kill(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _worker_main(  # pragma: no cover - runs in the child process
    load: Callable[[], ASGIApp],
    config: ServerConfig,
    sock: socket.socket,
    ready_fd: int,
    log_level: str,
) -> NoReturn:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    os.setpgid(0, 0)
    parent = os.getppid()
    code = 0
    try:
        try:
            app = load()
        except AppImportError as exc:  # the app's own frames only, as the CLI shows them
            logging.getLogger("expresspy.server").error("cannot load the app: %s", exc)
            os._exit(BOOT_ERROR)
        except Exception:
            logging.getLogger("expresspy.server").exception("cannot load the app")
            os._exit(BOOT_ERROR)
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()

        def ready() -> None:
            # A restarted worker's supervisor does not wait for this: the pipe may be closed.
            with contextlib.suppress(OSError):
                os.write(ready_fd, b"1")
            os.close(ready_fd)

        run(app, config, sock=sock, on_listen=ready, log_level=log_level)
    except BaseException:
        logging.getLogger("expresspy.server").exception("worker failed")
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


def _watch_parent(parent: int) -> None:  # pragma: no cover - runs in the child process
    """Stop this worker gracefully when its supervisor is gone (we were re-parented)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)

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
from dataclasses import dataclass
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


@dataclass(eq=False)
class _Worker:
    """One forked worker as the supervisor sees it."""

    pid: int
    ready_fd: int | None
    """Read end of the pipe the worker reports ready on (None once read or closed)."""
    deadline: float
    """``time.monotonic()`` by which it must report ready."""
    roll: bool
    """Spawned by a SIGHUP roll, as the extra worker that lets an old one retire."""
    ready: bool = False
    """It reported that it listens (it serves)."""
    retiring: bool = False
    """Asked to stop (SIGTERM): it finishes its requests and exits; it is not replaced."""


class Supervisor:
    """Runs ``workers`` processes serving ``load()`` on one shared socket. ``run()`` blocks and
    returns the exit status: 0 after a clean stop, 1 when workers cannot boot.

    Everything happens in one loop that never blocks for long (``_TICK``), so a signal, a
    dead worker or a worker reporting ready is acted on at once, whatever else is under way:
    a worker that dies is replaced even in the middle of a roll, and a SIGTERM during a roll
    stops everything.
    """

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
        self._workers: dict[int, _Worker] = {}
        self._to_replace: list[int] = []  # old workers the current roll still has to retire
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
            if not self._boot():
                self._stop(signal.SIGKILL)
                return 1
            return self._loop()
        finally:
            for worker in self._workers.values():
                _close_ready(worker)
            self._sock.close()
            if self.config.uds is not None and os.path.exists(self.config.uds):
                os.unlink(self.config.uds)

    def _on_signal(self, signum: int, frame: object) -> None:
        self._signals.append(signum)

    # -- the loop --------------------------------------------------------------------------

    def _boot(self) -> bool:
        """Start the first workers together; False as soon as one fails to get ready."""
        for _ in range(self.workers):
            self._spawn(roll=False)
        while not all(w.ready for w in self._workers.values()):
            for worker in self._check_ready():
                logger.error("worker %d did not start (see its error above)", worker.pid)
                return False
            time.sleep(_TICK)
        return True

    def _loop(self) -> int:
        while True:
            while self._signals:
                signum = self._signals.pop(0)
                if signum == signal.SIGHUP:
                    self._begin_roll()
                else:
                    logger.info("%s received: stopping workers", signal.Signals(signum).name)
                    self._stop(signal.SIGTERM)
                    return 0
            status = self._reap_and_replace()
            if status is not None:
                return status
            self._check_ready()
            self._advance_roll()
            time.sleep(_TICK)

    def _active(self) -> list[_Worker]:
        """Workers serving or starting, not retiring."""
        return [w for w in self._workers.values() if not w.retiring]

    def _spawn(self, roll: bool) -> _Worker:
        assert self._sock is not None
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child process
            os.close(read_end)
            _worker_main(self.load, self.config, self._sock, write_end, self.log_level)
        os.close(write_end)
        worker = _Worker(pid, read_end, time.monotonic() + _READY_TIMEOUT, roll)
        self._workers[pid] = worker
        return worker

    def _check_ready(self) -> list[_Worker]:
        """Mark the workers that reported ready. Return those that will not: exited first
        (their pipe closed; reaping them says why) or past their deadline (killed; a roll
        waiting for one is abandoned)."""
        failed: list[_Worker] = []
        starting = {w.ready_fd: w for w in self._workers.values() if w.ready_fd is not None}
        if starting:
            readable, _, _ = select.select(list(starting), [], [], 0)
            for fd in readable:
                worker = starting[fd]
                worker.ready = os.read(fd, 1) == b"1"
                _close_ready(worker)
                if not worker.ready:
                    failed.append(worker)
        now = time.monotonic()
        for worker in list(self._workers.values()):
            if not (worker.ready or worker.retiring) and now > worker.deadline:
                logger.error(
                    "worker %d not ready after %g s; killing it", worker.pid, _READY_TIMEOUT
                )
                self._retire(worker, signal.SIGKILL)
                if worker.roll:
                    self._abandon_roll()
                failed.append(worker)
        return failed

    def _reap_and_replace(self) -> int | None:
        """Forget the workers that exited; replace each one that was not asked to stop."""
        for pid, status in _reap():
            worker = self._workers.pop(pid, None)
            if worker is None:
                continue
            _close_ready(worker)
            if worker.retiring:
                logger.info("worker %d stopped", pid)
                continue
            code = os.waitstatus_to_exitcode(status)
            if code == BOOT_ERROR:
                if worker.roll:
                    self._abandon_roll()
                    continue
                logger.error("worker %d could not load the app; stopping", pid)
                self._stop(signal.SIGTERM)
                return 1
            how = (
                f"was killed by {_signal_name(-code)}"
                if code < 0
                else (f"exited with status {code}")
            )
            logger.warning("worker %d %s; starting a new one", pid, how)
            now = time.monotonic()
            self._restarts = [t for t in self._restarts if now - t < _CRASH_WINDOW[1]] + [now]
            if len(self._restarts) > _CRASH_WINDOW[0]:
                logger.error("workers keep crashing; stopping")
                self._stop(signal.SIGTERM)
                return 1
        # A roll's extra worker counts: while it starts, N are active without a replacement.
        while len(self._active()) < self.workers:
            self._spawn(roll=False)
        return None

    # -- SIGHUP ----------------------------------------------------------------------------

    def _begin_roll(self) -> None:
        """SIGHUP: replace every current worker, one at a time, never below N serving."""
        logger.info("SIGHUP received: replacing workers one by one")
        self._to_replace = [w.pid for w in self._active()]

    def _advance_roll(self) -> None:
        """One step of a roll: retire an old worker once a new one serves beside the N, or
        start the next new one."""
        workers = self._workers
        self._to_replace = [p for p in self._to_replace if p in workers and not workers[p].retiring]
        active = self._active()
        serving = [w for w in active if w.ready]
        if len(serving) > self.workers:
            old = self._to_replace.pop(0) if self._to_replace else serving[0].pid
            self._retire(self._workers[old], signal.SIGTERM)
            if not self._to_replace:
                logger.info("workers replaced")
        elif self._to_replace and len(active) == self.workers and len(serving) == len(active):
            self._spawn(roll=True)

    def _abandon_roll(self) -> None:
        logger.error("new worker failed to start; keeping the old ones")
        self._to_replace.clear()

    def _retire(self, worker: _Worker, signum: int) -> None:
        worker.retiring = True
        _close_ready(worker)
        _kill(worker.pid, signum)

    # -- stopping --------------------------------------------------------------------------

    def _stop(self, signum: int) -> None:
        # Retiring workers already got their SIGTERM: a second one would drop their requests.
        for worker in self._active():
            self._retire(worker, signum)
        grace = self.config.graceful_timeout + 5
        if not self._wait_for(set(self._workers), grace, signal_kills=True):
            for pid in list(self._workers):
                _kill(pid, signal.SIGKILL)
            self._wait_for(set(self._workers), 5.0)

    def _wait_for(self, pids: set[int], timeout: float, signal_kills: bool = False) -> bool:
        """Reap until ``pids`` have all exited or ``timeout`` seconds pass. With
        ``signal_kills`` (while stopping), a further SIGINT/SIGTERM kills them at once."""
        deadline = time.monotonic() + timeout
        while pids & self._workers.keys() and time.monotonic() < deadline:
            for pid, _ in _reap():
                worker = self._workers.pop(pid, None)
                if worker is not None:
                    _close_ready(worker)
            if signal_kills and any(s in (signal.SIGINT, signal.SIGTERM) for s in self._signals):
                self._signals.clear()
                logger.warning("second signal: killing workers")
                for pid in pids & self._workers.keys():
                    _kill(pid, signal.SIGKILL)
            time.sleep(_TICK)
        return not pids & self._workers.keys()


def _close_ready(worker: _Worker) -> None:
    if worker.ready_fd is not None:
        os.close(worker.ready_fd)
        worker.ready_fd = None


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


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
            # The supervisor may have stopped waiting (it retired us): the pipe may be closed.
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

"""Rolling restarts under keep-alive load, and the supervisor replacing a worker it lost.

``expresspy run --workers 2`` as a subprocess; keep-alive clients (asyncio, loopback, bounded
in number and time) send requests back to back while the supervisor gets SIGHUP. Every request
must get a complete response: a retiring worker answers the request in progress on each
connection with ``Connection: close`` and closes only then, never under a request on its way.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import BACKENDS, MISSING, have_backend
from .proc import Proc, expresspy, write_app
from .rawhttp import connect, read_responses, read_until_close, running, wait_until

CLIENTS = 24
LOAD_SECONDS = 6.0
HUP_AT = (1.0, 2.5, 4.0)  # seconds into the load
REQUEST = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"


@dataclass
class Load:
    """What the clients saw."""

    ok: int = 0
    closes: int = 0  # responses that said Connection: close (the client then reconnects)
    errors: list[str] = field(default_factory=list)
    pids: set[str] = field(default_factory=set)


async def keep_alive_client(port: int, until: float, load: Load) -> None:
    """Send requests back to back on one connection, reconnecting after Connection: close;
    record anything else (a reset, an EOF before a whole response) as an error."""
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    while time.monotonic() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            writer.write(REQUEST)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            lines = head.decode("latin-1").lower().split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:] if line)
            body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 10)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as exc:
            load.errors.append(f"{type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            writer = None
            continue
        assert lines[0].startswith("http/1.1 200"), head
        load.ok += 1
        load.pids.add(body.split()[1].decode())
        if headers.get("connection") == "close":
            load.closes += 1
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def load_with_rolls(port: int, proc: Proc) -> Load:
    load = Load()
    loop = asyncio.get_running_loop()
    start = time.monotonic()
    for delay in HUP_AT:
        loop.call_later(delay, proc.signal, signal.SIGHUP)
    until = start + LOAD_SECONDS
    await asyncio.gather(*(keep_alive_client(port, until, load) for _ in range(CLIENTS)))
    return load


@pytest.mark.parametrize("http", BACKENDS)
def test_rolling_restart_under_keep_alive_load_drops_no_request(tmp_path: Path, http: str) -> None:
    if not have_backend(http):
        pytest.skip(MISSING)
    write_app(tmp_path)
    args = ["run", "app.py", "--port", "0", "--workers", "2", "--http", http, "--no-access-log"]
    with expresspy(args, tmp_path) as proc:
        port = proc.port()
        proc.wait_for("worker .* serving")
        load = asyncio.run(load_with_rolls(port, proc))
        print(
            f"{http}: {load.ok} responses, {load.closes} with Connection: close, "
            f"{len(load.errors)} errors, {len(load.pids)} worker pids"
        )
        assert load.errors == []
        # The rolls happened under the load: the clients met new workers and were told to
        # reconnect when theirs retired.
        assert len(load.pids) >= 4, load.pids
        assert load.closes >= CLIENTS
        proc.signal(signal.SIGTERM)
        assert proc.wait(20) == 0


class StreamingApp:
    """``/stream`` sends its head and a first chunk, waits, then ends; anything else: ``ok``."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"] == "/stream":
            await send({"type": "http.response.body", "body": b"a", "more_body": True})
            await asyncio.sleep(0.5)
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.usefixtures("backend")
def test_shutdown_closes_keep_alive_connections_only_between_requests() -> None:
    """During a graceful shutdown: a request sent on an idle keep-alive connection, or right
    after a response that already said keep-alive, is served with Connection: close; a
    connection that stays silent is closed after the grace second."""
    get = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    with running(StreamingApp()) as srv:
        idle, silent, streaming = connect(srv.port), connect(srv.port), connect(srv.port)
        for sock in (idle, silent):
            sock.sendall(get)
            assert read_responses(sock, 1)[0].headers["connection"] == "keep-alive"
        streaming.sendall(b"GET /stream HTTP/1.1\r\nHost: a\r\n\r\n")
        streaming.recv(1)  # the head (keep-alive) is out; the body is still coming
        stopper = threading.Thread(target=srv.stop)
        stopper.start()
        stopping = time.monotonic()
        time.sleep(0.3)
        idle.sendall(get)
        first = read_responses(streaming, 1)[0]  # "a" + "ok", after the one byte read
        assert first.raw_head.endswith(b"keep-alive: timeout=5")
        streaming.sendall(get)
        for sock in (idle, streaming):
            response = read_responses(sock, 1)[0]
            assert (response.status, response.headers["connection"], response.body) == (
                200,
                "close",
                b"ok",
            )
            assert read_until_close(sock, 2) == (b"", True)
        assert read_until_close(silent, 3) == (b"", True)
        assert 0.9 < time.monotonic() - stopping < 3
        stopper.join(5)
        for sock in (idle, silent, streaming):
            sock.close()


def live_children(parent: int) -> set[int]:
    """Pids of the processes whose parent is ``parent`` (from /proc), zombies excluded."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent and fields[0] != "Z":
            found.add(int(entry.name))
    return found


@contextmanager
def two_workers(folder: Path) -> Iterator[tuple[Proc, int, int]]:
    """``expresspy run app.py --workers 2`` in ``folder`` once both workers run: (process,
    port, supervisor pid); stopped with SIGTERM afterwards (exit status 0 asserted)."""
    args = ["run", "app.py", "--port", "0", "--workers", "2", "--no-access-log"]
    with expresspy(args, folder) as proc:
        port = proc.port()
        supervisor = proc.popen.pid
        assert wait_until(lambda: len(live_children(supervisor)) == 2, 15)
        yield proc, port, supervisor
        proc.signal(signal.SIGTERM)
        assert proc.wait(20) == 0


def test_a_worker_killed_during_a_roll_is_replaced(tmp_path: Path) -> None:
    """SIGHUP while the old workers drain slow requests, then kill -9 the first new worker:
    the supervisor logs the loss, starts another, finishes the roll, and ends with two live
    workers that serve (none of them old or killed)."""
    write_app(tmp_path)
    with two_workers(tmp_path) as (proc, port, supervisor):
        old = live_children(supervisor)
        slow = [connect(port, timeout=15) for _ in range(6)]
        for sock in slow:  # spread over both old workers by the kernel
            sock.sendall(b"GET /slow?3 HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(0.3)
        proc.signal(signal.SIGHUP)
        assert wait_until(lambda: live_children(supervisor) - old, 15)
        new = min(live_children(supervisor) - old)
        proc.wait_for(rf"worker {new} serving")
        time.sleep(0.2)  # an old worker is retiring now, draining its slow requests
        os.kill(new, signal.SIGKILL)
        proc.wait_for(rf"worker {new} was killed by SIGKILL; starting a new one", 5)
        for sock in slow:
            response = read_responses(sock, 1, timeout=10)[0]
            assert (response.status, response.headers["connection"]) == (200, "close")
            sock.close()
        proc.wait_for("workers replaced", 15)
        assert wait_until(lambda: len(live_children(supervisor)) == 2, 10)
        final = live_children(supervisor)
        assert not final & (old | {new})
        answered = {exchange_pid(port) for _ in range(40)}
        assert answered == {str(pid) for pid in final}


def test_a_roll_to_code_that_cannot_load_keeps_the_old_workers(tmp_path: Path) -> None:
    """SIGHUP with a broken app.py: the new worker fails to boot, the old ones keep serving;
    after a fix, the next SIGHUP rolls every worker over to the new code."""
    write_app(tmp_path, mark="v1")
    with two_workers(tmp_path) as (proc, port, supervisor):
        old = live_children(supervisor)
        (tmp_path / "app.py").write_text("raise RuntimeError('broken deploy')\n")
        proc.signal(signal.SIGHUP)
        proc.wait_for("new worker failed to start; keeping the old ones")
        assert live_children(supervisor) == old
        assert {mark_and_pid(port)[0] for _ in range(10)} == {"v1"}
        write_app(tmp_path, mark="v2")
        proc.signal(signal.SIGHUP)
        proc.wait_for("workers replaced", 15)
        assert wait_until(lambda: not live_children(supervisor) & old, 10)
        assert {mark_and_pid(port)[0] for _ in range(10)} == {"v2"}


def test_workers_that_cannot_load_the_app_stop_the_supervisor(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("raise RuntimeError('broken')\n")
    with expresspy(["run", "app.py", "--port", "0", "--workers", "2"], tmp_path) as proc:
        assert proc.wait(20) == 1
        proc.wait_for("did not start")


def mark_and_pid(port: int) -> tuple[str, str]:
    with connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        mark, pid = read_responses(sock, 1)[0].body.split()[:2]
    return mark.decode(), pid.decode().removeprefix("pid=")


def exchange_pid(port: int) -> str:
    return mark_and_pid(port)[1]


def test_sigterm_during_a_roll_lets_the_retiring_workers_finish(tmp_path: Path) -> None:
    """SIGTERM while old workers drain slow requests: the supervisor stops at once, without a
    second SIGTERM to the retiring workers (which would drop their requests): every slow
    request still gets its whole response."""
    write_app(tmp_path)
    args = ["run", "app.py", "--port", "0", "--workers", "2", "--no-access-log"]
    with expresspy(args, tmp_path) as proc:
        port = proc.port()
        supervisor = proc.popen.pid
        assert wait_until(lambda: len(live_children(supervisor)) == 2, 15)
        old = live_children(supervisor)
        slow = [connect(port, timeout=15) for _ in range(6)]
        for sock in slow:
            sock.sendall(b"GET /slow?2 HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(0.3)
        proc.signal(signal.SIGHUP)
        assert wait_until(lambda: live_children(supervisor) - old, 15)
        time.sleep(0.5)  # the new worker is ready, an old one retiring
        proc.signal(signal.SIGTERM)
        for sock in slow:
            response = read_responses(sock, 1, timeout=10)[0]
            assert (response.status, response.headers["connection"]) == (200, "close")
            sock.close()
        assert proc.wait(20) == 0
        with pytest.raises(AssertionError):
            proc.wait_for("second signal|cancelling", timeout=1)

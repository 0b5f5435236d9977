"""Write back-pressure under pipelining: a client that sends many requests and reads nothing.

The server must stop starting pipelined requests while its write buffer is over
``flow_high_water`` (so it does not generate and hold every response), close a client that has
read nothing for ``write_timeout`` seconds, and still serve a client that reads slowly.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from .rawhttp import Response, parse_responses, running, wait_until

pytestmark = pytest.mark.usefixtures("backend", "app_path")  # each back-end, both paths

BODY_SIZE = 64 * 1024
REQUESTS = 1000
# Loopback socket buffers on both sides hold a few MiB at most (Linux autotuning caps the
# sender at tcp_wmem's 4 MiB by default); the client's receive buffer is set small below. So
# the server can legitimately produce a few dozen 64 KiB responses before it has to wait.
MOST_RESPONSES_BUFFERED = 150


class BigResponses:
    """Answers ``GET /N`` with 64 KiB that say N (so a reader can check order and integrity);
    counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        path = scope["path"]
        body = b"x" * (16 << 20) if path == "/huge" else body_for(path)
        await send({"type": "http.response.body", "body": body})


def body_for(path: str) -> bytes:
    """The 64 KiB body of ``GET path``: the path repeated."""
    unit = path.encode().ljust(16, b".")
    return unit * (BODY_SIZE // len(unit)) + b"!" * (BODY_SIZE % len(unit))


def pipeline(count: int) -> bytes:
    return b"".join(b"GET /%d HTTP/1.1\r\nHost: a\r\n\r\n" % i for i in range(count))


def small_window_client(port: int) -> socket.socket:
    """A client socket with a 64 KiB receive buffer (so the kernel holds little for it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.connect(("127.0.0.1", port))
    return sock


def non_reading_client(port: int) -> socket.socket:
    sock = small_window_client(port)
    sock.sendall(pipeline(REQUESTS))
    return sock


def test_a_client_that_reads_nothing_stops_response_generation() -> None:
    app = BigResponses()
    with running(app, write_timeout=30.0) as srv:
        sock = non_reading_client(srv.port)
        try:
            time.sleep(1.0)
            first = app.calls
            time.sleep(1.0)
            # Generation stopped (not merely slowed down) well short of the 1,000 requests,
            # and the connection is still open: the write timeout has not run out.
            assert app.calls == first, (first, app.calls)
            assert 0 < app.calls <= MOST_RESPONSES_BUFFERED, app.calls
            assert srv.server.connection_count == 1
        finally:
            sock.close()


def test_a_client_that_reads_nothing_is_closed_after_the_write_timeout() -> None:
    app = BigResponses()
    with running(app, write_timeout=0.5) as srv:
        sock = non_reading_client(srv.port)
        try:
            start = time.monotonic()
            assert wait_until(lambda: app.calls > 0, 5.0)
            assert srv.server.connection_count == 1
            assert wait_until(lambda: srv.server.connection_count == 0, 5.0)
            # At least write_timeout after the buffer filled; checked every quarter of it.
            assert time.monotonic() - start >= 0.5
            assert app.calls <= MOST_RESPONSES_BUFFERED
        finally:
            sock.close()


def test_a_closing_connection_does_not_wait_forever_for_a_client_that_reads_nothing() -> None:
    """A last response (Connection: close) bigger than the socket buffers, never read: the
    close that waits for the buffer to be sent gives up after the write timeout."""
    app = BigResponses()
    with running(app, write_timeout=0.5) as srv, small_window_client(srv.port) as sock:
        sock.sendall(b"GET /huge HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        assert wait_until(lambda: app.calls == 1, 5.0)
        assert wait_until(lambda: srv.server.connection_count == 0, 5.0)


def test_a_client_that_reads_slowly_gets_every_response_intact() -> None:
    """Pauses shorter than the write timeout are fine, however long the whole download.

    (The server sees a read only once the kernel's send buffer has room again, a few hundred
    KiB later: hence a write timeout well above the pauses.)"""
    count = 200
    app = BigResponses()
    with running(app, write_timeout=2.0) as srv:
        with small_window_client(srv.port) as sock:
            sock.sendall(pipeline(count))
            time.sleep(0.6)  # read nothing for a while, but less than the write timeout
            peak = app.calls
            got: list[Response] = []
            buf = b""
            next_pause = 50
            sock.settimeout(10)
            while len(got) < count:
                data = sock.recv(16384)  # slowly: small reads with pauses in between
                assert data, f"closed after {len(got)} responses"
                more, buf = parse_responses(buf + data)
                got += more
                time.sleep(0.002)
                if len(got) >= next_pause:
                    next_pause += 50
                    time.sleep(0.4)
        assert peak < count
        assert app.calls == count
        assert [r.status for r in got] == [200] * count
        assert [r.body == body_for(f"/{i}") for i, r in enumerate(got)] == [True] * count

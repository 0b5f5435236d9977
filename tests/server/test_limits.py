"""Limits and timeouts over real sockets (security.md §2.4), with small figures to stay fast.

Every test runs once per parser back-end (h11, httptools): the limits are the transport's and
the pre-check's, and must hold whichever parser reads the bytes."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from .rawhttp import (
    EchoApp,
    connect,
    exchange,
    read_responses,
    read_until_close,
    running,
    send,
)

pytestmark = pytest.mark.usefixtures("backend", "app_path")  # each back-end, both paths


def _request_with_target(length: int) -> bytes:
    # "GET " + target + " HTTP/1.1" is the request line; pad the target to reach ``length``.
    target = b"/" + b"a" * (length - len(b"GET / HTTP/1.1"))
    return b"GET " + target + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"


@pytest.mark.parametrize("piece", [None, 1000], ids=["whole", "pieces"])
def test_request_line_limit_414(piece: int | None) -> None:
    """H-30: an 8190-byte request line passes, 8191 gets 414 and a close."""
    with running(EchoApp()) as srv:
        ok, _ = exchange(srv.port, _request_with_target(8190), piece)
        too_long, closed = exchange(srv.port, _request_with_target(8191), piece)
    assert [r.status for r in ok] == [200]
    assert [r.status for r in too_long] == [414]
    assert closed


def _head_of_size(size: int) -> bytes:
    start = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Pad: "
    end = b"\r\n\r\n"
    return start + b"p" * (size - len(start) - len(end)) + end


@pytest.mark.parametrize("piece", [None, 1], ids=["whole", "bytewise"])
def test_header_block_limit_431(piece: int | None) -> None:
    """H-31/H-32: 16 KiB - 1 passes, 16 KiB + 1 gets 431, in one write and byte by byte."""
    with running(EchoApp()) as srv:
        ok, _ = exchange(srv.port, _head_of_size(16383), piece)
        exact, _ = exchange(srv.port, _head_of_size(16384), piece)
        big, closed = exchange(srv.port, _head_of_size(16385), piece)
    assert [r.status for r in ok] == [200]
    assert [r.status for r in exact] == [200]
    assert [r.status for r in big] == [431]
    assert closed


def test_head_without_end_over_limit_is_rejected_early() -> None:
    """A head that never ends is cut off at the limit, not buffered forever."""
    with running(EchoApp()) as srv, connect(srv.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"x" * 20000)
        raw, closed = read_until_close(sock, 3.0)
    assert raw.startswith(b"HTTP/1.1 431 ")
    assert closed


def _headers(count: int) -> bytes:
    lines = b"".join(b"X-%d: v\r\n" % i for i in range(count - 2))
    return b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n" + lines + b"\r\n"


def test_header_count_limit_431() -> None:
    """H-33: 100 headers pass, 101 get 431."""
    with running(EchoApp()) as srv:
        ok, _ = exchange(srv.port, _headers(100))
        too_many, closed = exchange(srv.port, _headers(101))
    assert [r.status for r in ok] == [200]
    assert [r.status for r in too_many] == [431]
    assert closed


def _trickle(port: int, first: bytes, times: int, interval: float) -> tuple[bytes, bool, float]:
    """Send ``first``, then one byte every ``interval`` seconds (at most ``times``), then read
    until the server closes: (bytes read, closed, seconds from the first send)."""
    with connect(port) as sock:
        start = time.monotonic()
        sock.sendall(first)
        for _ in range(times):
            time.sleep(interval)
            try:
                sock.sendall(b"x")
            except OSError:
                break
        raw, closed = read_until_close(sock, 3.0)
        return raw, closed, time.monotonic() - start


def test_slowloris_head_timeout_408() -> None:
    """H-34: a head trickled in slower than header_timeout gets 408 and a close, on time."""
    with running(EchoApp(), header_timeout=0.6) as srv:
        raw, closed, elapsed = _trickle(srv.port, b"GET / HTTP/1.1\r\n", 3, 0.25)
    assert raw.startswith(b"HTTP/1.1 408 ")
    assert closed
    assert 0.55 <= elapsed < 1.5


def test_silent_connection_closed_at_header_timeout() -> None:
    """H-35: connect and send nothing: closed (without a response) at the header timeout."""
    with running(EchoApp(), header_timeout=0.5) as srv, connect(srv.port) as sock:
        start = time.monotonic()
        raw, closed = read_until_close(sock, 3.0)
        elapsed = time.monotonic() - start
    assert (raw, closed) == (b"", True)
    assert 0.45 <= elapsed < 1.5


def test_body_idle_timeout_408_and_app_sees_disconnect() -> None:
    """H-36: a body that stops arriving gets 408; the handler sees http.disconnect."""
    app = EchoApp()
    with running(app, body_idle_timeout=0.5) as srv, connect(srv.port) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        raw, closed = read_until_close(sock, 3.0)
        time.sleep(0.05)
    assert raw.startswith(b"HTTP/1.1 408 ")
    assert closed
    assert app.disconnects == 1
    assert app.seen == []


def test_request_timeout_bounds_a_trickled_body() -> None:
    """H-37: reads within the idle limit, but the whole request takes too long: 408."""
    head = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n"
    with running(EchoApp(), body_idle_timeout=0.5, request_timeout=0.8) as srv:
        raw, closed, elapsed = _trickle(srv.port, head, 8, 0.2)
    assert raw.startswith(b"HTTP/1.1 408 ")
    assert closed
    assert 0.75 <= elapsed < 2.0


def test_keep_alive_idle_timeout() -> None:
    """H-38: an idle keep-alive connection is closed after keep_alive_timeout; a request
    sent before that is served."""
    with running(EchoApp(), keep_alive_timeout=0.6) as srv, connect(srv.port) as sock:
        sock.sendall(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n")
        first = read_responses(sock, 1)
        assert first[0].headers["keep-alive"] == "timeout=0"  # int() of 0.6 s
        time.sleep(0.3)
        sock.sendall(b"GET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        assert read_responses(sock, 1)[0].body == b"GET /2 0"
        start = time.monotonic()
        raw, closed = read_until_close(sock, 3.0)
        elapsed = time.monotonic() - start
    assert (raw, closed) == (b"", True)
    assert 0.5 <= elapsed < 1.2


def test_max_requests_per_connection() -> None:
    """H-39: the Nth response says Connection: close and the connection ends."""
    with running(EchoApp(), max_requests_per_connection=3) as srv, connect(srv.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" * 4)
        responses = read_responses(sock, 3)
        rest, closed = read_until_close(sock, 2.0)
    assert [r.headers["connection"] for r in responses] == ["keep-alive", "keep-alive", "close"]
    assert (rest, closed) == (b"", True)


def test_expect_continue_sent_only_when_body_is_read() -> None:
    """H-40: 100 Continue goes out when the app reads; an app that doesn't read gets none."""
    head = b"POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    with running(EchoApp()) as srv:
        with connect(srv.port) as sock:
            sock.sendall(head)
            interim = read_responses(sock, 1)
            sock.sendall(b"hello")
            final = read_responses(sock, 1)
        with connect(srv.port) as sock:
            sock.sendall(head.replace(b"/echo", b"/noread"))
            only = read_responses(sock, 1)
    assert [r.status for r in interim] == [100]
    assert (final[0].status, final[0].body) == (200, b"POST /echo 5")
    assert (only[0].status, only[0].body, only[0].headers["connection"]) == (
        200,
        b"noread",
        "close",
    )


def test_expect_continue_over_body_cap_gets_413_without_100() -> None:
    """H-41: the declared length is over max_body_size: 413 at once, no 100, close."""
    raw = b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n"
    with running(EchoApp(), max_body_size=1000) as srv:
        responses, closed = exchange(srv.port, raw)
    assert [r.status for r in responses] == [413]
    assert closed


def test_expect_on_http10_is_ignored() -> None:
    """H-43: HTTP/1.0 has no 100-continue: the Expect header is ignored."""
    raw = b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"
    with running(EchoApp()) as srv:
        responses, _ = exchange(srv.port, raw)
    assert [(r.status, r.body) for r in responses] == [(200, b"POST / 2")]


def test_body_over_cap_gets_413_and_client_can_read_it() -> None:
    """H-44: a declared body over the cap, still being sent: 413 reaches the client (the
    server drains before closing instead of resetting)."""
    with running(EchoApp(), max_body_size=1000) as srv, connect(srv.port) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 200000\r\n\r\n")
        try:
            for _ in range(20):
                sock.sendall(b"x" * 10000)
        except OSError:
            pass
        raw, closed = read_until_close(sock, 3.0)
    assert raw.startswith(b"HTTP/1.1 413 ")
    assert closed


def test_chunked_body_growing_past_cap_gets_413() -> None:
    """H-45: a chunked body that passes the cap: 413; the app never gets it whole."""
    app = EchoApp()
    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
    with running(app, max_body_size=4096) as srv, connect(srv.port) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(6):
                sock.sendall(chunk)
                time.sleep(0.01)
        except OSError:
            pass
        raw, closed = read_until_close(sock, 3.0)
    assert raw.startswith(b"HTTP/1.1 413 ")
    assert closed
    assert app.seen == []


def test_pipelined_requests_answered_in_order() -> None:
    """H-46: a slow first request does not let later ones overtake it."""
    raw = b"".join(
        b"GET %b HTTP/1.1\r\nHost: a\r\n\r\n" % target
        for target in (b"/slow?ms=200", b"/fast1", b"/fast2")
    )
    with running(EchoApp()) as srv, connect(srv.port) as sock:
        sock.sendall(raw)
        responses = read_responses(sock, 3)
    assert [r.body for r in responses] == [b"GET /slow 0", b"GET /fast1 0", b"GET /fast2 0"]


def test_nothing_after_connection_close_is_served() -> None:
    """H-47: a request pipelined after Connection: close is not answered."""
    app = EchoApp()
    raw = (
        b"GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
    )
    with running(app) as srv:
        responses, closed = exchange(srv.port, raw)
    assert [r.body for r in responses] == [b"GET /1 0"]
    assert closed
    assert [s.path for s in app.seen] == ["/1"]


def test_max_connections_answers_503() -> None:
    with running(EchoApp(), max_connections=2) as srv:
        first, second = connect(srv.port), connect(srv.port)
        try:
            send(first, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            read_responses(first, 1)
            third, closed = exchange(srv.port, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        finally:
            first.close()
            second.close()
        time.sleep(0.1)
        after, _ = exchange(srv.port, b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    assert [r.status for r in third] == [503]
    assert closed
    assert [r.status for r in after] == [200]


def test_read_backpressure_pauses_a_client_the_app_does_not_read() -> None:
    """H-51: an app that never reads: the server stops reading, so the client's sends block
    once the socket buffers are full, instead of the server buffering the upload."""
    import asyncio

    gate = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await gate.wait()

    with running(app, flow_high_water=16384, graceful_timeout=0.2) as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n")
        sock.settimeout(0.5)
        sent = 0
        try:
            for _ in range(2000):
                sent += sock.send(b"x" * 65536)
        except TimeoutError:
            pass
        sock.close()
    # Kernel buffers on both sides hold a few MiB at most; the rest of 100 MB never left.
    assert sent < 16 * 1024 * 1024


def _stream_trailers(port: int, line: bytes, seconds: float) -> tuple[bytes, bool, int, float]:
    """Send a chunked head and its last chunk, then ``line`` over and over (an endless trailer
    section) for at most ``seconds`` or until the server answers. Returns (bytes read, closed,
    trailer bytes sent, seconds from the first send to the close)."""
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
    sent = 0
    stream = line * 16
    with connect(port) as sock:
        start = time.monotonic()
        sock.sendall(head)
        sock.setblocking(False)
        while time.monotonic() - start < seconds:
            try:
                if sock.recv(1, socket.MSG_PEEK):
                    break  # the server has answered
            except BlockingIOError:
                pass
            except OSError:
                break
            try:
                offset = sent % len(stream)  # continue where a partial send stopped
                sent += sock.send(stream[offset:] + stream[:offset])
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break
        sock.setblocking(True)
        raw, closed = read_until_close(sock, 3.0)
        return raw, closed, sent, time.monotonic() - start


@pytest.mark.parametrize(
    ("line", "status"),
    [(b"X-T: " + b"a" * 4000 + b"\r\n", 431), (b"X: 1\r\n", 431)],
    ids=["4KB lines", "short lines"],
)
def test_endless_trailer_section_is_cut_off(line: bytes, status: int) -> None:
    """Issue 16 item 3: a trailer section counts against the head limits (max_header_bytes,
    max_header_count): an endless one gets 431 and a close at once, on both back-ends,
    instead of being buffered until the request timeout."""
    app = EchoApp()
    with running(app) as srv:
        raw, closed, sent, elapsed = _stream_trailers(srv.port, line, 10.0)
    assert raw.startswith(b"HTTP/1.1 %d " % status), raw[:80]
    assert closed
    assert elapsed < 5.0
    # The server stopped reading soon after the limit: what was sent is at most the limit
    # plus what the socket buffers on both sides hold.
    assert sent < 16384 + 8 * 1024 * 1024
    assert app.seen == []


def test_trailer_section_within_the_limits_is_accepted() -> None:
    """A trailer section just under max_header_count fields is read and dropped."""
    app = EchoApp()
    trailers = b"".join(b"X-%d: v\r\n" % i for i in range(100))
    raw = (
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"3\r\nabc\r\n0\r\n" + trailers + b"\r\n"
    )
    with running(app) as srv:
        responses, _ = exchange(srv.port, raw)
        too_many, _ = exchange(srv.port, raw.replace(b"0\r\n", b"0\r\nX-100: v\r\n"))
    assert [r.body for r in responses] == [b"POST / 3"]
    assert [r.status for r in too_many] == [431]


def test_many_tiny_chunks_get_400() -> None:
    """Issue 16 item 9: past 1,024 chunks the average chunk must reach min_chunk_average
    (64 bytes by default): 2,000 one-byte chunks get 400 and a close, and the app sees
    http.disconnect, never the body; with the limit off they are served."""
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    raw = head + b"1\r\nx\r\n" * 2000 + b"0\r\n\r\n"
    app = EchoApp()
    with running(app) as srv:
        refused, closed = exchange(srv.port, raw)
    assert [r.status for r in refused] == [400]
    assert closed
    assert app.seen == []
    with running(EchoApp(), min_chunk_average=None) as srv:
        served, _ = exchange(srv.port, raw)
    assert [r.body for r in served] == [b"POST / 2000"]

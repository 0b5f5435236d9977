"""The ASGI side: scope contents, lifespan, response framing, streaming, files, disconnects."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import tempfile
import time
from typing import Any

import pytest

from expresspy.server import BackgroundServer, LifespanFailure, ServerConfig

from .rawhttp import EchoApp, connect, exchange, read_responses, read_until_close, respond, running

pytestmark = pytest.mark.usefixtures("app_path")  # ASGI and native

GET = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"


def test_scope_is_complete() -> None:
    app = EchoApp()
    raw = (
        b"GET /caf%C3%A9/x%2Fy?q=1&r=%20 HTTP/1.1\r\n"
        b"Host: h:1\r\nX-Mixed-Case: V\r\nConnection: close\r\n\r\n"
    )
    with running(app) as srv:
        port = srv.port
        exchange(port, raw)
    scope = app.seen[0].scope
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.4"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "GET"
    assert scope["scheme"] == "http"
    assert scope["path"] == "/café/x/y"
    assert scope["raw_path"] == b"/caf%C3%A9/x%2Fy"
    assert scope["query_string"] == b"q=1&r=%20"
    assert scope["root_path"] == ""
    assert scope["headers"] == [
        (b"host", b"h:1"),
        (b"x-mixed-case", b"V"),
        (b"connection", b"close"),
    ]
    assert scope["client"][0] == "127.0.0.1" and isinstance(scope["client"][1], int)
    assert scope["server"] == ("127.0.0.1", port)
    assert scope["state"] == {}
    assert "http.response.zerocopysend" in scope["extensions"]


def test_lifespan_startup_state_and_shutdown() -> None:
    events: list[str] = []
    scopes: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    scope["state"]["db"] = "connected"
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        scopes.append(scope)
        await respond(send, 200, b"ok")

    with running(app) as srv:
        assert events == ["lifespan.startup"]
        exchange(srv.port, GET)
    assert events == ["lifespan.startup", "lifespan.shutdown"]
    assert scopes[0]["state"] == {"db": "connected"}


def test_app_without_lifespan_support_is_served() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await respond(send, 200, b"plain")

    with running(app) as srv:
        responses, _ = exchange(srv.port, GET)
    assert [r.body for r in responses] == [b"plain"]


def test_lifespan_startup_failure_stops_start() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no database"})

    server = BackgroundServer(app, ServerConfig(port=0))
    with pytest.raises(LifespanFailure, match="no database"):
        server.start()


def test_streaming_response_is_chunked_and_keeps_alive() -> None:
    with running(EchoApp()) as srv, connect(srv.port) as sock:
        sock.sendall(
            b"GET /stream?n=3 HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n"
        )
        responses = read_responses(sock, 2)
    assert responses[0].headers["transfer-encoding"] == "chunked"
    assert responses[0].body == b"part0;part1;part2;"
    assert responses[1].body == b"GET /after 0"


def test_streaming_to_http10_is_close_delimited() -> None:
    with running(EchoApp()) as srv, connect(srv.port) as sock:
        sock.sendall(b"GET /stream?n=2 HTTP/1.0\r\n\r\n")
        raw, closed = read_until_close(sock)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head.lower()
    assert b"connection: close" in head
    assert (body, closed) == (b"part0;part1;", True)


def test_head_response_has_length_but_no_body() -> None:
    with running(EchoApp()) as srv, connect(srv.port) as sock:
        sock.sendall(b"HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n")
        head = read_responses(sock, 1, head_only=True)[0]
        sock.sendall(b"GET /y HTTP/1.1\r\nHost: a\r\n\r\n")
        follow = read_responses(sock, 1)[0]
    assert head.headers["content-length"] == str(len(b"HEAD /x 0"))
    assert follow.body == b"GET /y 0"


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses_carry_no_framing(status: int) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await respond(send, status, b"")

    with running(app) as srv, connect(srv.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" * 2)
        responses = read_responses(sock, 2)
    assert [r.status for r in responses] == [status, status]
    assert "content-length" not in responses[0].headers
    assert "transfer-encoding" not in responses[0].headers


def test_app_content_length_is_honoured_and_overrun_closes() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = [(b"content-length", b"4")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ab", "more_body": True})
        await send(
            {"type": "http.response.body", "body": b"cd" if scope["path"] == "/ok" else b"cde"}
        )

    with running(app) as srv:
        ok, _ = exchange(srv.port, GET.replace(b"GET /", b"GET /ok"))
        with connect(srv.port) as sock:
            sock.sendall(b"GET /over HTTP/1.1\r\nHost: a\r\n\r\n")
            raw, closed = read_until_close(sock)
    assert ok[0].body == b"abcd"
    assert raw.endswith(b"\r\n\r\nab") and closed


def test_exception_before_response_gives_500_and_server_keeps_serving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/boom":
            raise RuntimeError("boom")
        await respond(send, 200, b"fine")

    with caplog.at_level(logging.ERROR, "expresspy.server"), running(app) as srv:
        with connect(srv.port) as sock:
            sock.sendall(b"GET /boom HTTP/1.1\r\nHost: a\r\n\r\n")
            failed = read_responses(sock, 1)[0]
        after, _ = exchange(srv.port, GET)
    assert (failed.status, failed.body, failed.headers["connection"]) == (
        500,
        b"Internal Server Error",
        "close",
    )
    assert [r.body for r in after] == [b"fine"]
    assert "exception in ASGI application" in caplog.text


def test_invalid_response_header_never_reaches_the_wire() -> None:
    """H-49: a CR/LF in a header value raises before anything is written; the client gets 500."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await respond(send, 200, b"x", [(b"x", b"a\r\nSet-Cookie: x=1")])

    with running(app) as srv:
        responses, _ = exchange(srv.port, GET)
    assert [r.status for r in responses] == [500]
    assert "set-cookie" not in responses[0].headers


def test_client_disconnect_mid_request_is_a_debug_line_and_a_disconnect_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    received: list[str] = []
    done = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while True:
            message = await receive()
            received.append(message["type"])
            if message["type"] == "http.disconnect":
                break
        done.set()

    with caplog.at_level(logging.DEBUG, "expresspy"), running(app) as srv:
        with connect(srv.port) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npartial")
            time.sleep(0.1)
        deadline = time.monotonic() + 3
        while "http.disconnect" not in received and time.monotonic() < deadline:
            time.sleep(0.01)
    assert received == ["http.request", "http.disconnect"]
    assert "disconnected before the response was complete" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_send_after_disconnect_raises_client_disconnected_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcome: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            for _ in range(10_000):
                await send({"type": "http.response.body", "body": b"x" * 65536, "more_body": True})
        except OSError as exc:
            outcome.append(type(exc).__name__)
            raise

    with caplog.at_level(logging.DEBUG, "expresspy"), running(app) as srv:
        with connect(srv.port) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            sock.recv(1000)
        deadline = time.monotonic() + 5
        while not outcome and time.monotonic() < deadline:
            time.sleep(0.01)
    assert outcome == ["ClientDisconnected"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_write_backpressure_suspends_send_until_client_reads() -> None:
    """H-50: the app streams; the client does not read; send() stops returning."""
    progress = {"sent": 0}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(2000):  # 128 MiB if nothing pushed back
            await send({"type": "http.response.body", "body": b"y" * 65536, "more_body": True})
            progress["sent"] += 65536
        await send({"type": "http.response.body", "body": b""})

    with running(app, graceful_timeout=0.2) as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(0.5)
        stalled = progress["sent"]
        time.sleep(0.3)
        still = progress["sent"]
        sock.settimeout(2)
        for _ in range(50):
            sock.recv(1 << 20)
        time.sleep(0.1)
        resumed = progress["sent"]
        sock.close()
    assert stalled == still
    assert stalled < 16 * 1024 * 1024
    assert resumed > still


def test_zerocopysend_serves_a_file_range() -> None:
    with tempfile.NamedTemporaryFile(delete=False) as handle:
        handle.write(bytes(range(256)) * 1024)
        path = handle.name

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        with open(path, "rb") as file:
            headers = [(b"content-length", b"100000")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send(
                {
                    "type": "http.response.zerocopysend",
                    "file": file,
                    "offset": 1000,
                    "count": 100000,
                }
            )

    try:
        with running(app) as srv, connect(srv.port) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" * 2)
            responses = read_responses(sock, 2)
    finally:
        os.unlink(path)
    expected = (bytes(range(256)) * 1024)[1000:101000]
    assert [r.body == expected for r in responses] == [True, True]


def test_response_without_start_is_500() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    with running(app) as srv:
        responses, _ = exchange(srv.port, GET)
    assert [r.status for r in responses] == [500]


def test_date_header_is_current_and_renewed_every_second() -> None:
    """The Date line is prepared once a second by the server, not per response: it must still
    name the current second, and move on while a connection stays open."""
    from email.utils import parsedate_to_datetime

    raw = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    with running(EchoApp()) as srv, connect(srv.port) as sock:
        dates = []
        for _ in range(2):
            sock.sendall(raw)
            response = read_responses(sock, 1)[0]
            dates.append(parsedate_to_datetime(response.headers["date"]).timestamp())
            assert abs(dates[-1] - time.time()) <= 1.5
            time.sleep(1.2)
    assert dates[1] > dates[0]


class BothEntries:
    """An app with both entries, answering which one the server called."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await respond(send, 200, b"asgi")

    async def serve_native(self, exchange: Any) -> None:
        """The native entry: the request's parts without a scope, one respond call."""
        body = b"native %s %s %s" % (
            exchange.method.encode(),
            exchange.raw_path,
            exchange.query_string,
        )
        exchange.respond(200, [(b"content-type", b"text/plain")], body)


@pytest.mark.parametrize(("native", "answer"), [(True, b"native GET /p q=1"), (False, b"asgi")])
def test_the_native_entry_is_called_unless_turned_off(native: bool, answer: bytes) -> None:
    with running(BothEntries(), native=native) as srv:
        responses, _ = exchange(
            srv.port, b"GET /p?q=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        )
    assert [(r.status, r.body) for r in responses] == [(200, answer)]

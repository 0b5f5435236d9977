"""The built-in server's RFC 6455 side, byte by byte over raw sockets, under both request
parsers: the handshake checks, frames (fragments, control frames, masking, UTF-8, size),
the close handshake, keep-alive, permessage-deflate, backpressure, shutdown and limits."""

from __future__ import annotations

import asyncio
import sys
import time
import tracemalloc
import zlib
from typing import Any

import pytest

from tests.server import rawhttp
from tests.server.conftest import backend  # noqa: F401 - the h11/httptools fixture

from .frames import (
    ACCEPT,
    BINARY,
    CLOSE,
    CONTINUATION,
    KEY,
    PING,
    PONG,
    TEXT,
    RawClient,
    close_frame,
    frame,
    handshake,
)


class EchoApp:
    """A plain ASGI app (the server serves any): echoes messages, records what it heard."""

    def __init__(self, subprotocol: bool = False, slow: float = 0.0) -> None:
        self.events: list[dict[str, Any]] = []
        self.subprotocol = subprotocol
        self.slow = slow

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                phase = (await receive())["type"].rsplit(".", 1)[-1]
                await send({"type": f"lifespan.{phase}.complete"})
                if phase == "shutdown":
                    return
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"plain"})
            return
        assert (await receive())["type"] == "websocket.connect"
        if scope["path"] == "/deny":
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": 401,
                    "headers": [(b"x-why", b"no")],
                }
            )
            await send({"type": "websocket.http.response.body", "body": b"go away"})
            return
        if scope["path"] == "/refuse":
            await send({"type": "websocket.close", "code": 1000})
            return
        offered = scope["subprotocols"]
        await send(
            {
                "type": "websocket.accept",
                "subprotocol": offered[0] if self.subprotocol and offered else None,
            }
        )
        while True:
            message = await receive()
            self.events.append(message)
            if message["type"] == "websocket.disconnect":
                return
            if self.slow:
                await asyncio.sleep(self.slow)
                continue
            reply = {"type": "websocket.send"}
            reply.update({k: message[k] for k in ("text", "bytes") if message.get(k) is not None})
            await send(reply)


pytestmark = pytest.mark.usefixtures("backend")


def get_status(port: int) -> int:
    with rawhttp.connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        return rawhttp.read_responses(sock, 1)[0].status


def test_handshake_answers_101_with_the_accept_token() -> None:
    with rawhttp.running(EchoApp()) as server:
        client = RawClient(server.port, handshake("/chat"))
        assert client.status == 101
        assert client.headers[b"sec-websocket-accept"] == ACCEPT
        assert client.headers[b"upgrade"].lower() == b"websocket"
        assert b"sec-websocket-protocol" not in client.headers
        client.send(frame(TEXT, b"hello"))
        assert client.read_frame().payload == b"hello"
        client.close()


@pytest.mark.parametrize(
    ("key", "version", "status", "why"),
    [
        (b"too-short", b"13", 400, b"Missing or invalid Sec-WebSocket-Key header"),
        (b"!!!!!!!!!!!!!!!!!!!!!!==", b"13", 400, b"Missing or invalid Sec-WebSocket-Key header"),
        (None, b"13", 400, b"Missing or invalid Sec-WebSocket-Key header"),
        (KEY, b"8", 426, b"Unsupported Sec-WebSocket-Version (13 is supported)"),
        (KEY, None, 426, b"Unsupported Sec-WebSocket-Version (13 is supported)"),
    ],
)
def test_bad_handshakes_are_refused_before_the_app(
    key: bytes | None, version: bytes | None, status: int, why: bytes
) -> None:
    app = EchoApp()
    with rawhttp.running(app) as server:
        client = RawClient(server.port, handshake(key=key, version=version))
        assert (client.status, client.body) == (status, why)
        if status == 426:
            assert client.headers[b"sec-websocket-version"] == b"13"
        assert client.read_until_eof()
    assert app.events == []


def test_a_plain_get_is_still_http() -> None:
    with rawhttp.running(EchoApp()) as server:
        assert get_status(server.port) == 200


def test_app_refusals_http_response_and_403() -> None:
    with rawhttp.running(EchoApp()) as server:
        denied = RawClient(server.port, handshake("/deny"))
        assert (denied.status, denied.headers[b"x-why"], denied.body) == (401, b"no", b"go away")
        assert denied.read_until_eof()
        refused = RawClient(server.port, handshake("/refuse"))
        assert refused.status == 403
        assert refused.read_until_eof()


def test_unmasked_client_frame_is_a_protocol_error_1002() -> None:
    app = EchoApp()
    with rawhttp.running(app) as server:
        client = RawClient(server.port, handshake())
        client.send(frame(TEXT, b"naked", masked=False))
        reply = client.read_frame()
        assert (reply.opcode, reply.close_code) == (CLOSE, 1002)
        assert client.read_until_eof()
        assert rawhttp.wait_until(lambda: app.events)
    assert app.events[-1]["type"] == "websocket.disconnect"
    assert app.events[-1]["code"] == 1002


def test_invalid_utf8_text_closes_with_1007() -> None:
    with rawhttp.running(EchoApp()) as server:
        client = RawClient(server.port, handshake())
        client.send(frame(TEXT, b"caf\xc3"))  # a truncated two-byte sequence
        reply = client.read_frame()
        assert (reply.opcode, reply.close_code) == (CLOSE, 1007)
        assert client.read_until_eof()


@pytest.mark.parametrize("fragmented", [False, True])
def test_oversize_message_closes_with_1009(fragmented: bool) -> None:
    with rawhttp.running(EchoApp(), ws_max_message_size=1024) as server:
        client = RawClient(server.port, handshake())
        client.send(frame(BINARY, b"x" * 1024))  # exactly the limit: fine
        assert client.read_frame().payload == b"x" * 1024
        if fragmented:
            client.send(frame(BINARY, b"y" * 600, fin=False))
            client.send(frame(CONTINUATION, b"y" * 600))
        else:
            client.send(frame(BINARY, b"y" * 1025))
        reply = client.read_frame()
        assert (reply.opcode, reply.close_code) == (CLOSE, 1009)
        assert client.read_until_eof()


def test_fragments_join_and_control_frames_interleave() -> None:
    with rawhttp.running(EchoApp()) as server:
        client = RawClient(server.port, handshake())
        text = "žluťoučký kůň".encode()
        client.send(frame(TEXT, text[:5], fin=False))  # splits a UTF-8 sequence
        client.send(frame(PING, b"are you there"))
        client.send(frame(CONTINUATION, text[5:9], fin=False))
        client.send(frame(CONTINUATION, text[9:]))
        pong = client.read_frame()
        assert (pong.opcode, pong.payload) == (PONG, b"are you there")
        echo = client.read_frame()
        assert (echo.opcode, echo.payload) == (TEXT, text)
        client.close()


def test_close_handshake_echoes_the_code_and_tells_the_app() -> None:
    app = EchoApp()
    with rawhttp.running(app) as server:
        client = RawClient(server.port, handshake())
        client.send(close_frame(4000, b"bye"))
        reply = client.read_frame()
        assert (reply.opcode, reply.close_code) == (CLOSE, 4000)
        assert client.read_until_eof()
        assert rawhttp.wait_until(lambda: app.events)
    assert app.events == [{"type": "websocket.disconnect", "code": 4000, "reason": "bye"}]


def test_subprotocol_and_origin_checks() -> None:
    allowed = ("http://good.example",)
    with rawhttp.running(EchoApp(subprotocol=True), ws_allowed_origins=allowed) as server:
        ok = RawClient(
            server.port,
            handshake(
                extra=[
                    (b"Origin", b"http://good.example"),
                    (b"Sec-WebSocket-Protocol", b"chat, v2"),
                ]
            ),
        )
        assert (ok.status, ok.headers[b"sec-websocket-protocol"]) == (101, b"chat")
        ok.close()
        bad = RawClient(server.port, handshake(extra=[(b"Origin", b"http://evil.example")]))
        assert (bad.status, bad.body) == (403, b"Origin not allowed")
        missing = RawClient(server.port, handshake())
        assert missing.status == 403


def test_permessage_deflate_is_negotiated_and_inflated() -> None:
    offer = [(b"Sec-WebSocket-Extensions", b"permessage-deflate; client_max_window_bits")]
    with rawhttp.running(EchoApp()) as server:
        client = RawClient(server.port, handshake(extra=offer))
        assert client.headers[b"sec-websocket-extensions"].startswith(b"permessage-deflate")
        text = b"compress me " * 100
        compressor = zlib.compressobj(wbits=-15)
        payload = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
        assert payload.endswith(b"\x00\x00\xff\xff")
        client.send(frame(TEXT, payload[:-4], rsv1=True))
        echo = client.read_frame()
        assert echo.rsv1 and echo.opcode == TEXT
        assert zlib.decompressobj(wbits=-15).decompress(echo.payload + b"\x00\x00\xff\xff") == text
        client.close()
    with rawhttp.running(EchoApp(), ws_per_message_deflate=False) as server:
        plain = RawClient(server.port, handshake(extra=offer))
        assert b"sec-websocket-extensions" not in plain.headers
        plain.close()


def test_a_deflate_bomb_is_1009_without_inflating_it() -> None:
    """64 MiB of zeros compress to about 64 KiB: the server must stop inflating at its limit
    (1 MiB here) instead of holding the whole 64 MiB first."""
    offer = [(b"Sec-WebSocket-Extensions", b"permessage-deflate")]
    compressor = zlib.compressobj(wbits=-15)
    bomb = compressor.compress(bytes(64 * 1024 * 1024)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    with rawhttp.running(EchoApp(), ws_max_message_size=1024 * 1024) as server:
        client = RawClient(server.port, handshake(extra=offer))
        tracemalloc.start()
        try:
            client.send(frame(BINARY, bomb[:-4], rsv1=True))
            reply = client.read_frame()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (reply.opcode, reply.close_code) == (CLOSE, 1009)
        assert peak < 16 * 1024 * 1024, f"{peak} bytes allocated while refusing the bomb"
        assert client.read_until_eof()


def test_keepalive_ping_and_timeout_1011() -> None:
    with rawhttp.running(EchoApp(), ws_ping_interval=0.2, ws_ping_timeout=0.3) as server:
        client = RawClient(server.port, handshake())
        ping = client.read_frame()
        assert ping.opcode == PING
        client.send(frame(PONG, ping.payload))  # answered: the socket stays
        second = client.read_frame()
        assert second.opcode == PING  # the next ping, not a close
        started = time.monotonic()
        reply = client.read_frame()  # not answered this time
        assert (reply.opcode, reply.close_code) == (CLOSE, 1011)
        assert time.monotonic() - started < 2
        assert client.read_until_eof()


def test_graceful_shutdown_sends_1001() -> None:
    with rawhttp.running(EchoApp(), graceful_timeout=3.0) as server:
        client = RawClient(server.port, handshake())
        client.send(frame(TEXT, b"x"))
        assert client.read_frame().payload == b"x"
        stopper = __import__("threading").Thread(target=server.stop)
        stopper.start()
        reply = client.read_frame()
        assert (reply.opcode, reply.close_code) == (CLOSE, 1001)
        client.send(close_frame(1001))
        assert client.read_until_eof()
        stopper.join(10)
        assert not stopper.is_alive()


def test_websockets_count_in_max_connections() -> None:
    with rawhttp.running(EchoApp(), max_connections=1) as server:
        client = RawClient(server.port, handshake())
        assert get_status(server.port) == 503
        client.send(close_frame(1000))
        assert client.read_frame().opcode == CLOSE
        assert client.read_until_eof()
        assert rawhttp.wait_until(lambda: server.server.connection_count == 0)
        assert get_status(server.port) == 200


def test_a_slow_app_holds_a_fast_client_back() -> None:
    """The app takes a message every 3 s; the client sends 64 MiB as fast as it can. If the
    server read ahead without bound, the client could hand all of it to the kernel; with
    backpressure its writes stall once the socket buffers (a few MiB) are full."""
    message = frame(BINARY, b"z" * 65536)
    with rawhttp.running(EchoApp(slow=3.0)) as server:
        client = RawClient(server.port, handshake())
        client.sock.settimeout(2.0)
        sent = 0
        try:
            while sent < 64 * 1024 * 1024:
                client.sock.sendall(message)  # whole frames: a partial one would garble
                sent += len(message)
        except TimeoutError:
            pass
        assert sent < 16 * 1024 * 1024, f"the server took {sent} bytes from a slow app's client"
        client.close()


def test_without_wsproto_an_upgrade_gets_501(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "wsproto", None)  # import wsproto now raises ImportError
    with rawhttp.running(EchoApp()) as server:
        client = RawClient(server.port, handshake())
        assert client.status == 501
        assert b"pip install 'expresspy[ws]'" in client.body


def error_recording_app(heard: list[tuple[Any, ...]]) -> Any:
    """An expresspy app whose `ws` records its "error" and "close" events in order."""
    from expresspy import express

    app = express()

    @app.ws("/")
    def handler(ws: Any, req: Any) -> None:
        ws.on(
            "error",
            lambda err: heard.append(("error", type(err).__name__, err.close_code, ws.ready_state)),
        )
        ws.on("close", lambda code, reason: heard.append(("close", code)))

    return app


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (frame(TEXT, b"caf\xc3"), 1007),  # not UTF-8
        (frame(BINARY, b"y" * 1025), 1009),  # over ws_max_message_size
        (frame(TEXT, b"hi", masked=False), 1002),  # an unmasked client frame
    ],
    ids=["invalid-utf8", "oversize", "unmasked"],
)
def test_a_protocol_error_fires_error_then_close(data: bytes, code: int) -> None:
    heard: list[tuple[Any, ...]] = []
    with rawhttp.running(error_recording_app(heard), ws_max_message_size=1024) as server:
        client = RawClient(server.port, handshake())
        client.send(data)
        assert client.read_frame().close_code == code
        assert client.read_until_eof()
        assert rawhttp.wait_until(lambda: len(heard) >= 2)
    assert heard[0] == ("error", "WebSocketProtocolError", code, 2)  # CLOSING, as in Node
    assert heard[1:] == [("close", 1006)]  # Node ws: no close frame read after the error


def test_a_plain_asgi_app_hears_no_error_message() -> None:
    app = EchoApp()
    with rawhttp.running(app) as server:
        client = RawClient(server.port, handshake())
        client.send(frame(TEXT, b"caf\xc3"))
        assert client.read_frame().close_code == 1007
        assert rawhttp.wait_until(lambda: app.events)
    assert [event["type"] for event in app.events] == ["websocket.disconnect"]


@pytest.mark.parametrize("deny", [False, True])
def test_frames_sent_with_the_handshake_are_kept(deny: bool) -> None:
    # One sendall: head and two frames in the same packet, before the client saw the 101.
    early = frame(TEXT, b"first") + frame(BINARY, b"\x00second")
    app = EchoApp()
    with rawhttp.running(app) as server:
        client = RawClient(server.port, handshake("/deny" if deny else "/") + early)
        if deny:  # refused over HTTP: the early bytes go nowhere, nothing breaks
            assert (client.status, client.body) == (401, b"go away")
            return
        assert client.status == 101
        assert client.read_frame().payload == b"first"
        assert client.read_frame().payload == b"\x00second"
        client.send(frame(TEXT, b"third"))
        assert client.read_frame().payload == b"third"
    assert [e.get("text") or e.get("bytes") for e in app.events[:3]] == [
        "first",
        b"\x00second",
        "third",
    ]

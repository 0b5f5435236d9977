"""Raw-socket helpers and test apps for the server tests (loopback only, every wait bounded)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from expresspy.server import BackgroundServer, ServerConfig
from expresspy.server.types import Message, NativeExchange, Receive, Scope, Send


@dataclass
class Response:
    """One parsed HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes
    raw_head: bytes


@dataclass
class Seen:
    """A request as the app received it (only recorded once its body arrived whole)."""

    method: str
    path: str
    raw_path: bytes
    query: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    scope: dict[str, Any]


@dataclass
class EchoApp:
    """An ASGI app for tests. Paths select behaviour:

    ``/slow?ms=N`` sleeps N ms before answering; ``/noread`` answers without reading the body;
    ``/stream?n=N`` streams N chunks; anything else reads the body and answers
    ``<method> <path> <body length>``. Every request whose body arrived whole is recorded.
    """

    seen: list[Seen] = field(default_factory=list)
    calls: int = 0
    disconnects: int = 0
    lifespan_events: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        self.calls += 1
        query = parse_qs(scope["query_string"].decode())
        if scope["path"] == "/noread":
            await respond(send, 200, b"noread")
            return
        body = await read_body(receive)
        if body is None:
            self.disconnects += 1
            return
        self.seen.append(
            Seen(
                scope["method"],
                scope["path"],
                scope["raw_path"],
                scope["query_string"],
                list(scope["headers"]),
                body,
                dict(scope),
            )
        )
        if scope["path"] == "/slow":
            await asyncio.sleep(int(query.get("ms", ["100"])[0]) / 1000)
        if scope["path"] == "/stream":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            for i in range(int(query.get("n", ["3"])[0])):
                await send(
                    {"type": "http.response.body", "body": b"part%d;" % i, "more_body": True}
                )
            await send({"type": "http.response.body", "body": b""})
            return
        text = f"{scope['method']} {scope['path']} {len(body)}".encode()
        await respond(send, 200, text)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            self.lifespan_events.append(message["type"])
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client went away first."""
    parts = []
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return None
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


async def respond(send: Send, status: int, body: bytes, headers: list[Any] | None = None) -> None:
    """Send a complete response with a single body message."""
    await send({"type": "http.response.start", "status": status, "headers": headers or []})
    await send({"type": "http.response.body", "body": body})


_backend = "auto"


def set_backend(name: str) -> str:
    """Make ``running`` use request parser ``name`` (ServerConfig.http); return the previous."""
    global _backend
    previous, _backend = _backend, name
    return previous


_loop = "asyncio"


def set_loop(name: str) -> str:
    """Make ``running`` use event loop ``name`` (ServerConfig.loop); return the previous."""
    global _loop
    previous, _loop = _loop, name
    return previous


_path = "asgi"


def set_path(name: str) -> str:
    """Make ``running`` serve apps through ASGI (``"asgi"``) or through the server's native
    interface (``"native"``: a plain ASGI app is wrapped in ``NativeBridge``); return the
    previous choice."""
    global _path
    previous, _path = _path, name
    return previous


class NativeBridge:
    """Serves an ASGI test app through the server's native interface (``NativeApp``): the
    app gets the exchange's scope (built on first read), ``receive`` and ``send``; a start
    message followed by a final body message goes out as one ``exchange.respond`` call, as
    expresspy's apps send whole responses. Lifespan still goes through ASGI."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    async def serve_native(self, exchange: NativeExchange) -> None:
        """One HTTP request through the native interface."""
        held: list[Message] = []

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start" and not held:
                held.append(message)  # sent with the body if that comes whole
                return
            if held:
                start = held.pop()
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    headers = list(start.get("headers", []))
                    exchange.respond(start["status"], headers, message.get("body", b""))
                    return
                await exchange.send(start)
            await exchange.send(message)

        await self.app(exchange.scope, exchange.receive, send)


@contextlib.contextmanager
def running(app: Any, **settings: Any) -> Iterator[BackgroundServer]:
    """A BackgroundServer on a free loopback port with ``settings`` applied to ServerConfig
    (and the back-end, loop and path chosen by ``set_backend``, ``set_loop`` and ``set_path``
    unless ``settings`` names them)."""
    if _path == "native" and not hasattr(app, "serve_native"):
        app = NativeBridge(app)
    settings.setdefault("native", _path == "native")
    settings.setdefault("http", _backend)
    settings.setdefault("loop", _loop)
    settings.setdefault("port", 0)
    settings.setdefault("access_log", False)
    settings.setdefault("graceful_timeout", 5.0)
    with BackgroundServer(app, ServerConfig(**settings)) as server:
        yield server


def connect(port: int, timeout: float = 5.0) -> socket.socket:
    """A client socket to 127.0.0.1:port with a receive timeout."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def send(sock: socket.socket, data: bytes, piece: int | None = None) -> None:
    """Send in one write, or in pieces of ``piece`` bytes (1 = byte by byte)."""
    if piece is None:
        sock.sendall(data)
        return
    for start in range(0, len(data), piece):
        sock.sendall(data[start : start + piece])


def read_until_close(sock: socket.socket, timeout: float = 5.0) -> tuple[bytes, bool]:
    """Read until EOF (True) or until ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return b"".join(chunks), True
        if not data:
            return b"".join(chunks), True
        chunks.append(data)
    return b"".join(chunks), False


def read_responses(
    sock: socket.socket, count: int, timeout: float = 5.0, head_only: bool = False
) -> list[Response]:
    """Read exactly ``count`` responses (raises AssertionError after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    parsed: list[Response] = []
    buf = b""  # bytes after the last complete response: each read parses only what is new
    while True:
        more, buf = parse_responses(buf, head_only=head_only)
        parsed += more
        if len(parsed) >= count:
            return parsed[:count]
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only {len(parsed)} of {count} responses in time: {buf!r}"
        sock.settimeout(remaining)
        data = sock.recv(65536)
        assert data, f"closed after {len(parsed)} of {count} responses: {buf!r}"
        buf += data


def exchange(
    port: int, data: bytes, piece: int | None = None, timeout: float = 5.0
) -> tuple[list[Response], bool]:
    """Send ``data``, read until the server closes or ``timeout``: (responses, closed)."""
    with connect(port, timeout) as sock:
        send(sock, data, piece)
        raw, closed = read_until_close(sock, timeout)
    responses, _ = parse_responses(raw)
    return responses, closed


def parse_responses(data: bytes, head_only: bool = False) -> tuple[list[Response], bytes]:
    """Split a byte stream into complete responses; return them and the unparsed rest."""
    out: list[Response] = []
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return out, data
        head = data[:end]
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.decode().lower()] = value.strip().decode("latin-1")
        rest = data[end + 4 :]
        if head_only or status < 200 or status in (204, 304):
            body, rest = b"", rest
        elif headers.get("transfer-encoding") == "chunked":
            decoded = _dechunk(rest)
            if decoded is None:
                return out, data
            body, rest = decoded
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if len(rest) < length:
                return out, data
            body, rest = rest[:length], rest[length:]
        else:
            body, rest = rest, b""
        out.append(Response(status, headers, body, head))
        data = rest


def _dechunk(data: bytes) -> tuple[bytes, bytes] | None:
    body = b""
    while True:
        line_end = data.find(b"\r\n")
        if line_end < 0:
            return None
        size = int(data[:line_end].split(b";")[0], 16)
        if size == 0:
            end = data.find(b"\r\n\r\n", line_end)
            return (body, data[end + 4 :]) if end >= 0 else None
        if len(data) < line_end + 2 + size + 2:
            return None
        body += data[line_end + 2 : line_end + 2 + size]
        data = data[line_end + 2 + size + 2 :]


def wait_until(check: Any, timeout: float = 10.0) -> bool:
    """Poll ``check()`` every 50 ms until it is true (True) or ``timeout`` seconds pass (its
    last value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


def json_body(response: Response) -> Any:
    """The response body decoded as JSON."""
    return json.loads(response.body)

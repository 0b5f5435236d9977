"""Small hand-written ASGI 3 apps the test client is tested against."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Scope = MutableMapping[str, Any]


async def read_body(receive: Receive) -> bytes:
    """The whole request body."""
    body = b""
    while True:
        message = await receive()
        chunk: bytes = message.get("body", b"")
        body += chunk
        if not message.get("more_body", False):
            return body


async def respond(
    send: Send, status: int, headers: list[tuple[str, str]], body: bytes = b""
) -> None:
    """Send a whole response in one start and one body message."""
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers JSON describing the request it got (no lifespan support: it raises)."""
    assert scope["type"] == "http"
    body = await read_body(receive)
    described = {
        "method": scope["method"],
        "path": scope["path"],
        "raw_path": scope["raw_path"].decode("latin-1"),
        "query": scope["query_string"].decode("latin-1"),
        "headers": [[n.decode("latin-1"), v.decode("latin-1")] for n, v in scope["headers"]],
        "body": body.decode("latin-1"),
        "client": list(scope["client"]),
        "http_version": scope["http_version"],
    }
    await respond(send, 200, [("Content-Type", "application/json")], json.dumps(described).encode())


def header(described: dict[str, Any], name: str) -> str | None:
    """The value of header ``name`` in an echo description, ``None`` when absent."""
    for key, value in described["headers"]:
        if key == name:
            return str(value)
    return None


def fixed(status: int, headers: list[tuple[str, str]], body: bytes = b"") -> Any:
    """An app that answers every request the same way."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await respond(send, status, headers, body)

    return app


class CountingLifespanApp:
    """Counts lifespan startups/shutdowns and requests; records the loop of each request."""

    def __init__(self) -> None:
        self.startups = 0
        self.shutdowns = 0
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.lock: asyncio.Lock | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        # An asyncio.Lock made at startup is bound to that loop: it breaks if a request
        # ever runs on another loop, which is what this app is here to catch.
        assert self.lock is not None
        async with self.lock:
            self.loops.append(asyncio.get_running_loop())
        body = json.dumps({"startups": self.startups, "state": scope["state"].get("x")})
        await respond(send, 200, [("Content-Type", "application/json")], body.encode())

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.startups += 1
                self.lock = asyncio.Lock()
                scope["state"]["x"] = "from startup"
                await send({"type": "lifespan.startup.complete"})
            else:
                self.shutdowns += 1
                await send({"type": "lifespan.shutdown.complete"})
                return


async def failing_startup(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuses to start."""
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no database"})
        return
    await respond(send, 200, [])


def slow(seconds: float) -> Any:
    """An app that waits ``seconds`` before answering ``done``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(seconds)
        await respond(send, 200, [("Content-Type", "text/plain")], b"done")

    return app


async def raising(scope: Scope, receive: Receive, send: Send) -> None:
    """Raises before answering."""
    if scope["type"] == "http":
        raise ValueError("boom")


async def half_done(scope: Scope, receive: Receive, send: Send) -> None:
    """Starts a response and returns without ending it."""
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"part", "more_body": True})


async def cookie_app(scope: Scope, receive: Receive, send: Send) -> None:
    """``/login`` sets cookies, ``/logout`` expires one, anything else echoes Cookie."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/login":
        await respond(
            send,
            200,
            [
                ("Set-Cookie", "sid=abc; Path=/; HttpOnly"),
                ("Set-Cookie", "theme=dark; Path=/"),
                ("Set-Cookie", "admin=1; Path=/admin"),
            ],
        )
    elif path == "/logout":
        await respond(
            send, 200, [("Set-Cookie", "sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")]
        )
    elif path == "/bounce":
        await respond(send, 302, [("Location", "/home"), ("Set-Cookie", "bounced=yes; Path=/")])
    else:
        cookie = dict(scope["headers"]).get(b"cookie", b"").decode("latin-1")
        await respond(send, 200, [("Content-Type", "text/plain")], cookie.encode())


async def redirector(scope: Scope, receive: Receive, send: Send) -> None:
    """``/r/<status>/<n>`` redirects n times with that status, then echoes the request."""
    if scope["type"] != "http":
        return
    parts = scope["path"].strip("/").split("/")
    if parts[0] == "r" and int(parts[2]) > 0:
        status, left = int(parts[1]), int(parts[2]) - 1
        await read_body(receive)
        await respond(send, status, [("Location", f"/r/{status}/{left}?q=1")])
        return
    await echo(scope, receive, send)

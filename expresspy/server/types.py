"""ASGI 3 type aliases used by the server, and the native interface an app may offer it.

The server depends on nothing of the framework: ``NativeApp`` is an interface the server
defines and an application implements (expresspy's ``Application`` does; docs/server.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol

__all__ = [
    "ASGIApp",
    "ClientDisconnected",
    "Message",
    "NativeApp",
    "NativeExchange",
    "Receive",
    "Scope",
    "Send",
    "native_entry",
]

Scope = MutableMapping[str, Any]
"""An ASGI connection scope."""
Message = MutableMapping[str, Any]
"""An ASGI event message."""
Receive = Callable[[], Awaitable[Message]]
"""The ``receive`` callable handed to the app."""
Send = Callable[[Message], Awaitable[None]]
"""The ``send`` callable handed to the app."""
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application: ``await app(scope, receive, send)``."""


class ClientDisconnected(OSError):
    """Raised by ``send`` once the client has gone away (ASGI spec 2.4, "Disconnected Client").

    The app also sees ``{"type": "http.disconnect"}`` from ``receive``. If the exception
    escapes the app, the server logs it at debug level only.
    """


class NativeExchange(Protocol):
    """One HTTP request as the built-in server hands it to a ``NativeApp``.

    The request's parts are plain attributes, ready without an ASGI scope: ``method`` (str),
    ``raw_path`` (the target's path as received, percent-encoded, origin form),
    ``query_string`` (bytes after ``?``), ``headers`` (lower-cased name, value byte pairs in
    arrival order, as the scope would hold them), ``http_version`` ("1.1", "1.0") and
    ``loop`` (the event loop serving it). ``scope`` builds the ASGI scope the plain path would
    have passed, on first read only (then the same dict). ``receive`` and ``send`` are that
    path's ASGI callables, for everything the one-call ``respond`` does not cover (reading
    the body, streaming, files).
    """

    method: str
    raw_path: bytes
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    http_version: str
    loop: asyncio.AbstractEventLoop

    @property
    def scope(self) -> Scope:
        """The request's ASGI HTTP scope, built on first read."""

    async def receive(self) -> Message:
        """ASGI ``receive``."""

    async def send(self, message: Message) -> None:
        """ASGI ``send``."""

    def respond(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """The whole response in one call: what ``http.response.start`` with ``status`` and
        ``headers`` then one final ``http.response.body`` with ``body`` would send, under the
        same framing rules, written to the transport before it returns. Raises as ``send``
        would (``ClientDisconnected``, ``wire.InvalidResponse``)."""


class NativeApp(Protocol):
    """An application the built-in server can call without ASGI messages (still an ASGI app).

    When the app served has a ``serve_native`` attribute, the server calls
    ``await app.serve_native(exchange)`` once per HTTP request, from the request's task,
    instead of ``await app(scope, receive, send)``; lifespan and WebSocket connections, and
    every other server, still use the ASGI interface. The server treats both calls alike: an
    exception or a return without a complete response gets the same 500 (or close).
    ``ServerConfig(native=False)`` makes the server use ASGI for every app.
    """

    def serve_native(self, exchange: NativeExchange) -> Awaitable[None]:
        """Serve one HTTP request (see ``NativeExchange``)."""


def native_entry(app: object) -> Callable[[NativeExchange], Awaitable[None]] | None:
    """``app.serve_native`` when ``app`` offers the native interface (``NativeApp``), else
    None (looked up once per server, not per request)."""
    entry = getattr(app, "serve_native", None)
    return entry if callable(entry) else None

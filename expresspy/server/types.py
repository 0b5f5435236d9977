"""ASGI 3 type aliases used by the server (the server depends on nothing else of the framework)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ASGIApp", "ClientDisconnected", "Message", "Receive", "Scope", "Send"]

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

"""The shapes the response side exchanges with an ASGI server, as data: the ``send``
callable, header values, and a body produced after the headers (a file)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

__all__ = ["ZERO_COPY_EXTENSION", "BodySource", "HeaderValue", "Respond", "Send"]

#: ASGI ``send``: awaits one message (``http.response.start``, ``.body``, ...).
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: A server's one-call response, `respond(status, headers, body)`: what a start message and
#: one final body message would send (the built-in server's `NativeExchange.respond`).
Respond = Callable[[int, list[tuple[bytes, bytes]], bytes], None]

#: A header's value: one line, or a list of lines (``Set-Cookie``).
HeaderValue = str | list[str]

#: The ASGI extension of servers that can send a file from its descriptor.
ZERO_COPY_EXTENSION = "http.response.zerocopysend"


class BodySource(Protocol):
    """A body produced on the event loop after the headers went out (a file, for send_file)."""

    async def write_to(self, send: Send, zero_copy: bool) -> None:
        """Send the body as `http.response.body`/`zerocopysend` messages, the last one final."""

    def close(self) -> None:
        """Release what the source holds (an open file); called exactly once, always."""

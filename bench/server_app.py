"""The raw ASGI hello-world app the server benchmarks serve (no framework: the server alone).

``app`` answers every request with a 13-byte ``text/plain`` body and speaks lifespan, so
expresspy's built-in server and uvicorn run it the same way.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

BODY = b"Hello, world!"
HEADERS = [(b"content-type", b"text/plain")]


async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """Hello world, plus the lifespan handshake."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})

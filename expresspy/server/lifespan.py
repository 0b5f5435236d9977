"""The ASGI lifespan protocol: ``startup`` before the first connection, ``shutdown`` after the last.

The app runs once with a ``lifespan`` scope in a task of its own. An app that raises before
answering ``lifespan.startup`` is taken not to support lifespan (fine in ``auto`` mode). The
``state`` dict the app fills during startup is copied (shallowly) into every request scope.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .config import LifespanMode
from .types import ASGIApp, Message

__all__ = ["Lifespan", "LifespanFailure"]

logger = logging.getLogger("expresspy.server")


class LifespanFailure(RuntimeError):
    """Startup or shutdown failed (``lifespan.*.failed`` or an exception in ``on`` mode)."""


class Lifespan:
    """Drives one app through startup and shutdown. ``state`` is the shared lifespan state."""

    def __init__(self, app: ASGIApp, mode: LifespanMode, asgi: dict[str, str]) -> None:
        self._app = app
        self._mode = mode
        self._asgi = asgi
        self.state: dict[str, Any] = {}
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._supported = mode != "off"

    async def startup(self) -> None:
        """Send ``lifespan.startup`` and wait for the answer; raise LifespanFailure on failure."""
        if not self._supported:
            return
        scope = {"type": "lifespan", "asgi": self._asgi, "state": self.state}
        self._task = asyncio.get_running_loop().create_task(self._main(scope))
        await self._exchange("lifespan.startup")

    async def shutdown(self) -> None:
        """Send ``lifespan.shutdown`` and wait for the answer (if startup went through)."""
        if not self._supported or self._task is None:
            return
        try:
            await self._exchange("lifespan.shutdown")
        finally:
            if not self._task.done():
                self._task.cancel()

    async def _exchange(self, kind: str) -> None:
        await self._to_app.put({"type": kind})
        answer = await self._from_app.get()
        if answer["type"] == f"{kind}.complete":
            return
        if answer["type"] == "unsupported":
            self._supported = False
            return
        message = answer.get("message", "")
        raise LifespanFailure(f"{kind} failed: {message}" if message else f"{kind} failed")

    async def _main(self, scope: dict[str, Any]) -> None:
        started = False

        async def receive() -> Message:
            return await self._to_app.get()

        async def send(message: Message) -> None:
            nonlocal started
            started = True
            await self._from_app.put(message)

        try:
            await self._app(scope, receive, send)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                raise
            if started or self._mode == "on":
                logger.exception("exception in the ASGI lifespan handler")
                await self._from_app.put({"type": "lifespan.failed", "message": str(exc)})
            else:
                logger.debug("the app does not support lifespan (%r); carrying on", exc)
                await self._from_app.put({"type": "unsupported"})
        else:
            # Returning without answering also means "no lifespan support" (ASGI spec).
            await self._from_app.put({"type": "unsupported"})

"""A small EventEmitter for the WebSocket object: Node's `on`/`once`/`off` with listeners that
may be plain `def` (run where the app runs sync code) or `async def` (awaited on the loop).

Listeners are called with as many of the event's arguments as they take (Node passes all of
them and JavaScript ignores the extra ones; Python would raise), decided once per listener.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from concurrent.futures import Executor
from typing import Any

from expresspy.events import Listener, ListenerRegistry
from expresspy.runtime.handler import Handler

__all__ = ["Emitter"]

logger = logging.getLogger("expresspy.websocket")


class Emitter(ListenerRegistry):
    """Listeners by event name (expresspy.events' registry); `emit_async` calls them in
    registration order, one by one, awaiting each."""

    def __init__(self, executor: Executor | None) -> None:
        self._listeners = {}
        self._executor = executor  # None: plain `def` listeners run inline on the loop

    def _entry(self, listener: Listener, once: bool) -> tuple[Any, ...]:
        # How to call it (arity, async or not) is read once, at registration.
        return (listener, once, Handler(listener))

    async def emit_async(self, event: str, *args: Any) -> bool:
        """Call every listener of `event` with the arguments it takes; False when there was
        none. An exception in a listener is logged and does not stop the others (Node would
        crash the process; a server must not)."""
        listeners = (self._listeners or {}).get(event)
        if not listeners:
            return False
        for fn, once, handler in list(listeners):
            if once:
                self.off(event, fn)
            await self._call(handler, args, event)
        return True

    async def _call(self, handler: Handler, args: tuple[Any, ...], event: str) -> None:
        call_args = args[: handler.arity]
        try:
            if handler.is_async:
                await handler.fn(*call_args)
            elif self._executor is None:
                handler.fn(*call_args)
            else:
                context = contextvars.copy_context()
                await asyncio.get_running_loop().run_in_executor(
                    self._executor, context.run, handler.fn, *call_args
                )
        except Exception:
            logger.exception("WebSocket %r listener %s failed", event, handler.name)

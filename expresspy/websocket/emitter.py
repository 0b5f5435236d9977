"""A small EventEmitter for the WebSocket object: Node's `on`/`once`/`off` with listeners that
may be plain `def` (run where the app runs sync code) or `async def` (awaited on the loop).

Listeners are called with as many of the event's arguments as they take (Node passes all of
them and JavaScript ignores the extra ones; Python would raise), decided once per listener.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from expresspy.runtime.handler import Handler

__all__ = ["Emitter"]

logger = logging.getLogger("expresspy.websocket")

Listener = Callable[..., Any]


class _Registered:
    """One listener with what calling it needs, inspected once."""

    __slots__ = ("handler", "once")

    def __init__(self, fn: Listener, once: bool) -> None:
        self.handler = Handler(fn)
        self.once = once


class Emitter:
    """Listeners by event name; `emit_async` calls them in registration order, one by one."""

    def __init__(self, executor: Executor | None) -> None:
        self._listeners: dict[str, list[_Registered]] = {}
        self._executor = executor  # None: plain `def` listeners run inline on the loop

    def on(self, event: str, fn: Listener | None = None) -> Any:
        """Add `fn` for `event` and return self (Node's `emitter.on`); a decorator without fn.
        """
        if fn is None:
            def decorator(f: Listener) -> Listener:
                self._add(event, f, once=False)
                return f

            return decorator
        self._add(event, fn, once=False)
        return self

    def once(self, event: str, fn: Listener | None = None) -> Any:
        """Like `on`, but `fn` is removed before its first call."""
        if fn is None:
            def decorator(f: Listener) -> Listener:
                self._add(event, f, once=True)
                return f

            return decorator
        self._add(event, fn, once=True)
        return self

    add_listener = on
    addListener = on

    def off(self, event: str, fn: Listener) -> Any:
        """Remove the most recently added registration of `fn` for `event` (Node's order)."""
        listeners = self._listeners.get(event, [])
        for index in range(len(listeners) - 1, -1, -1):
            if listeners[index].handler.fn is fn:
                del listeners[index]
                break
        return self

    remove_listener = off
    removeListener = off

    def remove_all_listeners(self, event: str | None = None) -> Any:
        """Remove every listener of `event`, or of every event."""
        if event is None:
            self._listeners.clear()
        else:
            self._listeners.pop(event, None)
        return self

    removeAllListeners = remove_all_listeners

    def listener_count(self, event: str) -> int:
        """How many listeners `event` has."""
        return len(self._listeners.get(event, ()))

    listenerCount = listener_count

    def _add(self, event: str, fn: Listener, once: bool) -> None:
        if not callable(fn):
            raise TypeError('The "listener" argument must be a function')
        self._listeners.setdefault(event, []).append(_Registered(fn, once))

    async def emit_async(self, event: str, *args: Any) -> bool:
        """Call every listener of `event` with the arguments it takes; False when there was
        none. An exception in a listener is logged and does not stop the others (Node would
        crash the process; a server must not)."""
        listeners = self._listeners.get(event)
        if not listeners:
            return False
        for registered in list(listeners):
            if registered.once:
                self.off(event, registered.handler.fn)
            await self._call(registered.handler, args, event)
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
                    self._executor, context.run, handler.fn, *call_args)
        except Exception:
            logger.exception("WebSocket %r listener %s failed", event, handler.name)

"""Node's EventEmitter habits on `req` and `res`: `on`, `once`, `off`, `emit`.

Tutorials use `res.on("finish", fn)`, `req.on("close", fn)`, `req.on("data", fn)`. Listeners
are called with Node's arguments cut to what they accept, so `lambda: ...` works for every
event and `lambda chunk: ...` gets `data`'s chunk (Node calls a listener with all its
arguments and JavaScript ignores the extra ones; Python would raise). A listener's exception is
logged and the next listener still runs. An `async def` listener is scheduled on the running
loop and not awaited, as Node does not wait for a listener's promise.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

from expresspy.runtime.handler import positional_parameters

__all__ = [
    "Emitter",
    "Listener",
    "ListenerRegistry",
    "call_with_arity",
    "positional_capacity",
    "spawn",
]

logger = logging.getLogger("expresspy")

Listener = Callable[..., Any]


def positional_capacity(fn: Callable[..., Any]) -> int:
    """How many positional arguments `fn` accepts (a large number for `*args`, or when its
    signature cannot be read)."""
    found = positional_parameters(fn)
    if found is None or found[1]:
        return 255
    return found[0]


def call_with_arity(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Call `fn` with as many of `args` as it accepts (JavaScript's way with extra arguments);
    an awaitable result is scheduled on the running loop, if any."""
    result = fn(*args[: positional_capacity(fn)])
    if inspect.isawaitable(result):
        spawn(result)
    return result


# Tasks started for listeners, kept until done (the loop holds only weak references).
_running: set[asyncio.Future[Any]] = set()


def spawn(awaitable: Any) -> None:
    """Run `awaitable` as a task on the running loop (from the loop thread), unawaited; a
    failure is logged."""
    task = asyncio.ensure_future(awaitable)
    _running.add(task)
    task.add_done_callback(_forget)


def _forget(task: asyncio.Future[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("an async listener failed", exc_info=task.exception())


class ListenerRegistry:
    """The listener registry of Node's EventEmitter (`on`, `once`, `off`, ...), kept per object
    and made on first use. Each registration is a tuple whose first two items are the
    listener and whether it is `once`; a subclass may append what it needs to call it
    (`_entry`). How listeners are called is the subclass's: `Emitter.emit` here, an async
    emit for the WebSocket object."""

    _listeners: dict[str, list[tuple[Any, ...]]] | None = None

    def on(self, event: str, listener: Listener | None = None) -> Any:
        """Call `listener` each time `event` is emitted; returns self (chains, as in Node).
        Without a listener it is a decorator: `@res.on("finish")`."""
        if listener is None:
            return self._listener_decorator(event, once=False)
        self._add_listener(event, listener, once=False)
        return self

    add_listener = on
    addListener = on

    def once(self, event: str, listener: Listener | None = None) -> Any:
        """Call `listener` the next time `event` is emitted only; returns self."""
        if listener is None:
            return self._listener_decorator(event, once=True)
        self._add_listener(event, listener, once=True)
        return self

    def off(self, event: str, listener: Listener) -> Any:
        """Remove the most recently added registration of `listener` for `event`."""
        entries = (self._listeners or {}).get(event)
        if entries:
            for index in range(len(entries) - 1, -1, -1):
                if entries[index][0] is listener or entries[index][0] == listener:
                    del entries[index]
                    break
        return self

    remove_listener = off
    removeListener = off

    def remove_all_listeners(self, event: str | None = None) -> Any:
        """Remove every listener of `event`, or of every event."""
        if self._listeners is not None:
            if event is None:
                self._listeners.clear()
            else:
                self._listeners.pop(event, None)
        return self

    removeAllListeners = remove_all_listeners

    def listener_count(self, event: str) -> int:
        """How many listeners `event` has."""
        return len((self._listeners or {}).get(event, ()))

    listenerCount = listener_count

    def listeners(self, event: str) -> list[Listener]:
        """The listeners of `event`, in the order they are called."""
        return [entry[0] for entry in (self._listeners or {}).get(event, ())]

    def _entry(self, listener: Listener, once: bool) -> tuple[Any, ...]:
        """What is kept for one registration (a subclass may add to it)."""
        return (listener, once)

    def _add_listener(self, event: str, listener: Listener, once: bool) -> None:
        if not callable(listener):
            raise TypeError(f'the "listener" argument must be a function, not {listener!r}')
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(event, []).append(self._entry(listener, once))

    def _listener_decorator(self, event: str, once: bool) -> Callable[[Listener], Listener]:
        def decorator(fn: Listener) -> Listener:
            self._add_listener(event, fn, once)
            return fn

        return decorator


class Emitter(ListenerRegistry):
    """Node's EventEmitter on `req` and `res`: the registry, and `emit` calling listeners in
    place (cut to their arity; an async listener is scheduled, not awaited)."""

    def emit(self, event: str, *args: Any) -> bool:
        """Call the listeners of `event` in order with `args` (cut to what each accepts);
        returns whether there were any."""
        entries = (self._listeners or {}).get(event)
        if not entries:
            return False
        current = list(entries)
        entries[:] = [entry for entry in entries if not entry[1]]
        for fn, _ in current:
            try:
                call_with_arity(fn, args)
            except Exception:
                logger.exception(
                    "%s %r listener %s failed",
                    type(self).__name__.lower(),
                    event,
                    getattr(fn, "__qualname__", fn),
                )
        return True

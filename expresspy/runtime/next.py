"""The `next` callable handed to every handler, safe to call from any thread, and the
per-request :class:`Exchange` state it shares with the dispatcher and the response.

A handler may call `next` while it runs or later, from a callback on another thread. The
dispatcher checks after the handler returns; only if neither `next` was called nor the response
ended does it park on the exchange's latch, which `next()` or the end of the response (or the
client going away) wakes up.
"""

from __future__ import annotations

import asyncio
import traceback
from typing import Any

from expresspy.callbacks import on_loop_thread

# Attribute holding the stack of the `next(err)` call for errors that were never raised.
NEXT_STACK_ATTRIBUTE = "_expresspy_next_stack"

_UNSET: Any = object()


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Exchange:
    """The state of one request/response exchange that the dispatcher, every `next` and the
    response share, made by the app for each request: the wake-up latch the dispatcher parks
    on (`next` and the end of the response trigger it), and whether the client went away."""

    __slots__ = ("_loop", "_waiter", "gone")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiter: asyncio.Future[None] | None = None
        self.gone = False  # the client left before the response was sent

    def arm(self) -> asyncio.Future[None]:
        """Create the future the dispatcher awaits (called on the loop thread)."""
        self._waiter = self._loop.create_future()
        return self._waiter

    def disarm(self) -> None:
        """Forget the current future."""
        self._waiter = None

    def trigger(self) -> None:
        """Wake the dispatcher, from any thread."""
        waiter = self._waiter
        if waiter is None:
            return
        if on_loop_thread(self._loop):
            _wake(waiter)
        else:
            self._loop.call_soon_threadsafe(_wake, waiter)


class Next:
    """Express's `next`: `next()`, `next(err)`, `next("route")`, `next("router")`.

    Only the first call counts, as a second call would run the rest of the stack twice.
    Made by `new_next(exchange)`: the class has no Python `__init__`, which would cost about
    800 instructions more per handler call on 3.11 (dispatch makes one `Next` for each).
    """

    __slots__ = ("called", "exchange", "value")

    called: bool  # next was called (the first call: later ones are ignored)
    value: Any  # what it was called with
    exchange: Exchange  # the request's, whose waiting dispatcher it wakes

    def __call__(self, err: Any = None) -> None:
        if self.called:
            return
        if err is not None and isinstance(err, BaseException) and err.__traceback__ is None:
            # Never raised, so Python has no traceback for it (Node's err.stack is recorded at
            # creation). Where next(err) was called is the most useful stack to show instead.
            err.__dict__.setdefault(NEXT_STACK_ATTRIBUTE, traceback.extract_stack()[:-1])
        self.value = err
        self.called = True
        exchange = self.exchange
        if exchange._waiter is not None:  # the usual caller runs before anyone parks: no call
            exchange.trigger()


def new_next(exchange: Exchange) -> Next:
    """A fresh, uncalled `Next` for one handler call of the request `exchange` belongs to."""
    nxt = Next()
    nxt.called = False
    nxt.value = None
    nxt.exchange = exchange
    return nxt

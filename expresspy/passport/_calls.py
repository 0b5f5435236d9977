"""Calling the application's passport callbacks, whichever way they were written.

passport's callbacks (a strategy's verify, serializers, deserializers, info transformers) take a
Node-style ``done(err, value, ...)`` as their last parameter. A Python app may write them that
way, or return the value (raising for an error), and either may be ``async def``:

    def verify(username, password, done): done(None, user)         # as in passport
    async def verify(username, password): return user                  # the Pythonic form

Which form a function uses is read from its number of positional parameters: one more than the
values passed means it takes ``done``. Plain ``def`` callbacks run where the app runs plain
``def`` handlers (a worker thread, or inline with the ``"sync handlers": "inline"`` setting), so
a blocking database lookup never stalls the server; ``async def`` callbacks run on the loop.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from expresspy.callbacks import running_loop
from expresspy.js import truthy as js_truthy
from expresspy.js import undefined
from expresspy.runtime.handler import Handler

__all__ = ["UNDEFINED", "call_user", "js_truthy", "positional_arity", "takes_done"]


#: JavaScript's ``undefined``: ``done()`` with no value, unlike ``done(None, None)``.
UNDEFINED: Any = undefined


def positional_arity(fn: Callable[..., Any]) -> int:
    """The number of positional parameters ``fn`` takes, read as the router reads a handler's
    (``*args`` counts as 3)."""
    return int(Handler(fn).arity)


def takes_done(fn: Callable[..., Any], values: int) -> bool:
    """True when ``fn`` takes a ``done`` callback after ``values`` positional values."""
    return positional_arity(fn) > values


async def call_user(
    req: Any, fn: Callable[..., Any], args: tuple[Any, ...], with_done: bool
) -> tuple[Any, tuple[Any, ...]]:
    """Call ``fn(*args[, done])`` and return ``(err, values)`` as ``done`` would receive them.

    Return form: the result is ``(None, (value,))`` (a returned tuple gives its items), an
    exception is ``(exc, ())``. ``done`` form: whatever ``done(err, *values)`` was first called
    with (from any thread); an exception raised before ``done`` is ``(exc, ())``; ``done()``
    gives ``(None, ())``.
    """
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[tuple[Any, tuple[Any, ...]]] = loop.create_future()

    def settle(err: Any, values: tuple[Any, ...]) -> None:
        if not outcome.done():
            outcome.set_result((err, values))

    def done(err: Any = None, *values: Any) -> None:
        if running_loop() is loop:
            settle(err, values)
        else:
            loop.call_soon_threadsafe(settle, err, values)

    call_args = (*args, done) if with_done else args
    try:
        result = await run_callable(req, fn, call_args)
    except Exception as exc:
        settle(exc, ())
    else:
        if not with_done:
            settle(None, result if isinstance(result, tuple) else (result,))
    return await outcome


async def run_callable(req: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """``fn(*args)`` where the app runs user code; an awaitable result is awaited on the loop."""
    if inspect.iscoroutinefunction(fn) or _inline(req):
        result = fn(*args)
    else:
        result = await asyncio.to_thread(fn, *args)
    if inspect.isawaitable(result):
        result = await result
    return result


def _inline(req: Any) -> bool:
    app = getattr(req, "app", None)
    return app is not None and app.get("sync handlers") == "inline"

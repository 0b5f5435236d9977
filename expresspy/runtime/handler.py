"""Handlers: a user function, inspected once at registration.

Express decides by `fn.length` whether a function handles requests (up to 3 parameters) or
errors (exactly 4). Python functions are inspected once here, so dispatch inspects nothing.
Plain `def` functions run in the application's thread pool unless it runs them inline; `async
def` functions run on the event loop (`expresspy.runtime.dispatch` runs both).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

HandlerFunc = Callable[..., Any]


def positional_parameters(fn: Callable[..., Any]) -> tuple[int, bool] | None:
    """The number of named positional parameters of `fn` and whether it has `*args`; None
    when its signature cannot be read (a builtin, say)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    count = 0
    for param in sig.parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            return count, True
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            count += 1
    return count, False


def _positional_arity(fn: HandlerFunc) -> int:
    """Number of positional parameters `fn` takes; 3 for `*args` (it accepts `next`)."""
    found = positional_parameters(fn)
    if found is None:
        return 3
    count, varargs = found
    return max(count, 3) if varargs else count


def _is_async(fn: HandlerFunc) -> bool:
    if inspect.iscoroutinefunction(fn):
        return True
    if isinstance(fn, functools.partial):
        return _is_async(fn.func)
    call = getattr(fn, "__call__", None)  # noqa: B004 - objects with an async __call__
    return call is not None and inspect.iscoroutinefunction(call)


class Handler:
    """A registered function with what dispatch needs to know about it, decided once.

    `handles_errors` is true for four-parameter functions `(err, req, res, next)`;
    `handles_requests` for those with at most three.
    """

    __slots__ = (
        "__weakref__",
        "arity",
        "fn",
        "handles_errors",
        "handles_requests",
        "is_async",
        "name",
    )

    def __init__(self, fn: HandlerFunc) -> None:
        if not callable(fn):
            raise TypeError("argument handler must be a function")
        self.fn = fn
        self.arity = _positional_arity(fn)
        self.handles_errors = self.arity == 4
        self.handles_requests = self.arity <= 3
        self.is_async = _is_async(fn)
        self.name = getattr(fn, "__name__", None) or type(fn).__name__

    def __repr__(self) -> str:
        return f"<Handler {self.name}>"


def flatten_handlers(items: tuple[Any, ...]) -> list[Any]:
    """Flatten nested lists/tuples of handlers, as Express flattens `app.use([a, [b, c]])`."""
    flat: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            flat.extend(flatten_handlers(tuple(item)))
        else:
            flat.append(item)
    return flat

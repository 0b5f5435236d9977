"""Running a session's store operation from any thread, with a callback and as an awaitable.

``req.session.save()``, ``destroy()``, ``regenerate()`` and ``reload()`` may be called from an
``async def`` handler (on the event loop), from a plain ``def`` handler (in a worker thread) or
from a callback. Each one starts its store coroutine on the request's event loop at once (so a
call that is neither awaited nor given a callback still happens, as in Express) and returns a
:class:`SessionOperation`:

* ``await op`` (on the loop) waits and raises the store's error, if any;
* ``op.result(timeout)`` (from a worker thread only) blocks until done and raises likewise;
* ``callback(err_or_None)`` is called once it is done, where the operation was started
  (:class:`expresspy.callbacks.CallbackSite`: on the event loop, or in a worker thread), so a
  blocking callback never stalls the server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import sys
import warnings
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from ..callbacks import CallbackSite, running_loop
from ..events import positional_capacity

__all__ = ["Callback", "SessionOperation", "start_operation"]

log = logging.getLogger("expresspy.session")

#: A Node-style completion callback: called with the error, or ``None`` on success.
Callback = Callable[[BaseException | None], object]
AnyFuture = asyncio.Future[Any] | concurrent.futures.Future[Any]


class SessionOperation:
    """Handle on a running session store operation: awaitable, or ``.result()`` from a thread."""

    __slots__ = ("_future", "_loop", "_unused")

    def __init__(self, future: AnyFuture, loop: asyncio.AbstractEventLoop) -> None:
        self._future = future
        self._loop = loop
        self._unused: tuple[str, str, int] | None = None

    def must_be_used(self, call: str) -> SessionOperation:
        """Warn if this handle is dropped without ``await`` or ``.result()``.

        For ``regenerate()`` and ``reload()`` called without a callback: they still run, but
        they replace ``req.session`` when they finish, so the code after an un-awaited call
        works on the old session. express-session requires their callback (Node throws
        without one); expresspy warns instead, with a ``RuntimeWarning`` at the caller's line,
        as Python does for a coroutine that was never awaited.
        """
        self._unused = (call, *_caller_site())
        return self

    def __del__(self) -> None:
        if self._unused is not None:
            _warn_unused(*self._unused)

    def __await__(self) -> Generator[Any, None, None]:
        self._unused = None
        future = self._future
        if isinstance(future, concurrent.futures.Future):
            future = asyncio.wrap_future(future, loop=self._loop)
        yield from future.__await__()

    def done(self) -> bool:
        """True once the store operation has finished (successfully or not)."""
        return self._future.done()

    def result(self, timeout: float | None = None) -> None:
        """Block until done and raise its error; only from a thread other than the loop's.

        Raises ``RuntimeError`` when called on the event loop thread, where blocking would
        deadlock: use ``await`` there.
        """
        self._unused = None
        if running_loop() is self._loop:
            raise RuntimeError("SessionOperation.result() would block the event loop; await it")
        if isinstance(self._future, concurrent.futures.Future):
            self._future.result(timeout)
            return
        waiter = asyncio.run_coroutine_threadsafe(_wait(self._future), self._loop)
        waiter.result(timeout)


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # expresspy/
_warned_sites: dict[Any, Any] = {}  # the warnings registry: each call site warns once


def _caller_site() -> tuple[str, int]:
    """File and line of the nearest caller outside the expresspy package."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    return frame.f_code.co_filename, frame.f_lineno


def _warn_unused(call: str, filename: str, lineno: int) -> None:
    message = (
        f"req.session.{call}() was neither awaited nor given a callback: it runs in the "
        f"background and replaces req.session when it is done, so the code after it still "
        f"sees the old session. Write `await req.session.{call}()` in an async def handler, "
        f"`req.session.{call}().result()` in a plain def handler, or pass a callback: "
        f"`req.session.{call}(lambda err: ...)`"
    )
    try:
        warnings.warn_explicit(message, RuntimeWarning, filename, lineno, registry=_warned_sites)
    except Exception:  # interpreter shutdown, or warnings turned into errors (-W error)
        log.warning("%s:%d: %s", filename, lineno, message)


async def _wait(future: asyncio.Future[Any]) -> None:
    """Await an asyncio future (lets a thread wait on a loop-bound future)."""
    await asyncio.shield(future)


def start_operation(
    loop: asyncio.AbstractEventLoop,
    work: Coroutine[Any, Any, None],
    callback: Callback | None,
    on_callback_error: Callable[[BaseException], None],
) -> SessionOperation:
    """Schedule ``work`` on ``loop`` now and return its :class:`SessionOperation`.

    ``callback`` (if given) receives the error or ``None``. An exception raised by the
    callback itself is passed to ``on_callback_error`` (the middleware turns it into
    ``next(err)``), never lost.
    """
    site = CallbackSite.here(loop)
    future: AnyFuture = (
        loop.create_task(work) if site.on_loop else asyncio.run_coroutine_threadsafe(work, loop)
    )

    def finished(done: AnyFuture) -> None:
        error = None if done.cancelled() else done.exception()
        if callback is None:
            if error is not None:  # the awaiter (if any) sees it; record it for the rest
                log.debug("session operation failed: %r", error)
            return
        site.run(_call, callback, error, on_callback_error)

    future.add_done_callback(finished)
    return SessionOperation(future, loop)


def _call(
    callback: Callback,
    error: BaseException | None,
    on_callback_error: Callable[[BaseException], None],
) -> None:
    """Run a user callback, routing anything it raises to ``on_callback_error``.

    A callback of no parameter (`regenerate(lambda: res.redirect("/"))`, a ported
    `function () {...}`) is called without the error, as JavaScript ignores extra arguments.
    """
    try:
        callback(*(error,)[: positional_capacity(callback)])
    except Exception as exc:  # a handler's exception becomes next(err), as in a handler
        on_callback_error(exc)

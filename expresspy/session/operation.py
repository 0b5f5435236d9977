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
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from ..callbacks import CallbackSite, running_loop

__all__ = ["Callback", "SessionOperation", "start_operation"]

log = logging.getLogger("expresspy.session")

#: A Node-style completion callback: called with the error, or ``None`` on success.
Callback = Callable[[BaseException | None], object]
AnyFuture = asyncio.Future[Any] | concurrent.futures.Future[Any]


class SessionOperation:
    """Handle on a running session store operation: awaitable, or ``.result()`` from a thread."""

    __slots__ = ("_future", "_loop")

    def __init__(self, future: AnyFuture, loop: asyncio.AbstractEventLoop) -> None:
        self._future = future
        self._loop = loop

    def __await__(self) -> Generator[Any, None, None]:
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
        if running_loop() is self._loop:
            raise RuntimeError("SessionOperation.result() would block the event loop; await it")
        if isinstance(self._future, concurrent.futures.Future):
            self._future.result(timeout)
            return
        waiter = asyncio.run_coroutine_threadsafe(_wait(self._future), self._loop)
        waiter.result(timeout)


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
    """Run a user callback, routing anything it raises to ``on_callback_error``."""
    try:
        callback(error)
    except Exception as exc:  # a handler's exception becomes next(err), as in a handler
        on_callback_error(exc)

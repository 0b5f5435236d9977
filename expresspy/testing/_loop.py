"""The one background event loop that every in-process test request runs on.

Apps keep loop-bound state (a ``redis.asyncio`` pool, locks, queues) across requests, so
the test client never makes a loop per request: one daemon thread runs one loop for the
whole process, and both the synchronous and the asynchronous API hand their work to it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from expresspy.callbacks import on_loop_thread

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def background_loop() -> asyncio.AbstractEventLoop:
    """Return the shared loop, starting its thread on first use."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = _start_loop()
        return _loop


def _start_loop() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()

    threading.Thread(target=run, name="expresspy-testing-loop", daemon=True).start()
    ready.wait()
    return loop


def run_sync(coro: Coroutine[Any, Any, T], timeout: float | None) -> T:
    """Run ``coro`` on the background loop and block until it returns.

    On timeout the coroutine is cancelled, so a hung app does not keep running behind the
    next test, and ``TimeoutError`` is raised.
    """
    loop = background_loop()
    if on_loop_thread(loop):
        raise RuntimeError(
            "the synchronous test client was called from the test client's own event loop; "
            "use `await` (async_request/async_agent) inside app code"
        )
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result(timeout)
    except FutureTimeout:
        future.cancel()
        raise TimeoutError from None


async def run_async(coro: Coroutine[Any, Any, T], timeout: float | None) -> T:
    """Run ``coro`` on the background loop and await it from the caller's own loop.

    On timeout the coroutine is cancelled and the builtin ``TimeoutError`` is raised, as
    ``run_sync`` does (before Python 3.11, ``asyncio.wait_for`` raises a different class).
    """
    loop = background_loop()
    try:
        if asyncio.get_running_loop() is loop:
            return await asyncio.wait_for(coro, timeout)
        future = asyncio.run_coroutine_threadsafe(asyncio.wait_for(coro, timeout), loop)
        return await asyncio.wrap_future(future)
    except asyncio.TimeoutError:
        raise TimeoutError from None

"""Where a user's completion callback runs: the one rule for every callback API.

`req.session.save(cb)`, `res.send_file(path, cb)` and kin may be called from an `async def`
handler (on the event loop) or from a plain `def` handler (in a worker thread). Their callback
runs where the call was made: on the event loop when it was started there, in a worker thread
(the loop's default executor) when it was started from a thread, so a blocking callback
written for a `def` handler never stalls the server. It runs in the context of the call, so
context variables the handler saw (Express's AsyncLocalStorage) are there in the callback.

    site = CallbackSite.here(loop)          # when the operation starts
    ...
    site.run(callback, error)               # when it completes, from any thread
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CallbackSite", "on_loop_thread", "running_loop"]


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop running in this thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether this code runs on `loop`'s own thread (inside it): the one check that decides
    between calling into the loop directly and going through `call_soon_threadsafe`."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


@dataclass(frozen=True)
class CallbackSite:
    """Where an operation was started: on `loop` itself, or in a thread off it."""

    loop: asyncio.AbstractEventLoop
    on_loop: bool
    context: contextvars.Context = field(default_factory=contextvars.copy_context)

    @classmethod
    def here(cls, loop: asyncio.AbstractEventLoop) -> CallbackSite:
        """The site of the calling code (call it when the operation starts)."""
        return cls(loop, running_loop() is loop, contextvars.copy_context())

    def run(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` where the operation was started; callable from any thread.

        Started on the loop: `fn` runs on the loop (now, when already there). Started in a
        thread: `fn` runs in the loop's default executor (now, when already off the loop).
        """
        now_on_loop = running_loop() is self.loop
        # In the caller's context; a copy of it, so two callbacks never share one.
        call = functools.partial(self.context.copy().run, fn, *args)
        if self.on_loop:
            if now_on_loop:
                call()
            else:
                self.loop.call_soon_threadsafe(call)
        elif now_on_loop:
            self.loop.run_in_executor(None, call)
        else:
            call()  # already in a worker thread

"""Where an app runs its plain ``def`` handlers: a thread pool of its own, or inline.

The ``"sync handlers"`` setting picks one: ``"thread"`` (the default: a pool of
:data:`SYNC_HANDLER_THREADS` threads, made when the app serves its first request) or
``"inline"`` (on the event loop; only for handlers that never block). A mounted sub-app keeps
its own setting but makes no pool: it borrows the nearest parent's.
"""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor

__all__ = ["SYNC_HANDLER_THREADS", "SyncHandlers"]

#: Threads for plain ``def`` handlers, as Starlette's default capacity (anyio's 40 tokens).
SYNC_HANDLER_THREADS = 40


class SyncHandlers:
    """One app's way of running plain ``def`` handlers (owned by the app, read by dispatch)."""

    __slots__ = ("inline", "parent", "pool")

    def __init__(self) -> None:
        self.inline = False  # the "sync handlers" setting is "inline"
        self.pool: ThreadPoolExecutor | None = None  # made by `start`, for the serving app
        self.parent: SyncHandlers | None = None  # the mounting app's, once mounted

    def start(self) -> None:
        """Make the pool if this app runs sync handlers in threads and has none yet (called
        per request by the app serving it: a dict lookup once the pool exists)."""
        if self.pool is None and not self.inline:
            self.pool = ThreadPoolExecutor(
                SYNC_HANDLER_THREADS, thread_name_prefix="expresspy-handler"
            )

    def executor(self) -> Executor | None:
        """The pool to run a plain ``def`` handler in; None to run it inline on the loop."""
        if self.inline:
            return None
        owner = self
        while owner.pool is None and owner.parent is not None:
            owner = owner.parent
        return owner.pool

    def shutdown(self) -> None:
        """Let the pool's threads end (ASGI lifespan shutdown); a later request makes a new
        pool (tests reuse apps)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False)
            self.pool = None

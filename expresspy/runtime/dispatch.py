"""Running handlers: the driver that executes the steps a router walk asks for.

A router's walk (`Router.walk`, `Route.steps`) is a plain generator: it decides which handler
runs next and yields a `Step` (the handler, its arguments and its `next`); the outcome of the
step (what the handler passed to `next`, an exception it raised, or DONE when it ended the
response) is sent back in, and the walk decides again. The generator touches nothing but the
request, so it can be resumed on the event loop or in a worker thread, one at a time.

`drive` resumes it. `async def` handlers run on the loop. A plain `def` handler runs in the
app's thread pool, and when it settles there (it called `next` or ended the response before
returning) the worker thread resumes the walk itself and runs the following layer too if it is
also a plain `def` handler: a run of consecutive sync layers costs one hop to the pool and
back instead of one per layer. Meanwhile the loop only awaits the thread, so nothing else
touches the request or the walk; the walk is handed back at the first step the thread must
not run (an `async def` handler, a handler of another app, a result to await, a handler that
returned without settling and must be waited for).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Generator
from inspect import isawaitable
from typing import Any, Protocol

from expresspy.runtime.executor import SyncHandlers
from expresspy.runtime.handler import Handler
from expresspy.runtime.next import Exchange, Next, new_next
from expresspy.runtime.returned import warn_returned_value

logger = logging.getLogger("expresspy")


class RunningApp(Protocol):
    """What dispatch needs of the app a request is in (`req.app`): where its plain `def`
    handlers run."""

    @property
    def _sync(self) -> SyncHandlers: ...


class DispatchedRequest(Protocol):
    """What dispatch needs of `req`: its app, its exchange state, and `req.next` to set."""

    next: Any

    @property
    def app(self) -> RunningApp: ...

    @property
    def _exchange(self) -> Exchange: ...


class DispatchedResponse(Protocol):
    """What dispatch needs of `res`: whether it was ended."""

    @property
    def finished(self) -> bool: ...


# Returned by dispatch when a handler ended the response without calling next.
DONE: Any = object()

Step = tuple[Handler, tuple[Any, ...], Next]
"""One handler call a walk asks for: the handler, its arguments, the `next` among them."""

Walk = Generator[Step, Any, Any]
"""A router walk: yields steps, receives their outcomes, returns its own outcome."""


def step_for(
    handler: Handler,
    err: object,
    req: DispatchedRequest,
    res: object,
    exchange: Exchange | None = None,
) -> Step:
    """The step running `handler` for `req` (with `err` for an error handler). A walk passes
    `req._exchange` it read once as `exchange` (each read of `req` passes its `__getattr__`
    hook)."""
    nxt = new_next(req._exchange if exchange is None else exchange)
    if handler.handles_errors:
        return handler, (err, req, res, nxt), nxt
    return handler, (req, res, nxt)[: handler.arity], nxt


def _raised(handler: Handler, nxt: Next, exc: Exception) -> Any:
    """The outcome of a handler that raised: `next(exc)`, unless it called `next` first."""
    if nxt.called:
        logger.debug("handler %s raised after calling next", handler.name, exc_info=exc)
        return nxt.value
    return exc


_UNSETTLED: Any = object()


def _settled(nxt: Next, res: DispatchedResponse, exchange: Exchange) -> Any:
    """What a handler that returned settled on: its `next` value, DONE when it ended the
    response, else _UNSETTLED (it will do either later, from a callback: wait with `_settle`).
    """
    if nxt.called:
        return nxt.value
    return DONE if res.finished or exchange.gone else _UNSETTLED


async def _settle(nxt: Next, res: DispatchedResponse, exchange: Exchange) -> Any:
    """Wait until a handler that returned calls `next` (DONE once it ends the response)."""
    while not nxt.called:
        if res.finished or exchange.gone:  # answered, or nobody left to answer
            return DONE
        waiter = exchange.arm()
        if nxt.called or res.finished or exchange.gone:
            exchange.disarm()
            continue
        await waiter
        exchange.disarm()
    return nxt.value


# What a run of sync steps hands back to the loop (`_SyncRun.run`), with its payload:
_RUN = 0  # a step not run yet, for the loop to start
_AWAIT = 1  # (step, awaitable): the handler returned an awaitable, await it then settle
_SETTLE = 2  # a step that ran and returned without settling: wait for its `next`
_FINISHED = 3  # the walk's own outcome


class _SyncRun:
    """Runs plain `def` steps of one walk back to back, in a worker thread or inline.

    `context` is a copy of the request's context taken when the run left the loop; the run's
    handlers share it, so a context variable one sets is seen by the next, and the loop adopts
    what they changed when the run returns (`_adopt`). None: inline, in the loop's context.
    """

    __slots__ = ("app", "cancelled", "context", "error", "outcome", "req", "res", "step", "walk")

    def __init__(
        self,
        walk: Walk,
        req: DispatchedRequest,
        res: DispatchedResponse,
        context: contextvars.Context | None,
    ) -> None:
        self.walk = walk
        self.req = req
        self.res = res
        self.app = req.app
        self.context = context
        self.cancelled = False  # set by the loop when the request's task is cancelled
        self.step: Step | None = None  # what run_and_report runs first
        self.outcome: tuple[int, Any] | None = None
        self.error: BaseException | None = None

    def run_and_report(
        self, loop: asyncio.AbstractEventLoop, done: asyncio.Future[tuple[int, Any]]
    ) -> None:
        """`run` `self.step` in a worker thread, the outcome set on `done` from the loop
        (lighter than `run_in_executor`: docs/performance.md, "Small costs avoided")."""
        step, self.step = self.step, None
        if self.cancelled or step is None:
            return
        try:
            self.outcome = self.run(step)
        except BaseException as exc:  # whatever it is, the awaiting loop re-raises it
            self.error = exc
        # Keep nothing of the request in this thread once the loop has it: the loop may finish
        # the request before this thread runs again, and an unshared request is freed at once
        # (expresspy/refcycle.py), not left to the cycle collector.
        del step, self.req, self.res, self.walk
        loop.call_soon_threadsafe(self._hand_over, done)

    def _hand_over(self, done: asyncio.Future[tuple[int, Any]]) -> None:
        """Give the loop what the worker produced (runs on the loop thread)."""
        outcome, error, self.outcome, self.error = self.outcome, self.error, None, None
        if done.done():  # the request was cancelled meanwhile
            return
        if error is not None:
            done.set_exception(error)
        else:
            assert outcome is not None
            done.set_result(outcome)

    def run(self, step: Step) -> tuple[int, Any]:
        """Run `step` and the sync steps after it; return what the loop must do next."""
        req, res, walk, context = self.req, self.res, self.walk, self.context
        while True:
            handler, args, nxt = step
            req.next = nxt  # Express's req.next: res.format/render/send_file report through it
            try:
                result = handler.fn(*args) if context is None else context.run(handler.fn, *args)
            except Exception as exc:
                outcome = _raised(handler, nxt, exc)
            else:
                if result is not None and isawaitable(result):
                    return _AWAIT, (step, result)
                # the usual middleware called next before returning: no _settled call
                outcome = nxt.value if nxt.called else _settled(nxt, res, req._exchange)
                if outcome is _UNSETTLED:
                    if result is not None:  # Flask's habit: the value is not the response
                        warn_returned_value(handler, req, result)
                    return _SETTLE, step
            try:
                step = walk.send(outcome)
            except StopIteration as stop:
                return _FINISHED, stop.value
            if step[0].is_async or req.app is not self.app or self.cancelled:
                return _RUN, step


async def drive(walk: Walk, req: DispatchedRequest, res: DispatchedResponse) -> Any:
    """Run `walk` to its end and return its outcome (DONE, an error, None, "router")."""
    try:
        step = walk.send(None)
    except StopIteration as stop:
        return stop.value
    exchange = req._exchange
    while True:
        handler, args, nxt = step
        if handler.is_async:
            req.next = nxt
            try:
                result = await handler.fn(*args)
            except Exception as exc:
                outcome = _raised(handler, nxt, exc)
            else:
                # the usual middleware called next before returning: no _settled call
                outcome = nxt.value if nxt.called else _settled(nxt, res, exchange)
                if outcome is _UNSETTLED:
                    if result is not None:  # FastAPI's habit: the value is not the response
                        warn_returned_value(handler, req, result)
                    outcome = await _settle(nxt, res, exchange)
        else:
            kind, payload = await _run_sync(walk, step, req, res)
            if kind == _FINISHED:
                return payload
            if kind == _RUN:  # the run stopped before a step it must not run: run it here
                step = payload
                continue
            outcome = await _resume(kind, payload, req, res, exchange)
        try:
            step = walk.send(outcome)
        except StopIteration as stop:
            return stop.value


async def _resume(
    kind: int, payload: Any, req: DispatchedRequest, res: DispatchedResponse, exchange: Exchange
) -> Any:
    """The outcome of a sync step the thread handed back unsettled: await what the handler
    returned (`_AWAIT`), then wait for its `next` or the end of the response."""
    if kind == _AWAIT:
        (handler, _, nxt), awaitable = payload
        try:
            result = await awaitable
        except Exception as exc:
            return _raised(handler, nxt, exc)
        if result is not None and _settled(nxt, res, exchange) is _UNSETTLED:
            warn_returned_value(handler, req, result)
    else:
        _, _, nxt = payload
    return await _settle(nxt, res, exchange)


async def _run_sync(
    walk: Walk, step: Step, req: DispatchedRequest, res: DispatchedResponse
) -> tuple[int, Any]:
    """Run a plain `def` step (and the sync steps after it) where the app runs sync code."""
    executor = req.app._sync.executor()
    if executor is None:
        return _SyncRun(walk, req, res, None).run(step)
    loop = asyncio.get_running_loop()
    sync_run = _SyncRun(walk, req, res, contextvars.copy_context())
    sync_run.step = step
    done: asyncio.Future[tuple[int, Any]] = loop.create_future()
    executor.submit(sync_run.run_and_report, loop, done)
    try:
        outcome = await done
    except asyncio.CancelledError:
        sync_run.cancelled = True  # not started: it never runs; else it stops after a handler
        raise
    assert sync_run.context is not None
    _adopt(sync_run.context)
    return outcome


_ABSENT: Any = object()


def _adopt(context: contextvars.Context) -> None:
    """Set, in the current (the request's) context, every variable `context` holds with
    another value: what `def` handlers set in their worker thread reaches the handlers after
    them, as Express's AsyncLocalStorage carries a store down the chain."""
    for var, value in context.items():
        if var.get(_ABSENT) is not value:
            var.set(value)

"""How the middleware talks to a store: bounded in time, and never resurrecting a session.

Every call is bounded by ``store_timeout`` seconds: past it the request fails with
:class:`SessionStoreTimeout` (503) instead of hanging on a dead store. The bound is a timer of
the middleware's (one per middleware and event loop for all its calls in flight,
:class:`Deadlines`; ``asyncio.wait_for`` on Python 3.10), or the store's own when it keeps
deadlines (:func:`~expresspy.session.store.keeps_deadline`: it is told each call's deadline
through :data:`~expresspy.session.store.CALL_DEADLINE`). A store that cannot be reached at
all (``ConnectionError``, ``TimeoutError``, or an error in the store's
``unavailable_errors``, such as redis's ``ConnectionError``) fails it with
:class:`SessionStoreUnavailable` (503 too). Saves go through the store's atomic ``merge``
when it has one, which gives two guarantees (docs/sessions.md, "Concurrency"):

* a session that was loaded from the store is only ever *updated*: when a concurrent request
  destroyed it (logout, ``regenerate``), the late save writes nothing;
* with ``concurrency="merge"`` only the top-level keys this request changed are written, over
  whatever the store holds now, so concurrent changes to different keys all survive.

A store without ``merge`` gets express-session's plain ``set`` (last write wins).
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

from .errors import SessionStoreTimeout, SessionStoreUnavailable
from .patch import META_KEY, SessionPatch, diff, record_data
from .store import (
    CALL_DEADLINE,
    AsyncTextRecords,
    SessionRecord,
    TextRecords,
    async_text_records_of,
    capabilities_of,
    keeps_deadline,
    store_call,
    text_records_may_wait,
    text_records_of,
)

__all__ = ["StoreCalls"]

log = logging.getLogger("expresspy.session")

#: Logged when a save finds its session destroyed by a concurrent request.
NOT_SAVED_AGAIN = "a session destroyed during this request was not saved again"

T = TypeVar("T")

#: Whether tasks count their cancellations (``cancelling()``, ``uncancel()``: Python 3.11+),
#: which :class:`Deadlines` needs; asyncio.wait_for serves before.
_COUNTED_CANCELS = hasattr(asyncio.Task, "uncancel")

#: How many store methods StoreCalls remembers as async or not (a store has about eight).
MAX_REMEMBERED_METHODS = 32


class StoreCalls:
    """The store operations of the session middleware (one instance per middleware)."""

    def __init__(self, store: Any, timeout: float | None, merge_keys: bool) -> None:
        self.store = store
        self.timeout = timeout
        self.merge_keys = merge_keys
        capabilities = capabilities_of(store)
        self.can_merge = capabilities.merge
        self.can_touch = capabilities.touch
        self.in_cookie = capabilities.in_cookie
        # A store that never waits on I/O (MemoryStore) cannot hang, so its calls skip
        # asyncio.wait_for (a task per call).
        self.never_blocks = capabilities.never_blocks
        # A store that ends its own calls by the deadline it is told (RedisStore's client,
        # one timer per connection) is told it instead of being run under the middleware's
        # timer: the task making the call is never cancelled for a timeout.
        self.keeps_deadline = keeps_deadline(store)
        # Its synchronous text methods, when it has them (MemoryStore), or when they decline
        # a call that would wait (SQLiteStore: store.WouldWait): called directly.
        sync_text = self.never_blocks or text_records_may_wait(store)
        self.text: TextRecords | None = text_records_of(store) if sync_text else None
        # Whether those hand out and keep records as their cookie's and data's JSON
        # (MemoryStore's read_parts_now, write_text_now's ``parts``).
        self.parts = self.text is not None and callable(getattr(self.text, "read_parts_now", None))
        # Their touch of a record kept so, when they have one (touch_parts_now): done at once.
        self.touch_parts: Callable[[str, str], bool] | None = (
            getattr(self.text, "touch_parts_now", None) if self.parts else None
        )
        # Its async text methods, when it has them (RedisStore, SQLiteStore): awaited directly.
        self.async_text: AsyncTextRecords | None = async_text_records_of(store)
        # Its coroutine touching a record by id alone, when it has one (RedisStore's EXPIRE).
        self.touch_parts_later: Callable[[str], Awaitable[bool]] | None = (
            getattr(self.async_text, "touch_parts", None) if self.can_touch else None
        )
        # Errors that mean "the backend is down", not "the app is wrong" (builtin OSError
        # subclasses, plus a store's client library's own, e.g. redis's ConnectionError).
        self.unavailable: tuple[type[BaseException], ...] = (
            ConnectionError,
            TimeoutError,
            *capabilities.unavailable_errors,
        )
        # Whether each store method is ``async def``, by its function (inspect's check is
        # not free: docs/performance.md). Keyed by the function itself, so a method replaced
        # on the store later is looked at afresh.
        self.is_async: dict[Any, bool] = {}
        #: The deadlines of the calls in flight, for the loop that makes them.
        self._deadlines: Deadlines | None = None

    def deadlines(self) -> Deadlines:
        """The :class:`Deadlines` of the running loop's calls (a new set on another loop)."""
        loop = asyncio.get_running_loop()
        deadlines = self._deadlines
        if deadlines is None or deadlines.loop is not loop:
            assert self.timeout is not None
            deadlines = self._deadlines = Deadlines(loop, self.timeout)
        return deadlines

    def call(self, operation: str, *args: Any) -> Awaitable[Any]:
        """What to await to run ``store.<operation>(*args)`` within the timeout (plain or
        async methods)."""
        # Not a coroutine of its own: one frame fewer that each resumption of the store's
        # call passes through (the store method's coroutine starts only when awaited).
        method = getattr(self.store, operation)
        call = store_call(method, args, self.coroutine_function(method))
        return self.bounded(operation, call, kept=self.kept_by_store(operation))

    def kept_by_store(self, method: str) -> bool:
        """Whether the store's ``method`` ends by the deadline it is told: the store keeps
        deadlines, and the method is its own (one set on the instance, a wrapper or a test's
        stand-in, may wait in ways the store's deadline does not reach)."""
        return self.keeps_deadline and method not in self.store.__dict__

    async def bounded(
        self,
        operation: str,
        call: Awaitable[T],
        *,
        lookup: bool = False,
        saves: bool = False,
        kept: bool = False,
    ) -> T:
        """Await ``call`` (the store's ``operation``) within the timeout, its errors mapped
        to the session errors (503s).

        ``lookup``: ``call`` is the store's ``get``, its result turned into :meth:`get`'s
        (None for a missing record or ``FileNotFoundError``); ``saves``: ``call`` is a save,
        logged when it found its session destroyed; ``kept``: the store ends ``call`` by the
        deadline it is told (:meth:`kept_by_store`). Done here rather than in coroutines
        around this one: each resumption of the store's call passes through every frame
        around it.
        """
        try:
            if self.timeout is None or self.never_blocks:
                result = await call
            elif kept:  # the store's own timer fails the call past the deadline
                token = self.tell_deadline(self.timeout)
                try:
                    result = await call
                finally:
                    forget_deadline(token)
            elif not _COUNTED_CANCELS:  # Python 3.10
                result = await asyncio.wait_for(call, self.timeout)
            else:
                # A deadline on this task (wait_for would run the call in a task of its own),
                # under the one timer of this middleware's calls
                result = await self.deadlines().bound(call)
        except Exception as exc:
            if lookup and isinstance(exc, FileNotFoundError):  # no such session, as
                return cast(T, None)  # express-session reads ENOENT
            raise self.failure(operation, exc)  # noqa: B904  # failure() sets the cause
        if lookup and not result:
            return cast(T, None)
        if saves and not result:
            log.info(NOT_SAVED_AGAIN)
        return result

    @staticmethod
    def tell_deadline(timeout: float) -> contextvars.Token[float | None]:
        """Tell the store the deadline of the call about to be made, ``timeout`` seconds
        from now (:data:`~expresspy.session.store.CALL_DEADLINE`, for a store that keeps
        deadlines); the token to :func:`forget_deadline` it with once the call is over."""
        return CALL_DEADLINE.set(asyncio.get_running_loop().time() + timeout)

    def failure(self, operation: str, exc: Exception) -> Exception:
        """What a store call that failed with ``exc`` raises (:meth:`bounded`, and the lean
        path's own calls): the session error of a call past its deadline (503; a
        ``TimeoutError`` while a deadline applies) or of a store that cannot be reached (503,
        caused by ``exc``), else ``exc`` itself."""
        if (
            isinstance(exc, asyncio.TimeoutError)
            and self.timeout is not None
            and not self.never_blocks
        ):
            timeout = SessionStoreTimeout(operation, self.timeout)
            timeout.__suppress_context__ = True  # as ``raise ... from None``
            return timeout
        if isinstance(exc, self.unavailable):
            unavailable = SessionStoreUnavailable(operation)
            unavailable.__cause__ = exc
            return unavailable
        return exc

    def coroutine_function(self, method: Any) -> bool:
        """``inspect.iscoroutinefunction(method)``, remembered for the store's own methods.

        Only bound methods are remembered (their functions live on the class, a handful):
        any other callable, which a store could make afresh on every access, is checked
        each time, so the table cannot grow without bound.
        """
        function = getattr(method, "__func__", None)
        try:
            known = None if function is None else self.is_async.get(function)
        except TypeError:  # a bound method of an unhashable callable
            function = known = None
        if known is None:
            known = inspect.iscoroutinefunction(method)
            if function is not None and len(self.is_async) < MAX_REMEMBERED_METHODS:
                self.is_async[function] = known
        return known

    def get(self, sid: str) -> Awaitable[SessionRecord | None]:
        """What to await for the stored record, or None (a ``FileNotFoundError`` means "no
        such session", as express-session reads ``ENOENT``)."""
        method = self.store.get
        call = store_call(method, (sid,), self.coroutine_function(method))
        return self.bounded("get", call, lookup=True, kept=self.kept_by_store("get"))

    def text_for(self, operation: str) -> TextRecords | None:
        """The store's :class:`TextRecords` to do ``operation`` (``"get"`` or ``"merge"``)
        with, or None: the store has none, or that method was replaced on the instance (a
        test counting calls, a wrapper), which must then be called."""
        text = self.text
        if text is None or operation in self.store.__dict__:
            return None
        return text

    def async_text_for(self, operation: str) -> AsyncTextRecords | None:
        """The store's :class:`AsyncTextRecords` to do ``operation`` with, or None (as
        :meth:`text_for`)."""
        text = self.async_text
        if text is None or operation in self.store.__dict__:
            return None
        return text

    def read_now(
        self, text: TextRecords, sid: str, parts: bool = False
    ) -> SessionRecord | tuple[str, str] | None:
        """:meth:`get` through a store's :class:`TextRecords` (``self.text``); with ``parts``
        (when :attr:`parts`), through its ``read_parts_now``: a record it keeps as its
        cookie's and data's JSON comes back as those two texts."""
        try:
            record = text.read_parts_now(sid) if parts else text.read_now(sid)  # type: ignore[attr-defined]
        except FileNotFoundError:
            return None
        except self.unavailable as exc:
            raise SessionStoreUnavailable("get") from exc
        return record if record else None

    def write_text_now(
        self,
        text: TextRecords,
        sid: str,
        record: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        existing: bool,
        parts: tuple[str, str] | None = None,
    ) -> bool:
        """:meth:`save` of a whole record given as its JSON, through a store's
        :class:`TextRecords`; ``existing`` as for :meth:`save`; ``parts`` (only when
        :attr:`parts`): the JSON of its cookie and of its data, kept by the store."""
        try:
            if parts is None:
                written = text.write_text_now(
                    sid, record, expires=expires, meta=meta, create=not existing
                )
            else:
                written = text.write_text_now(  # type: ignore[call-arg]
                    sid, record, expires=expires, meta=meta, create=not existing, parts=parts
                )
        except self.unavailable as exc:
            raise SessionStoreUnavailable("merge") from exc
        if not written:
            log.info(NOT_SAVED_AGAIN)
        return written

    def write_text(
        self,
        text: AsyncTextRecords,
        sid: str,
        record: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        existing: bool,
    ) -> Awaitable[bool]:
        """What to await for :meth:`write_text_now` through a store's
        :class:`AsyncTextRecords`, within the timeout."""
        call = text.write_text(sid, record, expires=expires, meta=meta, create=not existing)
        return self.bounded("merge", call, saves=True, kept=self.kept_by_store("write_text"))

    async def destroy(self, sid: str) -> None:
        """Delete the record."""
        await self.call("destroy", sid)

    async def touch(self, sid: str, record: SessionRecord) -> None:
        """Push the expiry back, when the store can (``touch`` is optional)."""
        if self.can_touch:
            await self.call("touch", sid, record)

    async def save(
        self,
        sid: str,
        record: SessionRecord,
        *,
        existing: bool,
        baseline: Mapping[str, Any] | None,
    ) -> bool:
        """Write ``record``; returns False when it was not written because it is gone.

        ``existing``: the record was loaded from (or already written to) the store during this
        request, so it is only updated, never created again. ``baseline``: the data as loaded,
        which ``concurrency="merge"`` diffs against.
        """
        if not self.can_merge:
            await self.call("set", sid, record)
            return True
        if self.merge_keys and baseline is not None:
            meta = record.get(META_KEY)
            patch = diff(baseline, record_data(record), record["cookie"], meta, create=not existing)
        else:
            patch = SessionPatch.whole(record, create=not existing)
        written: bool = await self.call("merge", sid, patch)
        if not written:
            log.info(NOT_SAVED_AGAIN)
        return written

    async def refresh(self, sid: str, record: SessionRecord) -> None:
        """Write only the cookie and metadata of a stored session (the idle-timeout clock)."""
        patch = SessionPatch(record["cookie"], meta=record.get(META_KEY), create=False)
        await self.call("merge", sid, patch)


def forget_deadline(token: contextvars.Token[float | None]) -> None:
    """Undo the ``CALL_DEADLINE.set`` that gave ``token``."""
    try:
        CALL_DEADLINE.reset(token)
    except ValueError:  # closed outside its task's context (a task destroyed while pending),
        return  # where the deadline was never set: nothing to undo


class _Bounded:
    """One call under :class:`Deadlines`: the task awaiting it, how many cancellations that
    task had pending when it began, and whether its deadline cancelled it."""

    __slots__ = ("cancelling", "deadline", "done", "expired", "task")

    def __init__(self, task: asyncio.Task[Any], deadline: float) -> None:
        self.task = task
        self.cancelling: int = task.cancelling()  # type: ignore[attr-defined, unused-ignore]
        self.deadline = deadline
        self.done = False
        self.expired = False


class Deadlines:
    """``asyncio.timeout`` for every store call of one middleware on one loop, under one timer.

    ``asyncio.timeout`` schedules a timer and cancels it again for each call (a handle on the
    loop's heap each time, and two coroutines for its ``async with``). Here the calls in
    flight wait in a queue, oldest first; having the same timeout, their deadlines come in
    the same order. One timer fires at the oldest deadline still pending, cancels the task
    of every call past it and is set again for the next; a call that ends only marks itself
    done. A cancellation is told from the others as ``asyncio.timeout`` tells it: the task's
    count of pending cancellations (``cancelling()``) at the start, given back with
    ``uncancel()`` at the end; only when no other cancellation came meanwhile does the call
    fail with ``TimeoutError`` rather than ``CancelledError``.
    """

    __slots__ = ("calls", "loop", "timeout", "timer")

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self.loop = loop
        self.timeout = timeout
        self.calls: collections.deque[_Bounded] = collections.deque()
        self.timer: asyncio.TimerHandle | None = None

    async def bound(self, call: Awaitable[T]) -> T:
        """Await ``call`` in the running task; ``TimeoutError`` past the timeout."""
        bounded = self._begin()
        try:
            result = await call
        except asyncio.CancelledError:
            if self._end(bounded):
                raise asyncio.TimeoutError from None
            raise
        except BaseException:
            self._end(bounded)
            raise
        self._end(bounded)
        return result

    def _begin(self) -> _Bounded:
        task = asyncio.current_task(self.loop)
        if task is None:
            raise RuntimeError("a store call's timeout needs a task")
        bounded = _Bounded(task, self.loop.time() + self.timeout)
        calls = self.calls
        while calls and calls[0].done:  # calls that ended leave the queue here, in order
            calls.popleft()
        calls.append(bounded)
        if self.timer is None:
            self.timer = self.loop.call_at(bounded.deadline, self._expire)
        return bounded

    @staticmethod
    def _end(bounded: _Bounded) -> bool:
        """Mark ``bounded`` done; whether its deadline cancelled it and nothing else did."""
        bounded.done = True
        if not bounded.expired:
            return False
        # Python 3.11+, as the asyncio.timeout this stands for (3.10 uses wait_for)
        uncancelled: int = bounded.task.uncancel()  # type: ignore[attr-defined, unused-ignore]
        return uncancelled <= bounded.cancelling

    def _expire(self) -> None:
        """The timer: cancel the calls past their deadline; set it for the next one."""
        self.timer = None
        calls, now = self.calls, self.loop.time()
        while calls:
            bounded = calls[0]
            if not bounded.done:
                if bounded.deadline > now:
                    self.timer = self.loop.call_at(bounded.deadline, self._expire)
                    return
                bounded.expired = True
                bounded.task.cancel()
            calls.popleft()

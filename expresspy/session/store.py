"""The session store contract, and helpers every store shares.

A store keeps session records keyed by session id. A record is the session's JSON form, a
plain ``dict`` (``{"cookie": {...}, "user": ...}``) exactly as express-session stores it, so
a store only has to persist and return dicts. Writing one takes about 30 lines::

    class DictStore(Store):
        def __init__(self) -> None:
            self.records: dict[str, str] = {}

        async def get(self, sid: str) -> dict[str, Any] | None:
            text = self.records.get(sid)
            if text is None:
                return None
            record = json.loads(text)
            if is_expired(record):          # honour cookie.expires, as every store must
                del self.records[sid]
                return None
            return record

        async def set(self, sid: str, session: dict[str, Any]) -> None:
            self.records[sid] = json.dumps(session)

        async def destroy(self, sid: str) -> None:
            self.records.pop(sid, None)

Methods may be ``async def`` (run on the event loop: they must not block) or plain ``def``
(run in a worker thread, so blocking I/O is fine). ``get``, ``set`` and ``destroy`` are
required. ``touch(sid, session)`` is recommended: with ``resave=False`` it is called instead
of ``set`` for sessions that were read but not changed, and should only push the expiry back.
``all()``, ``clear()`` and ``length()`` are optional and never called by the middleware;
``prune()`` is used by ``expresspy sessions prune``. ``merge(sid, patch) -> bool`` is optional
and gives the concurrency guarantees (docs/sessions.md, "Concurrency"): apply the
:class:`~expresspy.session.patch.SessionPatch` atomically with ``apply_patch``.
A store that is temporarily unusable may set ``ready = False``: requests then get no
``req.session`` at all, as express-session does when its store emits ``disconnect``.

What a store offers beyond ``get``/``set``/``destroy`` is read once, when ``session()`` is
built, into :class:`StoreCapabilities` (:func:`capabilities_of`). A store may declare them
as a ``capabilities`` attribute, set on the instance (in ``__init__``) or on its own class
(not inherited by subclasses); otherwise they are found as before, by looking for
the optional methods and attributes (``merge``, ``touch``, ``prune``, ``never_blocks``,
``unavailable_errors``, ``in_cookie``), so a store written to that older convention keeps
working unchanged.

The middleware bounds every store call by its ``store_timeout``. A store whose client can
enforce a deadline itself (RedisStore's own client: one timer per connection) declares
``keeps_deadline = True`` (:func:`keeps_deadline`): the middleware then only tells it each
call's deadline (:func:`call_deadline`) instead of running the call under a timeout of its
own, and the store fails the call with :class:`StoreDeadlineExceeded` once it has passed.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import json.encoder
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from .cookie import datetime_to_ms, from_js_iso, now_ms
from .errors import CorruptSessionRecord

#: The C accelerator of the json module (None on a Python without it).
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
#: The scanner of json.loads (json's default decoder): one value at an index, and its end.
_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
#: ``scan_json(text, 0)``: the value ``text`` starts with and where it ends (json's scanner);
#: for text JSON wrote, with nothing around it, ``scan_json(text, 0)[0] == JSON.loads(text)``.
scan_json = _scan_once
#: How the C encoder writes a string with ensure_ascii=False (json.encoder's own choice).
_encode_string: Callable[[str], str] = json.encoder.encode_basestring

__all__ = [
    "CALL_DEADLINE",
    "JSON",
    "AsyncTextRecords",
    "Serializer",
    "SessionStore",
    "Store",
    "StoreCapabilities",
    "StoreDeadlineExceeded",
    "TextRecords",
    "WouldWait",
    "async_text_records_of",
    "call_deadline",
    "call_store",
    "capabilities_of",
    "expires_ms",
    "is_expired",
    "keeps_deadline",
    "load_record",
    "scan_json",
    "store_call",
    "text_records_may_wait",
    "text_records_of",
    "ttl_seconds",
    "within_deadline",
]

SessionRecord = dict[str, Any]
T = TypeVar("T")


class Store:
    """Base class of session stores; see the module docstring for the contract."""

    #: False while the store cannot serve (requests then run without ``req.session``).
    ready: bool = True

    def get(self, sid: str) -> Any:
        """Return the record stored under ``sid`` or ``None`` (also when it has expired)."""
        raise NotImplementedError(f"{type(self).__name__} must implement get(sid)")

    def set(self, sid: str, session: SessionRecord) -> Any:
        """Insert or replace the record of ``sid``; it expires at its ``cookie.expires``."""
        raise NotImplementedError(f"{type(self).__name__} must implement set(sid, session)")

    def destroy(self, sid: str) -> Any:
        """Delete the record of ``sid``; deleting a missing record is not an error."""
        raise NotImplementedError(f"{type(self).__name__} must implement destroy(sid)")


@runtime_checkable
class SessionStore(Protocol):
    """What ``session()`` needs of a store: ``get``, ``set`` and ``destroy`` (plain or
    ``async def``; see the module docstring), and ``ready``."""

    ready: bool

    def get(self, sid: str) -> Any:
        """The record stored under ``sid``, or ``None``."""

    def set(self, sid: str, session: SessionRecord) -> Any:
        """Insert or replace the record of ``sid``."""

    def destroy(self, sid: str) -> Any:
        """Delete the record of ``sid``."""


@dataclass(frozen=True)
class StoreCapabilities:
    """The optional parts of the store contract a store offers (read once per middleware).

    ``merge``: an atomic ``merge(sid, patch) -> bool`` (the concurrency guarantees, needed by
    ``concurrency="merge"`` and ``idle_timeout``); ``touch``: ``touch(sid, session)``;
    ``prune``: ``prune() -> int`` (``expresspy sessions prune``); ``never_blocks``: its calls
    never wait on I/O, so ``store_timeout`` need not guard them; ``unavailable_errors``: the
    errors of its client library that mean "the back end is down" (503, not 500);
    ``in_cookie``: the record travels in the cookie itself (CookieStore).
    """

    merge: bool = False
    touch: bool = False
    prune: bool = False
    never_blocks: bool = False
    unavailable_errors: tuple[type[BaseException], ...] = ()
    in_cookie: bool = False


def capabilities_of(store: Any) -> StoreCapabilities:
    """What ``store`` offers: its declared ``capabilities``, else what its methods show.

    ``never_blocks`` is read from the store's own class only, so a subclass that adds real
    I/O to a store that never blocks keeps the timeout.
    """
    # Declared by the store itself (set in __init__, when they depend on a client library
    # imported lazily) or by its own class only: a subclass may drop a method
    # (``merge = None``) or add I/O, so it declares its own or is probed.
    declared = getattr(store, "__dict__", {}).get("capabilities")
    if not isinstance(declared, StoreCapabilities):
        declared = type(store).__dict__.get("capabilities")
    if isinstance(declared, StoreCapabilities):
        return declared
    return StoreCapabilities(
        merge=callable(getattr(store, "merge", None)),
        touch=callable(getattr(store, "touch", None)),
        prune=callable(getattr(store, "prune", None)),
        never_blocks=bool(type(store).__dict__.get("never_blocks", False)),
        unavailable_errors=tuple(getattr(store, "unavailable_errors", ())),
        in_cookie=bool(getattr(store, "in_cookie", False)),
    )


class TextRecords(Protocol):
    """An optional fast path for a store that keeps records as JSON text and never waits.

    Declared by ``text_records = True`` on the store's own class (not inherited: a subclass
    may change ``get`` or ``merge``, and must then be called through them). The middleware
    then calls these two methods directly, with no coroutine, task or timeout per request,
    and hands over the record as the text it has already built, so it is not encoded again.
    Their semantics are those of ``get`` and of ``merge`` with a whole-record patch.

    A store may also keep each record as the JSON of its cookie and of its data, which the
    middleware puts it together from (MemoryStore does; SQLiteStore remembers them for the
    rows it wrote): ``read_parts_now(sid)``, what ``read_now`` returns except that such a
    record comes back as the tuple ``(cookie_json, data_json)``, unparsed;
    ``write_text_now(..., parts=(cookie_json, data_json))``; and ``write_parts_now(sid, text,
    parts, create)``, the same write for a cookie without expiry and without metadata, by
    position.

    A store that waits only sometimes (SQLiteStore: when another connection holds SQLite's
    lock) declares ``text_records_may_wait = True`` on its own class as well: its
    ``read_now`` and ``write_text_now`` (and ``read_parts_now``, ``write_parts_now``) then
    raise :class:`WouldWait`, having done nothing, when they would have to wait, and the
    middleware makes the same call through the store's async methods instead (``get``,
    ``write_text`` or ``merge``), within ``store_timeout``.
    """

    def read_now(self, sid: str) -> SessionRecord | None:
        """What ``get(sid)`` returns (an independent copy, or None; a corrupt record raises
        :class:`CorruptSessionRecord`)."""

    def write_text_now(
        self,
        sid: str,
        text: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        create: bool,
    ) -> bool:
        """``merge(sid, SessionPatch.whole(record, create=create))`` for the record whose JSON
        (written by :data:`JSON`, the cookie first and the metadata last) is ``text``;
        ``expires`` is its ``cookie.expires`` in ms and ``meta`` its metadata (``None``: it
        has none, and the stored record's is kept). False when the record is gone and may
        not be created."""


#: The deadline (event-loop time, ``loop.time()``) by which the store call being made in this
#: context must end, or None. The session middleware sets it around its calls of a store that
#: declares ``keeps_deadline``; the store reads it with :func:`call_deadline`.
CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "expresspy_store_call_deadline", default=None
)


def call_deadline() -> float | None:
    """The event-loop time (``loop.time()``) by which the store call being made must end, or
    None when it has none (a call not made by the session middleware, ``store_timeout=None``,
    or a store that does not declare ``keeps_deadline``)."""
    return CALL_DEADLINE.get()


class StoreDeadlineExceeded(asyncio.TimeoutError):
    """A store that declares ``keeps_deadline`` did not finish a call by its
    :func:`call_deadline` (the middleware answers it as ``SessionStoreTimeout``, a 503)."""


async def within_deadline(awaitable: Awaitable[T], deadline: float | None) -> T:
    """Await ``awaitable`` until ``deadline`` (loop time; None: as long as it takes), then
    give up on it with :class:`StoreDeadlineExceeded`: for a store that keeps deadlines, the
    waits its client's own timer does not cover (connecting, a lock, a retry's pause)."""
    if deadline is None:
        return await awaitable
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(awaitable, max(0.0, deadline - loop.time()))
    except asyncio.TimeoutError:  # the awaitables this is for raise their client's timeouts
        raise StoreDeadlineExceeded("the store call's deadline passed") from None


class WouldWait(Exception):
    """Raised by a :class:`TextRecords` method of a store that declares
    ``text_records_may_wait``: the call would have to wait (for a lock, for I/O) and did
    nothing; make it through the store's async methods instead."""


class AsyncTextRecords(Protocol):
    """An optional fast path for a store that reads and writes records as JSON text anyway
    (RedisStore, SQLiteStore): the async twin of :class:`TextRecords`' write.

    Declared by ``async_text_records = True`` on the store's own class (not inherited, as
    :class:`TextRecords`). The middleware then awaits it directly with the record's text it
    has already built, so the record is neither taken apart into a patch nor encoded again.
    """

    async def write_text(
        self,
        sid: str,
        text: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        create: bool,
    ) -> bool:
        """:meth:`TextRecords.write_text_now`, awaited (the same arguments and result)."""


def async_text_records_of(store: Any) -> AsyncTextRecords | None:
    """``store`` itself when its own class declares :class:`AsyncTextRecords`, else None."""
    declared = type(store).__dict__.get("async_text_records") is True
    return store if declared and hasattr(store, "__dict__") else None


def text_records_of(store: Any) -> TextRecords | None:
    """``store`` itself when its own class declares :class:`TextRecords`, else None."""
    declared = type(store).__dict__.get("text_records") is True
    return store if declared and hasattr(store, "__dict__") else None


def keeps_deadline(store: Any) -> bool:
    """Whether ``store`` ends its own methods' calls by their :func:`call_deadline`: declared
    by ``keeps_deadline = True`` on the instance (in ``__init__``, when it depends on the
    client) or on its own class; not inherited, since a subclass may wait in ways the
    deadline does not reach (it is given the middleware's timeout again)."""
    declared = getattr(store, "__dict__", {}).get("keeps_deadline")
    if declared is None:
        declared = type(store).__dict__.get("keeps_deadline")
    return declared is True


def text_records_may_wait(store: Any) -> bool:
    """Whether ``store``'s own class declares that its :class:`TextRecords` methods may
    decline with :class:`WouldWait` (they are then called although the store may block)."""
    return type(store).__dict__.get("text_records_may_wait") is True


class Serializer(Protocol):
    """Turns records into text and back (``json`` and :data:`JSON` fit; never pickle)."""

    def dumps(self, obj: Any) -> str:
        """Serialise one record."""

    def loads(self, text: str | bytes) -> Any:
        """Parse one record."""


class _CompactJSON:
    """JSON as JavaScript's ``JSON.stringify`` writes it: no spaces, UTF-8 kept as is."""

    def dumps(self, obj: Any) -> str:
        """Serialise; NaN and infinities raise ``ValueError`` (they are not JSON), and so
        does a circular structure."""
        try:
            return "".join(encode_chunks(obj, 0))
        except RecursionError:  # the shared encoder keeps no table of what it is inside
            raise ValueError("Circular reference detected (or data nested too deeply)") from None

    def loads(self, text: str | bytes) -> Any:
        """Parse one JSON document."""
        # json.loads's scanner called directly (json.loads adds three Python frames): a
        # document with no whitespace around it, as every store here writes them, parses in
        # one step; anything else (whitespace, an error to report) goes to json.loads.
        if type(text) is str:
            try:
                value, end = _scan_once(text, 0)
            except StopIteration:
                return json.loads(text)
            if end == len(text):
                return value
        elif type(text) is bytes:  # a Redis reply: UTF-8 as JSON.stringify's text was sent
            # json.loads would detect the encoding and decode it behind four Python frames.
            # Anything but plain UTF-8 holding one document (a BOM, UTF-16, an error to
            # report) goes to json.loads as it came.
            try:
                decoded = text.decode()
                value, end = _scan_once(decoded, 0)
            except (ValueError, StopIteration):  # UnicodeDecodeError is a ValueError
                return json.loads(text)
            if end == len(decoded):
                return value
        return json.loads(text)


def _shared_encoder() -> Callable[[Any, int], Any]:
    """One C encoder with the compact settings, shared by every call and thread.

    ``json.dumps`` builds a C encoder on every call, behind two Python frames, and that
    encoder's table of the containers it is inside (its check for circular references) is
    state that one call at a time may use. Built without that table, the encoder keeps no
    state between calls: every thread shares this one, and a circular structure ends in
    Python's recursion limit (``RecursionError``, which :meth:`_CompactJSON.dumps` reports as
    json's ``ValueError``). On a Python without the C accelerator: json's own encoder."""
    options = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if _c_make_encoder is None:
        return lambda obj, level: (options.encode(obj),)
    return cast(
        Callable[[Any, int], Any],
        _c_make_encoder(
            None,  # no table of the containers being encoded: no state between calls
            options.default,
            _encode_string,
            None,  # indent
            ":",  # key separator
            ",",  # item separator
            False,  # sort_keys
            False,  # skipkeys
            False,  # allow_nan
        ),
    )


#: ``"".join(encode_chunks(obj, 0))`` is :data:`JSON`'s text of ``obj`` (a caller on the
#: request path joins it itself, a Python frame less; it then also catches RecursionError).
encode_chunks = _shared_encoder()


#: The default serializer of every store: byte-compatible with ``JSON.stringify``.
JSON: Serializer = _CompactJSON()


def store_call(
    method: Callable[..., Any], args: tuple[Any, ...], is_async: bool | None = None
) -> Awaitable[Any]:
    """What to await to run a store method that may be ``async def`` or plain ``def``.

    Coroutine functions run on the loop; plain functions run in a worker thread (they may
    block). ``is_async``: the caller already knows ``inspect.iscoroutinefunction(method)``.
    """
    if is_async is None:
        is_async = inspect.iscoroutinefunction(method)
    return method(*args) if is_async else _call_in_thread(method, *args)


async def call_store(method: Callable[..., Any], *args: Any) -> Any:
    """Call a store method that may be ``async def`` or plain ``def`` (see ``store_call``);
    an awaitable returned by a plain function is awaited."""
    return await store_call(method, args)


async def _call_in_thread(method: Callable[..., Any], *args: Any) -> Any:
    result = await asyncio.to_thread(method, *args)
    if inspect.isawaitable(result):
        return await result
    return result


def load_record(serializer: Serializer, raw: str | bytes, store: str) -> SessionRecord:
    """Parse a stored record, raising :class:`CorruptSessionRecord` when it is unreadable.

    The one rule of every store (session/middleware.py): a corrupt record is an error that
    reaches ``next(err)``, never a silent new session. Its expiry is checked too.
    """
    try:
        record = serializer.loads(raw)
    except (ValueError, TypeError) as exc:
        raise CorruptSessionRecord(store, f"not parseable: {type(exc).__name__}") from exc
    if not isinstance(record, dict):
        raise CorruptSessionRecord(store, f"a JSON {type(record).__name__}, not an object")
    try:
        expires_ms(record)
    except ValueError as exc:
        raise CorruptSessionRecord(store, "its cookie.expires is not a date") from exc
    return record


def expires_ms(record: SessionRecord) -> int | None:
    """The record's ``cookie.expires`` in ms since the epoch, or ``None`` when it has none.

    Raises ``ValueError`` for a malformed date.
    """
    cookie = record.get("cookie")
    expires = cookie.get("expires") if isinstance(cookie, dict) else None
    if not isinstance(expires, str):
        return None
    return datetime_to_ms(from_js_iso(expires))


def is_expired(record: SessionRecord, now: int | None = None) -> bool:
    """True when the record's cookie has expired (``expires <= now``, as MemoryStore decides)."""
    expiry = expires_ms(record)
    return expiry is not None and expiry <= (now_ms() if now is None else now)


def ttl_seconds(record: SessionRecord, default: int) -> int:
    """Seconds the record should live, as connect-redis computes it.

    ``ceil((cookie.expires - now) / 1000)`` when the cookie has an expiry (zero or negative
    once expired), else ``default``.
    """
    expiry = expires_ms(record)
    if expiry is None:
        return default
    return math.ceil((expiry - now_ms()) / 1000)

"""MemoryStore: sessions in a dict of JSON strings, for development and tests.

Like express-session's MemoryStore it keeps each record as a JSON string (so a session never
shares mutable objects with a request) and drops an expired record when it is read. Unlike
it, it also sweeps expired records every ``prune_interval`` seconds, so memory does not grow
without bound. It lives in one process: with several workers each has its own sessions, so it
logs a warning when built under ``expresspy run --workers N`` (``EXPRESSPY_WORKERS``) and, as
express-session does, in production.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Any, NamedTuple

from ..environment import in_production
from .cookie import now_ms
from .errors import CorruptSessionRecord
from .patch import META_KEY, SessionPatch, apply_patch
from .store import JSON, SessionRecord, Store, StoreCapabilities, expires_ms, load_record

__all__ = ["PRODUCTION_WARNING", "WORKERS_WARNING", "MemoryStore", "in_production", "worker_count"]

log = logging.getLogger("expresspy.session")

#: Logged when a MemoryStore is created in production (express-session's wording, adapted).
PRODUCTION_WARNING = (
    "Warning: session() MemoryStore is not designed for a production environment, as it "
    "will leak memory, and will not scale past a single process. Use SQLiteStore or RedisStore."
)

#: Logged when a MemoryStore is created in one of several worker processes.
WORKERS_WARNING = (
    "Warning: session() MemoryStore under --workers {workers}: each worker process keeps its "
    "own sessions, so a user logged in on one worker is unknown to the others and sessions "
    "are lost at random. Use SQLiteStore (one machine) or RedisStore, which all workers share."
)

#: Set by `expresspy run --workers N` (N > 1) before it starts the worker processes.
WORKERS_VARIABLE = "EXPRESSPY_WORKERS"


class _Envelope(NamedTuple):
    """What this store knows of a record it wrote, without parsing its text again.

    Valid only while ``sessions[sid]`` is this very ``text`` object, so a record written
    behind the store's back (a test planting one) is always parsed.
    """

    text: str
    expires: int | None  # cookie.expires in ms
    meta: dict[str, Any] | None  # the record's META_KEY, a private copy
    # The JSON of the record's cookie and of its data, when written so (write_text_now's
    # ``parts``): read_parts_now hands them out without parsing the record.
    parts: tuple[str, str] | None = None


def worker_count() -> int:
    """How many worker processes serve the app (``EXPRESSPY_WORKERS``; 1 when unset)."""
    try:
        return int(os.environ.get(WORKERS_VARIABLE) or 1)
    except ValueError:
        return 1


class MemoryStore(Store):
    """Sessions in this process's memory; expired records vanish on read and on each sweep.

    ``prune_interval`` is in seconds (``None`` disables sweeping; records then go only when
    read after expiry, as in express-session). Sweeps run inside store calls, no thread.
    """

    #: Its calls never wait on I/O, so store_timeout need not guard them (see store_calls.py).
    never_blocks = True
    capabilities = StoreCapabilities(merge=True, touch=True, prune=True, never_blocks=True)
    #: It offers read_now and write_text_now (store.TextRecords): the middleware's fast path.
    text_records = True

    def __init__(self, *, prune_interval: float | None = 60.0) -> None:
        self.sessions: dict[str, str] = {}
        # Expiry and metadata of the records written here, so that a save (which replaces
        # the data) need not parse the old record only to learn whether it is still live.
        self._envelopes: dict[str, _Envelope] = {}
        self.prune_interval = prune_interval
        self._next_prune = time.monotonic() + (prune_interval or 0)
        # Both can apply; each names its own problem. Logged (not raised) as express-session
        # warns: the app still runs, but sessions are lost between workers.
        if worker_count() > 1:
            log.warning(WORKERS_WARNING.format(workers=worker_count()))
        if in_production():
            log.warning(PRODUCTION_WARNING)

    async def get(self, sid: str) -> SessionRecord | None:
        """The record of ``sid``, or ``None`` when missing or expired (then it is dropped)."""
        self._maybe_prune()
        return self._read(sid, now_ms())

    async def set(self, sid: str, session: SessionRecord) -> None:
        """Store a JSON copy of ``session``."""
        self._maybe_prune()
        self._write(sid, session)

    async def destroy(self, sid: str) -> None:
        """Forget ``sid``."""
        self.sessions.pop(sid, None)
        self._envelopes.pop(sid, None)

    async def touch(self, sid: str, session: SessionRecord) -> None:
        """Replace only the stored ``cookie`` (the data stays what is stored now)."""
        current = self._read(sid, now_ms())
        if current is not None:
            current["cookie"] = session["cookie"]
            self._write(sid, current)

    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` to the stored record; False when it is gone and may not be created.

        Atomic: nothing awaits between the read and the write, and every call runs on the
        event loop.
        """
        self._maybe_prune()
        return self._apply(sid, patch, now_ms())

    def _apply(self, sid: str, patch: SessionPatch, now: int) -> bool:
        """The work of :meth:`merge`, at ``now``."""
        # A replacing patch keeps nothing of the stored record but its metadata (apply_patch),
        # so the envelope stands in for it when there is one; a partial patch needs it all.
        current = self._envelope_record(sid, now) if patch.replace else None
        if current is None:
            current = self._read(sid, now)
        record = apply_patch(current, patch)
        if record is None:
            return False
        self._write(sid, record)
        return True

    def read_now(self, sid: str) -> SessionRecord | None:
        """:meth:`get`, called directly (store.TextRecords)."""
        record = self.read_parts_now(sid)
        if type(record) is tuple:
            parsed: SessionRecord = JSON.loads(self.sessions[sid])
            return parsed
        return record  # type: ignore[return-value]

    def read_parts_now(self, sid: str) -> SessionRecord | tuple[str, str] | None:
        """:meth:`read_now`, except that a record written with ``parts`` comes back as those
        two texts (its cookie's JSON and its data's, an object without the reserved keys),
        unparsed (store.TextRecords)."""
        envelope = self._envelopes.get(sid)
        if envelope is not None:  # the usual record: written so, no expiry, no sweep due
            written, expires, _, parts = envelope
            if (
                parts is not None
                and expires is None
                and written is self.sessions.get(sid)
                and time.monotonic() < self._next_prune
            ):
                return parts
        if time.monotonic() >= self._next_prune:
            self._maybe_prune()
        text = self.sessions.get(sid)
        envelope = self._envelopes.get(sid)
        if text is None or envelope is None or envelope.text is not text:
            return self._read(sid, now_ms())  # missing, or text planted here: parse it all
        expires = envelope.expires  # what _read decides, without a clock read when None
        if expires is not None and self._drop_expired(sid, expires, now_ms()):
            return None
        parts = envelope.parts
        if parts is not None:
            return parts
        record: SessionRecord = JSON.loads(text)
        return record

    def write_text_now(
        self,
        sid: str,
        text: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        create: bool,
        parts: tuple[str, str] | None = None,
    ) -> bool:
        """:meth:`merge` of the whole record whose JSON is ``text`` (store.TextRecords): the
        text is stored as it is, since JSON would write the record so. ``parts``: the JSON
        of its cookie and of its data, which ``text`` was put together from (kept for
        :meth:`read_parts_now`; only for a record without metadata)."""
        if time.monotonic() >= self._next_prune:
            self._maybe_prune()
        # The stored record as _apply reads it: the envelope's metadata, else the record
        # itself (dropped when expired, an error when corrupt).
        envelope = self._envelopes.get(sid)
        if envelope is not None and envelope.text is self.sessions.get(sid):
            expires_before = envelope.expires
            present = expires_before is None or not self._drop_expired(
                sid, expires_before, now_ms()
            )
            stored_meta = envelope.meta if present else None
        else:
            current = self._read(sid, now_ms())
            present = current is not None
            stored_meta = None if current is None else current.get(META_KEY)
        if not present and not create:
            return False
        if meta is None and stored_meta is not None:
            # the stored metadata is kept (apply_patch): rare, so the general path
            patch = SessionPatch.whole(JSON.loads(text), create=create)
            return self._apply(sid, patch, now_ms())
        self.sessions[sid] = text
        # tuple.__new__ directly: a namedtuple's own __new__ is a Python function
        fields = (text, expires, None, parts) if meta is None else (text, expires, dict(meta), None)
        self._envelopes[sid] = tuple.__new__(_Envelope, fields)
        return True

    def write_parts_now(self, sid: str, text: str, parts: tuple[str, str], create: bool) -> bool:
        """``write_text_now(sid, text, expires=None, meta=None, create=create, parts=parts)``
        (a record whose cookie has no expiry), its arguments passed by position: the usual
        save of a session request."""
        sessions, envelopes = self.sessions, self._envelopes
        envelope = envelopes.get(sid)
        if (  # over a live record without expiry or metadata, no sweep due
            envelope is not None
            and envelope[1] is None
            and envelope[2] is None
            and envelope[0] is sessions.get(sid)
            and time.monotonic() < self._next_prune
        ):
            sessions[sid] = text
            envelopes[sid] = tuple.__new__(_Envelope, (text, None, None, parts))
            return True
        return self.write_text_now(sid, text, expires=None, meta=None, create=create, parts=parts)

    def touch_parts_now(self, sid: str, cookie_text: str) -> bool:
        """Touch ``sid``'s record for a session whose cookie's JSON is ``cookie_text`` and
        has no expiry, if that can be done at once: True when :meth:`touch` would write the
        record exactly as it is (it was written from its parts with that cookie, it has no
        expiry or metadata, and no sweep is due), so nothing is written. False: call
        :meth:`touch` (the usual save's counterpart for a session request that changed
        nothing)."""
        envelope = self._envelopes.get(sid)
        return (
            envelope is not None
            and envelope[1] is None
            and envelope[2] is None
            and envelope[3] is not None
            and envelope[3][0] == cookie_text
            and envelope[0] is self.sessions.get(sid)
            and time.monotonic() < self._next_prune
        )

    async def all(self) -> dict[str, SessionRecord]:
        """Every live record by id."""
        now = now_ms()
        records = {sid: self._read(sid, now) for sid in list(self.sessions)}
        return {sid: record for sid, record in records.items() if record is not None}

    async def clear(self) -> None:
        """Forget every session."""
        self.sessions.clear()
        self._envelopes.clear()

    async def length(self) -> int:
        """How many live sessions there are."""
        return len(await self.all())

    def prune(self) -> int:
        """Drop every expired record now; returns how many were dropped."""
        now = now_ms()
        before = len(self.sessions)
        for sid in list(self.sessions):
            envelope = self._envelope(sid)
            if envelope is not None:
                self._drop_expired(sid, envelope.expires, now)
                continue
            # a corrupt record's expiry is unknown: it is kept, and get() reports it
            with contextlib.suppress(CorruptSessionRecord):
                self._read(sid, now)
        # envelopes of records replaced or removed behind the store's back describe nothing
        for sid in [sid for sid in self._envelopes if self._envelope(sid) is None]:
            del self._envelopes[sid]
        return before - len(self.sessions)

    def _read(self, sid: str, now: int) -> SessionRecord | None:
        """Parse the record of ``sid``; drop it (and return None) if expired.

        Raises :class:`CorruptSessionRecord` for an unreadable record.
        """
        text = self.sessions.get(sid)
        if text is None:
            return None
        envelope = self._envelope(sid)
        if envelope is not None:  # written here from a dict: it parses, and to a dict
            if self._drop_expired(sid, envelope.expires, now):
                return None
            record: SessionRecord = JSON.loads(text)
            return record
        record = load_record(JSON, text, "MemoryStore")
        if self._drop_expired(sid, expires_ms(record), now):
            return None
        return record

    def _envelope(self, sid: str) -> _Envelope | None:
        """The envelope of the record of ``sid``, if it describes the text stored now."""
        envelope = self._envelopes.get(sid)
        if envelope is None or envelope.text is not self.sessions.get(sid):
            return None
        return envelope

    def _envelope_record(self, sid: str, now: int) -> SessionRecord | None:
        """A stand-in for the live record of ``sid`` holding only its metadata; ``None`` when
        its envelope is unknown or the record is gone or expired (then it is dropped)."""
        envelope = self._envelope(sid)
        if envelope is None or self._drop_expired(sid, envelope.expires, now):
            return None
        return {} if envelope.meta is None else {META_KEY: envelope.meta}

    def _drop_expired(self, sid: str, expiry: int | None, now: int) -> bool:
        """Delete the record of ``sid`` when ``expiry`` has passed; True when it did."""
        if expiry is None or expiry > now:
            return False
        del self.sessions[sid]
        self._envelopes.pop(sid, None)
        return True

    def _write(self, sid: str, record: SessionRecord) -> None:
        """Store ``record`` as JSON, with its envelope when one can describe it exactly."""
        text = JSON.dumps(record)
        self.sessions[sid] = text
        envelope = _envelope_of(text, record)
        if envelope is None:
            self._envelopes.pop(sid, None)
        else:
            self._envelopes[sid] = envelope

    def _maybe_prune(self) -> None:
        """Sweep when ``prune_interval`` has passed since the last sweep."""
        if time.monotonic() < self._next_prune or self.prune_interval is None:
            return
        self._next_prune = time.monotonic() + self.prune_interval
        self.prune()


#: Types whose values JSON writes and reads back unchanged (the metadata holds only these).
_SCALARS = (str, int, float, bool, type(None))


def _envelope_of(text: str, record: SessionRecord) -> _Envelope | None:
    """The envelope of ``record`` (stored as ``text``), or ``None`` when it cannot be exact:
    a record get() would report as corrupt, or metadata that is not a dict of scalars."""
    try:
        expiry = expires_ms(record)
    except (AttributeError, ValueError):  # not a dict, or a malformed cookie.expires
        return None
    meta = record.get(META_KEY)
    if meta is None:
        return _Envelope(text, expiry, None)
    if isinstance(meta, dict) and all(isinstance(value, _SCALARS) for value in meta.values()):
        return _Envelope(text, expiry, dict(meta))
    return None

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

from .cookie import now_ms
from .errors import CorruptSessionRecord
from .patch import SessionPatch, apply_patch
from .store import JSON, SessionRecord, Store, expires_ms, load_record

__all__ = ["PRODUCTION_WARNING", "WORKERS_WARNING", "MemoryStore", "in_production",
           "worker_count"]

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

#: Environment variables read, in order, to decide whether this is production.
ENVIRONMENT_VARIABLES = ("EXPRESSPY_ENV", "NODE_ENV")
#: Set by `expresspy run --workers N` (N > 1) before it starts the worker processes.
WORKERS_VARIABLE = "EXPRESSPY_WORKERS"


def worker_count() -> int:
    """How many worker processes serve the app (``EXPRESSPY_WORKERS``; 1 when unset)."""
    try:
        return int(os.environ.get(WORKERS_VARIABLE) or 1)
    except ValueError:
        return 1


def in_production() -> bool:
    """True when ``EXPRESSPY_ENV`` (or else ``NODE_ENV``) is ``production``."""
    for variable in ENVIRONMENT_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return value == "production"
    return False


class MemoryStore(Store):
    """Sessions in this process's memory; expired records vanish on read and on each sweep.

    ``prune_interval`` is in seconds (``None`` disables sweeping; records then go only when
    read after expiry, as in express-session). Sweeps run inside store calls, no thread.
    """

    #: Its calls never wait on I/O, so store_timeout need not guard them (see persist.py).
    never_blocks = True

    def __init__(self, *, prune_interval: float | None = 60.0) -> None:
        self.sessions: dict[str, str] = {}
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
        self.sessions[sid] = JSON.dumps(session)

    async def destroy(self, sid: str) -> None:
        """Forget ``sid``."""
        self.sessions.pop(sid, None)

    async def touch(self, sid: str, session: SessionRecord) -> None:
        """Replace only the stored ``cookie`` (the data stays what is stored now)."""
        current = self._read(sid, now_ms())
        if current is not None:
            current["cookie"] = session["cookie"]
            self.sessions[sid] = JSON.dumps(current)

    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` to the stored record; False when it is gone and may not be created.

        Atomic: nothing awaits between the read and the write, and every call runs on the
        event loop.
        """
        self._maybe_prune()
        record = apply_patch(self._read(sid, now_ms()), patch)
        if record is None:
            return False
        self.sessions[sid] = JSON.dumps(record)
        return True

    async def all(self) -> dict[str, SessionRecord]:
        """Every live record by id."""
        now = now_ms()
        records = {sid: self._read(sid, now) for sid in list(self.sessions)}
        return {sid: record for sid, record in records.items() if record is not None}

    async def clear(self) -> None:
        """Forget every session."""
        self.sessions.clear()

    async def length(self) -> int:
        """How many live sessions there are."""
        return len(await self.all())

    def prune(self) -> int:
        """Drop every expired record now; returns how many were dropped."""
        now = now_ms()
        before = len(self.sessions)
        for sid in list(self.sessions):
            # a corrupt record's expiry is unknown: it is kept, and get() reports it
            with contextlib.suppress(CorruptSessionRecord):
                self._read(sid, now)
        return before - len(self.sessions)

    def _read(self, sid: str, now: int) -> SessionRecord | None:
        """Parse the record of ``sid``; drop it (and return None) if expired.

        Raises :class:`CorruptSessionRecord` for an unreadable record.
        """
        text = self.sessions.get(sid)
        if text is None:
            return None
        record = load_record(JSON, text, "MemoryStore")
        expiry = expires_ms(record)
        if expiry is not None and expiry <= now:
            del self.sessions[sid]
            return None
        return record

    def _maybe_prune(self) -> None:
        """Sweep when ``prune_interval`` has passed since the last sweep."""
        if self.prune_interval is None or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + self.prune_interval
        self.prune()

"""SQLiteStore: sessions in one SQLite file, shared by threads and worker processes.

The persistent default for one machine. The file is opened in WAL mode (readers never wait
for the writer) with a busy timeout, so ``expresspy run --workers N`` can share it. Every
statement uses bound parameters. SQLite calls run in a worker thread, never on the event loop.

Durability: with the default ``synchronous="NORMAL"`` a committed session survives the process
being killed (even with SIGKILL); to also survive power loss or an OS crash pass
``synchronous="FULL"``. Do not put the file on a network filesystem (WAL needs shared memory).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from os import PathLike
from typing import Any, TypeVar

from .cookie import now_ms
from .patch import META_KEY, SessionPatch, apply_patch
from .store import (
    JSON,
    Serializer,
    SessionRecord,
    Store,
    StoreCapabilities,
    expires_ms,
    load_record,
)

__all__ = ["SQLiteStore"]

log = logging.getLogger("expresspy.session")
T = TypeVar("T")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")

#: Expired rows deleted per statement while sweeping; the connection's lock (and SQLite's
#: write lock) is released between batches, so requests interleave with a long sweep.
SWEEP_BATCH = 1000


class SQLiteStore(Store):
    """Sessions in the SQLite file at ``path`` (created if missing), table ``table``.

    ``ttl`` (seconds) is how long a session without a cookie expiry is kept.
    ``prune_interval`` (seconds, ``None`` to disable) is how often expired rows are swept,
    from inside store calls. ``timeout`` (seconds) is how long to wait for another
    process's write lock. Records are JSON (``serializer``), one row per session:
    ``sid TEXT PRIMARY KEY, sess TEXT, expires INTEGER`` (ms since the epoch).
    """

    capabilities = StoreCapabilities(merge=True, touch=True, prune=True)
    #: Saves hand over the record's JSON as the middleware built it (store.AsyncTextRecords).
    async_text_records = True

    def __init__(
        self,
        path: str | PathLike[str],
        *,
        table: str = "sessions",
        ttl: int = 86400,
        prune_interval: float | None = 300.0,
        timeout: float = 5.0,
        synchronous: str = "NORMAL",
        serializer: Serializer = JSON,
    ) -> None:
        if not _IDENTIFIER.fullmatch(table):
            raise ValueError(f"table must be a plain SQL identifier, not {table!r}")
        if synchronous.upper() not in _SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {_SYNCHRONOUS}, not {synchronous!r}")
        self.path = path
        self.table = table
        self.ttl = ttl
        self.prune_interval = prune_interval
        self.serializer = serializer
        self._lock = threading.Lock()  # one connection, used by one thread at a time
        self._db = sqlite3.connect(path, timeout=timeout, check_same_thread=False,
                                   isolation_level=None)  # fmt: skip
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self._db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} "
            "(sid TEXT PRIMARY KEY, sess TEXT NOT NULL, expires INTEGER NOT NULL)"
        )
        self._db.execute(f"CREATE INDEX IF NOT EXISTS {table}_expires ON {table} (expires)")
        self._next_prune = time.monotonic() + (prune_interval or 0)
        self._sweeping: asyncio.Task[int] | None = None  # the periodic sweep, when running

    # -- the store contract ----------------------------------------------------------------

    async def get(self, sid: str) -> SessionRecord | None:
        """The live record of ``sid`` or ``None``; an unreadable row raises
        :class:`CorruptSessionRecord`."""
        row = await self._run(self._fetch_one, sid)
        return None if row is None else load_record(self.serializer, row, "SQLiteStore")

    async def set(self, sid: str, session: SessionRecord) -> None:
        """Insert or replace the row of ``sid``."""
        text = self.serializer.dumps(session)
        await self._run(self._upsert, sid, text, self._expiry(session))

    async def destroy(self, sid: str) -> None:
        """Delete the row of ``sid``."""
        await self._run(self._execute, f"DELETE FROM {self.table} WHERE sid = ?", (sid,))

    async def touch(self, sid: str, session: SessionRecord) -> None:
        """Move the expiry and rewrite only the stored cookie (the data is left as stored)."""
        cookie = self.serializer.dumps(session["cookie"])
        await self._run(
            self._execute,
            f"UPDATE {self.table} SET sess = json_set(sess, '$.cookie', json(?)), expires = ? "
            "WHERE sid = ? AND expires > ?",
            (cookie, self._expiry(session), sid, now_ms()),
        )

    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` to the stored row in one write transaction (atomic across
        processes); False when the row is gone and the patch may not create it."""
        return await self._run(self._merge, sid, patch)

    async def write_text(
        self,
        sid: str,
        text: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        create: bool,
    ) -> bool:
        """``merge(sid, SessionPatch.whole(record, create=create))`` for the record whose
        JSON is ``text`` (store.AsyncTextRecords): stored as it is when the serializer is
        JSON's, which would write the record so."""
        if self.serializer is not JSON:
            return await self.merge(sid, SessionPatch.whole(JSON.loads(text), create=create))
        expiry = now_ms() + self.ttl * 1000 if expires is None else expires
        return await self._run(self._write_text, sid, text, expiry, meta is not None, create)

    async def all(self) -> dict[str, SessionRecord]:
        """Every live record by id."""
        rows = await self._run(self._fetch_all)
        return {sid: self.serializer.loads(text) for sid, text in rows}

    async def length(self) -> int:
        """How many live sessions there are."""
        return len(await self._run(self._fetch_all))

    async def clear(self) -> None:
        """Delete every session."""
        await self._run(self._execute, f"DELETE FROM {self.table}", ())

    async def prune(self) -> int:
        """Delete expired rows now, in batches; returns how many were deleted."""
        return await asyncio.to_thread(self._sweep)

    def close(self) -> None:
        """Close the connection (the store cannot be used afterwards)."""
        with self._lock:
            self._db.close()

    # -- in the worker thread --------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` in a worker thread, starting a background sweep when it is time.

        The call does not wait for the sweep: they take turns on the lock, batch by batch.
        """
        if (
            self.prune_interval is not None
            and time.monotonic() >= self._next_prune
            and self._sweeping is None
        ):
            self._next_prune = time.monotonic() + self.prune_interval
            self._sweeping = asyncio.ensure_future(asyncio.to_thread(self._sweep))
            self._sweeping.add_done_callback(self._swept)
        return await asyncio.to_thread(self._locked, fn, *args)

    def _swept(self, task: asyncio.Task[int]) -> None:
        self._sweeping = None
        if not task.cancelled() and task.exception() is not None:  # e.g. closed meanwhile
            log.warning("session sweep failed: %r", task.exception())

    def _locked(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            return fn(*args)

    def _execute(self, sql: str, params: tuple[Any, ...]) -> None:
        self._db.execute(sql, params)

    def _fetch_one(self, sid: str) -> str | None:
        row = self._db.execute(
            f"SELECT sess FROM {self.table} WHERE sid = ? AND expires > ?", (sid, now_ms())
        ).fetchone()
        return None if row is None else str(row[0])

    def _fetch_all(self) -> list[tuple[str, str]]:
        query = f"SELECT sid, sess FROM {self.table} WHERE expires > ?"
        return [(str(sid), str(sess)) for sid, sess in self._db.execute(query, (now_ms(),))]

    def _upsert(self, sid: str, text: str, expires: int) -> None:
        self._db.execute(
            f"INSERT INTO {self.table} (sid, sess, expires) VALUES (?, ?, ?) "
            "ON CONFLICT(sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires",
            (sid, text, expires),
        )

    def _merge(self, sid: str, patch: SessionPatch) -> bool:
        # BEGIN IMMEDIATE takes the write lock before reading, so no other process can write
        # this row between our read and our write.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            text = self._fetch_one(sid)
            current = None if text is None else load_record(self.serializer, text, "SQLiteStore")
            record = apply_patch(current, patch)
            if record is not None:
                self._upsert(sid, self.serializer.dumps(record), self._expiry(record))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return record is not None

    def _write_text(self, sid: str, text: str, expiry: int, has_meta: bool, create: bool) -> bool:
        # _merge of a whole-record patch, without taking the record apart: the stored row is
        # only read to learn whether it is there (and readable), and whether its metadata,
        # which a record without any keeps, must be spliced in.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            stored = self._fetch_one(sid)
            current = (
                None if stored is None else load_record(self.serializer, stored, "SQLiteStore")
            )
            written = current is not None or create
            if written and not has_meta and current is not None and META_KEY in current:
                record = apply_patch(current, SessionPatch.whole(JSON.loads(text), create=create))
                assert record is not None  # the row is there
                text = self.serializer.dumps(record)
            if written:
                self._upsert(sid, text, expiry)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return written

    def _sweep(self) -> int:
        """Delete expired rows batch by batch, taking the lock for one batch at a time."""
        deleted = 0
        while True:
            with self._lock:
                count = self._db.execute(
                    f"DELETE FROM {self.table} WHERE rowid IN "
                    f"(SELECT rowid FROM {self.table} WHERE expires <= ? LIMIT {SWEEP_BATCH})",
                    (now_ms(),),
                ).rowcount
            deleted += count
            if count < SWEEP_BATCH:
                return deleted

    def _expiry(self, session: SessionRecord) -> int:
        """The row's expiry in ms: the cookie's, else now + ``ttl``."""
        expiry = expires_ms(session)
        return now_ms() + self.ttl * 1000 if expiry is None else expiry

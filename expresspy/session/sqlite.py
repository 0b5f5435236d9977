"""SQLiteStore: sessions in one SQLite file, shared by threads and worker processes.

The persistent default for one machine. The file is opened in WAL mode (readers never wait
for the writer) with a busy timeout, so ``expresspy run --workers N`` can share it. Every
statement uses bound parameters.

Where the statements run (issue 21). A request's own statements (the load, and the one-row
writes of ``set``, ``destroy``, ``touch``, ``merge``, ``write_text``) run directly on the
event loop, on a connection of their own, whenever they need not wait:

- a read never waits for the writer in WAL mode (it sees the last commit);
- a write is tried with SQLite's busy handler off (busy timeout 0 on the loop's connection):
  when another connection (another process, or this store's worker thread) holds the write
  lock, SQLite answers "database is locked" at once, the call has written nothing (its
  transaction is rolled back), and the same call runs again in a worker thread on the
  store's other connection, which waits up to ``timeout`` for the lock as every call did
  before. A read answered "locked" (WAL allows it in rare moments, such as recovery) does
  the same;
- a WAL commit does not fsync with ``synchronous="NORMAL"`` (the default) or ``"OFF"``; with
  ``"FULL"`` or ``"EXTRA"`` it would, so writes then stay in the worker thread (reads do not);
- checkpoints, which copy the WAL into the database file and fsync it, never run on the
  loop: the loop's connection has ``wal_autocheckpoint=0``, and the worker thread
  checkpoints after every ``CHECKPOINT_WRITES`` writes made on the loop and after each
  sweep: a PASSIVE checkpoint for the bulk, then a RESTART one for the rest, which holds the
  write lock (the loop's writes meanwhile take the thread) for up to ``CHECKPOINT_WAIT_MS``,
  so the next write starts the WAL over. A PASSIVE checkpoint alone, racing the loop's
  writes, never caught up with them, and the WAL grew without end (each commit costing more).

The session middleware calls a request's load and save synchronously (``read_now`` and
``write_text_now``, store.TextRecords): no coroutine and no ``store_timeout`` deadline for a
statement that runs on the loop at once and so cannot time out. When it would wait they raise
store.WouldWait, having done nothing, and the middleware awaits ``get`` or ``write_text``,
which take the worker thread as above, within ``store_timeout``.

A save is a whole-record merge: a session loaded from the store is only updated, never
created again (a concurrent ``destroy`` wins), and metadata stored with it is kept by a record
without any. The general way is a ``BEGIN IMMEDIATE`` transaction that reads the row, checks
it and writes it. The usual save needs less, with the same outcome: after its load, one
autocommit ``UPDATE`` that replaces the row only while it is still the live text the load
parsed (which the load found readable, with or without metadata); for a new session, one
``INSERT`` that creates the row only where there is none. When that statement changes no row
(the row changed, expired or was destroyed in between), the transaction decides. A row this
store wrote from its cookie's and data's JSON (the middleware's ``parts``) is loaded as those
two texts, unparsed, while it still holds the text written (``read_parts_now``); any other
text is parsed.

The rest runs in a worker thread: the periodic sweep and ``prune()``, ``all()``,
``length()``, ``clear()``, and the retried calls. The thread's connection is guarded by a
lock that the loop never takes. Why: a call in a worker thread (``asyncio.to_thread``, there
and back) costs about 170k instructions, several times the statements themselves (a
primary-key ``SELECT`` is about 16k), which made the two of a session request most of its
cost (docs/performance.md, "SQLiteStore on the event loop"). A connection of the loop's own
costs nothing per call, where switching one shared connection's busy timeout off and back
would cost two more statements (about 30k) per call and a wait for its lock. The price: a
statement's own time (tens of microseconds; a commit writes to the page cache) is spent on
the loop. ``on_loop=False`` runs every call in a worker thread, as before (for a file on
storage so slow that even that may stall).

Durability: with the default ``synchronous="NORMAL"`` a committed session survives the process
being killed (even with SIGKILL); to also survive power loss or an OS crash pass
``synchronous="FULL"``. Do not put the file on a network filesystem (WAL needs shared memory).
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import sqlite3
import threading
from collections.abc import Callable
from os import PathLike
from time import time_ns
from typing import Any, TypeVar

from .cookie import now_ms
from .patch import META_KEY, SessionPatch, apply_patch
from .store import (
    JSON,
    Serializer,
    SessionRecord,
    Store,
    StoreCapabilities,
    WouldWait,
    expires_ms,
    load_record,
)

__all__ = ["SQLiteStore"]

log = logging.getLogger("expresspy.session")
T = TypeVar("T")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
#: The levels at which a WAL commit does not fsync, so a write may run on the event loop.
_NO_FSYNC_ON_COMMIT = ("OFF", "NORMAL")
#: SQLite's primary result code for "another connection holds the lock" (SQLITE_BUSY).
_SQLITE_BUSY = 5

#: Expired rows deleted per statement while sweeping; the connection's lock (and SQLite's
#: write lock) is released between batches, so requests interleave with a long sweep.
SWEEP_BATCH = 1000
#: Writes made on the event loop between two checkpoints in the worker thread. A session
#: write adds one or two pages to the WAL (the row's, the expiry index's; more for a record
#: past a page), so this keeps the WAL under SQLite's own automatic threshold (1000 pages).
CHECKPOINT_WRITES = 250
#: Rows whose parsed text SQLiteStore remembers between a request's load and its save.
VERIFIED_ROWS = 1024
#: How long (ms) the final part of a checkpoint waits for other connections while it holds
#: the write lock (so at most this long a stall for every writer).
CHECKPOINT_WAIT_MS = 100

Statement = Callable[..., T]
#: What SQLiteStore knows of a row's text: the text, whether the record holds metadata, and
#: the JSON of its cookie and of its data when it wrote the text from them (else None).
_Known = tuple[str, bool, "tuple[str, str] | None"]


class SQLiteStore(Store):
    """Sessions in the SQLite file at ``path`` (created if missing), table ``table``.

    ``ttl`` (seconds) is how long a session without a cookie expiry is kept.
    ``prune_interval`` (seconds, ``None`` to disable) is how often expired rows are swept,
    from inside store calls. ``timeout`` (seconds) is how long to wait for another
    process's write lock. Records are JSON (``serializer``), one row per session:
    ``sid TEXT PRIMARY KEY, sess TEXT, expires INTEGER`` (ms since the epoch).
    ``on_loop`` (default True) runs a request's own statements on the event loop when they
    need not wait for a lock, and in a worker thread otherwise (the module docstring says
    why); False runs every statement in a worker thread.
    """

    capabilities = StoreCapabilities(merge=True, touch=True, prune=True)
    #: Saves hand over the record's JSON as the middleware built it (store.AsyncTextRecords).
    async_text_records = True
    #: A request's load and save are called directly when they can run on the loop now, and
    #: decline with store.WouldWait when they would wait (store.TextRecords): no coroutine
    #: and no timeout for a statement that ran synchronously anyway and could not time out.
    text_records = True
    text_records_may_wait = True

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
        on_loop: bool = True,
    ) -> None:
        if not _IDENTIFIER.fullmatch(table):
            raise ValueError(f"table must be a plain SQL identifier, not {table!r}")
        synchronous = synchronous.upper()
        if synchronous not in _SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {_SYNCHRONOUS}, not {synchronous!r}")
        self.path = path
        self.table = table
        self.ttl = ttl
        self.prune_interval = prune_interval
        self.serializer = serializer
        self._lock = threading.Lock()  # the worker threads' connection, one thread at a time
        self._timeout_ms = round(timeout * 1000)
        self._db = _connect(path, timeout, synchronous)
        self._db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} "
            "(sid TEXT PRIMARY KEY, sess TEXT NOT NULL, expires INTEGER NOT NULL)"
        )
        self._db.execute(f"CREATE INDEX IF NOT EXISTS {table}_expires ON {table} (expires)")
        # A request's two statements, spelled once (formatting and hashing a new string per
        # call cost about 1k instructions each; SQLite's statement cache is keyed by the text).
        self._select_sql = f"SELECT sess FROM {table} WHERE sid = ? AND expires > ?"
        self._upsert_sql = (
            f"INSERT INTO {table} (sid, sess, expires) VALUES (?, ?, ?) "
            "ON CONFLICT(sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires"
        )
        # A save's two one-statement forms (_write_text): replace the live row only while it
        # is still the text read_now parsed, and create a row only where there is none.
        self._swap_sql = (
            f"UPDATE {table} SET sess = ?, expires = ? WHERE sid = ? AND expires > ? AND sess = ?"
        )
        self._insert_sql = (
            f"INSERT INTO {table} (sid, sess, expires) VALUES (?, ?, ?) ON CONFLICT(sid) DO NOTHING"
        )
        # A touch (the cookie, its expiry, the id, now): the stored data is left as it is.
        self._touch_sql = (
            f"UPDATE {table} SET sess = json_set(sess, '$.cookie', json(?)), expires = ? "
            "WHERE sid = ? AND expires > ?"
        )
        # The event loop's connection: it never waits for a lock (busy timeout 0) and never
        # checkpoints (the worker thread does). Tried without blocking by whichever loop calls
        # (two loops in two threads may share a store); when busy, the call takes the thread.
        self._loop_db: sqlite3.Connection | None = None
        self._loop_lock = threading.Lock()
        self._writes_on_loop = on_loop and synchronous in _NO_FSYNC_ON_COMMIT
        if on_loop:
            self._loop_db = _connect(path, timeout, synchronous)
            self._loop_db.execute("PRAGMA busy_timeout=0")
            self._loop_db.execute("PRAGMA wal_autocheckpoint=0")
        self._unchecked_writes = 0  # writes made on the loop since the last checkpoint
        # The rows whose text this store knows, by id: read_now parsed it, or write_text_now
        # wrote it from its parts (_Known). A save, which follows its load, finds the same
        # text stored and need not parse it again to check it, and a load that finds the text
        # it wrote hands out its parts unparsed (VERIFIED_ROWS at most, cleared when full;
        # popped by a write, which puts back what it wrote when it knows its parts).
        self._verified: dict[str, _Known] = {}
        # The sweep is due once the wall clock (in ms, read by the statements anyway, so no
        # clock read of its own) leaves [_pruned, _next_prune): a clock set back also sweeps.
        self._pruned = self._next_prune = 0.0
        self._schedule_sweep(now_ms())
        self._sweeping: asyncio.Task[int] | None = None  # sweep or checkpoint, when running

    # -- the store contract ----------------------------------------------------------------

    async def get(self, sid: str) -> SessionRecord | None:
        """The live record of ``sid`` or ``None``; an unreadable row raises
        :class:`CorruptSessionRecord`."""
        row = await self._read(self._fetch_one, sid)
        return None if row is None else load_record(self.serializer, row, "SQLiteStore")

    async def set(self, sid: str, session: SessionRecord) -> None:
        """Insert or replace the row of ``sid``."""
        text = self.serializer.dumps(session)
        await self._write(self._upsert, sid, text, self._expiry(session))

    async def destroy(self, sid: str) -> None:
        """Delete the row of ``sid``."""
        await self._write(_execute, f"DELETE FROM {self.table} WHERE sid = ?", (sid,))

    async def touch(self, sid: str, session: SessionRecord) -> None:
        """Move the expiry and rewrite only the stored cookie (the data is left as stored)."""
        cookie = self.serializer.dumps(session["cookie"])
        args = (cookie, self._expiry(session), sid, now_ms())
        await self._write(_execute, self._touch_sql, args)

    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` to the stored row in one write transaction (atomic across
        processes); False when the row is gone and the patch may not create it."""
        return await self._write(self._merge, sid, patch)

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
        expiry = self._row_expiry(expires)
        return await self._write(self._write_text, sid, text, expiry, meta is not None, create)

    def read_now(self, sid: str) -> SessionRecord | None:
        """:meth:`get` when it can run on the loop now (store.TextRecords), else
        :class:`~expresspy.session.store.WouldWait`."""
        row = self._select_now(sid)
        return None if row is None else self._parse(sid, row)

    def read_parts_now(self, sid: str) -> SessionRecord | tuple[str, str] | None:
        """:meth:`read_now`, except that a row whose text is the one ``write_text_now`` wrote
        from ``parts`` comes back as those two texts (its cookie's JSON and its data's),
        unparsed (store.TextRecords)."""
        row = self._select_now(sid)
        if row is None:
            return None
        known = self._verified.get(sid)
        if known is not None and known[2] is not None and known[0] == row:
            return known[2]  # the very text written from them: another process left it alone
        return self._parse(sid, row)

    def _select_now(self, sid: str) -> str | None:
        """The live row's text of ``sid``, read on the loop now, or :class:`WouldWait`.

        A request's load, with the one clock read its ``SELECT`` needs also telling whether
        upkeep is due, and the statement run by :meth:`_on_loop` directly (each Python call
        around the statement cost about 500 instructions: docs/performance.md, branch
        sqlite-flat)."""
        now = time_ns() // 1_000_000
        if (
            self._unchecked_writes >= CHECKPOINT_WRITES
            or not self._pruned <= now < self._next_prune
        ):
            self._start_maintenance(now)
        if self._loop_db is None:
            raise WouldWait
        return self._on_loop(self._fetch_one, (sid, now))

    def _parse(self, sid: str, row: str) -> SessionRecord:
        """The record stored as ``row``, remembered as known for the save that follows."""
        record = load_record(self.serializer, row, "SQLiteStore")
        self._remember(sid, (row, META_KEY in record, None))
        return record

    def _remember(self, sid: str, known: _Known) -> None:
        verified = self._verified
        if len(verified) >= VERIFIED_ROWS:
            verified.clear()
        verified[sid] = known

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
        """:meth:`write_text` when it can run on the loop now (store.TextRecords), else
        :class:`~expresspy.session.store.WouldWait`, having written nothing. ``parts``: the
        JSON of the record's cookie and of its data, which ``text`` was put together from
        (only for a record without metadata), handed out by :meth:`read_parts_now` while the
        row holds ``text``."""
        has_meta = meta is not None
        return self.write_parts_now(
            sid, text, None if has_meta else parts, create, expires, has_meta
        )

    def write_parts_now(
        self,
        sid: str,
        text: str,
        parts: tuple[str, str] | None,
        create: bool,
        expires: int | None = None,
        has_meta: bool = False,
    ) -> bool:
        """``write_text_now(sid, text, expires=None, meta=None, create=create, parts=parts)``
        (a record whose cookie has no expiry), its arguments passed by position: the usual
        save of a session request (store.TextRecords). :meth:`write_text_now` passes its
        ``expires``, and ``has_meta`` (whether the record holds metadata; ``parts`` is None
        then).

        The one clock read gives the row's new expiry, the swap's ``expires > now`` and
        whether upkeep is due, and the write runs by :meth:`_on_loop` directly (each Python
        call around the statement cost about 500 instructions: docs/performance.md, branch
        sqlite-flat)."""
        if self.serializer is not JSON or not self._writes_on_loop:
            raise WouldWait  # write_text takes the record apart, or writes stay in the thread
        now = time_ns() // 1_000_000
        if (
            self._unchecked_writes >= CHECKPOINT_WRITES
            or not self._pruned <= now < self._next_prune
        ):
            self._start_maintenance(now)
        expiry = now + self.ttl * 1000 if expires is None else expires
        args = (sid, text, expiry, has_meta, create, parts, now)
        written = self._on_loop(self._write_text, args)
        self._unchecked_writes += 1
        return written

    def touch_parts_now(self, sid: str, cookie_text: str) -> bool:
        """:meth:`touch` for a session whose cookie's JSON is ``cookie_text`` and has no
        expiry, run on the loop now (the row's expiry moves to now + ``ttl``); True when it
        ran. :class:`WouldWait` when the write would wait or stays in the thread (then call
        :meth:`touch`)."""
        if self.serializer is not JSON or not self._writes_on_loop:
            raise WouldWait
        now = time_ns() // 1_000_000
        if (
            self._unchecked_writes >= CHECKPOINT_WRITES
            or not self._pruned <= now < self._next_prune
        ):
            self._start_maintenance(now)
        args = (self._touch_sql, (cookie_text, now + self.ttl * 1000, sid, now))
        self._on_loop(_execute, args)
        self._unchecked_writes += 1
        return True

    async def all(self) -> dict[str, SessionRecord]:
        """Every live record by id."""
        rows = await self._in_thread(self._fetch_all)
        return {sid: self.serializer.loads(text) for sid, text in rows}

    async def length(self) -> int:
        """How many live sessions there are."""
        return len(await self._in_thread(self._fetch_all))

    async def clear(self) -> None:
        """Delete every session."""
        await self._in_thread(_execute, f"DELETE FROM {self.table}", ())

    async def prune(self) -> int:
        """Delete expired rows now, in batches, then checkpoint; returns how many were
        deleted."""
        return await asyncio.to_thread(self._maintain, True)

    def close(self) -> None:
        """Close the connections (the store cannot be used afterwards)."""
        with self._loop_lock:
            if self._loop_db is not None:
                self._loop_db.close()
        with self._lock:
            self._db.close()  # the last one to close checkpoints: in this thread, not the loop

    # -- where a call runs -----------------------------------------------------------------

    async def _read(self, fn: Statement[T], *args: Any) -> T:
        """Run the read ``fn`` on the loop's connection, or in a worker thread when it is
        busy."""
        self._start_maintenance(now_ms())
        if self._loop_db is not None:
            try:
                return self._on_loop(fn, args)
            except WouldWait:
                pass
        return await asyncio.to_thread(self._locked, fn, *args)

    async def _write(self, fn: Statement[T], *args: Any) -> T:
        """Run the write ``fn`` on the loop's connection when no one holds the write lock,
        else in a worker thread (which waits for the lock up to ``timeout``)."""
        self._start_maintenance(now_ms())
        try:
            return self._write_on_loop(fn, args)
        except WouldWait:
            if fn == self._write_text and self._lock.locked():
                fn = self._write_text_behind_ours  # type: ignore[assignment]
            return await asyncio.to_thread(self._locked, fn, *args)

    def _write_on_loop(self, fn: Statement[T], args: tuple[Any, ...]) -> T:
        """Run the write ``fn`` on the loop's connection, or raise :class:`WouldWait` (writes
        stay off the loop, or someone holds the write lock)."""
        if not self._writes_on_loop:
            raise WouldWait
        result = self._on_loop(fn, args)
        self._unchecked_writes += 1
        return result

    async def _in_thread(self, fn: Statement[T], *args: Any) -> T:
        """Run ``fn`` in a worker thread (bulk statements, which may take long)."""
        self._start_maintenance(now_ms())
        return await asyncio.to_thread(self._locked, fn, *args)

    def _on_loop(self, fn: Statement[T], args: tuple[Any, ...]) -> T:
        """``fn(loop_db, *args)``, or :class:`WouldWait` when that would wait: the loop's
        connection is in use (by another thread's loop), or SQLite answered "locked" (the
        statement wrote nothing then: ``fn`` rolls its transaction back)."""
        db = self._loop_db
        assert db is not None
        if not self._loop_lock.acquire(False):  # by position: cheaper than blocking=False
            raise WouldWait
        try:
            return fn(db, *args)
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise WouldWait from error
            raise
        finally:
            self._loop_lock.release()

    def _locked(self, fn: Statement[T], *args: Any) -> T:
        with self._lock:
            return fn(self._db, *args)

    # -- upkeep in the worker thread -------------------------------------------------------

    def _start_maintenance(self, now: int) -> None:
        """Start the periodic sweep, or a checkpoint of the loop's writes, in a worker thread
        when one is due at ``now`` (the wall clock in ms). The caller does not wait for it:
        they take turns on the lock."""
        if self._sweeping is not None:
            return
        sweep = self.prune_interval is not None and not self._pruned <= now < self._next_prune
        if sweep or self._unchecked_writes >= CHECKPOINT_WRITES:
            if sweep:
                self._schedule_sweep(now)
            self._unchecked_writes = 0
            self._sweeping = asyncio.ensure_future(asyncio.to_thread(self._maintain, sweep))
            self._sweeping.add_done_callback(self._swept)

    def _schedule_sweep(self, now: int) -> None:
        """Make the next sweep due ``prune_interval`` after ``now`` (never, without one)."""
        if self.prune_interval is None:
            self._pruned, self._next_prune = -math.inf, math.inf
        else:
            self._pruned, self._next_prune = now, now + self.prune_interval * 1000

    def _swept(self, task: asyncio.Task[int]) -> None:
        self._sweeping = None
        if not task.cancelled() and task.exception() is not None:  # e.g. closed meanwhile
            log.warning("session sweep failed: %r", task.exception())

    def _maintain(self, sweep: bool) -> int:
        """Sweep (when ``sweep``), then copy the WAL into the database file; returns how many
        rows were deleted."""
        deleted = self._sweep() if sweep else 0
        with self._lock:
            # PASSIVE copies the bulk of the WAL without stopping anyone, but never catches up
            # with writes made meanwhile. RESTART then copies the rest holding the write lock
            # (the loop's writes take the thread meanwhile) and waits for readers, so the next
            # write starts the WAL over; it waits for others at most CHECKPOINT_WAIT_MS, not
            # ``timeout``, since every writer waits with it (busy: tried again next time).
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._db.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            try:
                self._db.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
            finally:
                self._db.execute(f"PRAGMA busy_timeout={self._timeout_ms}")
        return deleted

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

    # -- the statements, on the connection they are given ----------------------------------

    def _fetch_one(self, db: sqlite3.Connection, sid: str, now: int | None = None) -> str | None:
        row = db.execute(self._select_sql, (sid, now_ms() if now is None else now)).fetchone()
        return None if row is None else str(row[0])

    def _fetch_all(self, db: sqlite3.Connection) -> list[tuple[str, str]]:
        query = f"SELECT sid, sess FROM {self.table} WHERE expires > ?"
        return [(str(sid), str(sess)) for sid, sess in db.execute(query, (now_ms(),))]

    def _upsert(self, db: sqlite3.Connection, sid: str, text: str, expires: int) -> None:
        db.execute(self._upsert_sql, (sid, text, expires))

    def _merge(self, db: sqlite3.Connection, sid: str, patch: SessionPatch) -> bool:
        # BEGIN IMMEDIATE takes the write lock before reading, so no other process can write
        # this row between our read and our write.
        with _immediate(db):
            text = self._fetch_one(db, sid)
            current = None if text is None else load_record(self.serializer, text, "SQLiteStore")
            record = apply_patch(current, patch)
            if record is not None:
                self._upsert(db, sid, self.serializer.dumps(record), self._expiry(record))
        return record is not None

    def _write_text(
        self,
        db: sqlite3.Connection,
        sid: str,
        text: str,
        expiry: int,
        has_meta: bool,
        create: bool,
        parts: tuple[str, str] | None = None,
        now: int | None = None,
    ) -> bool:
        # _merge of a whole-record patch, without taking the record apart. The usual save is
        # one autocommit statement with the transaction's outcome: over the row its load
        # parsed, replaced only while the row is still that very text (live, readable, its
        # metadata known, so nothing to splice when none is stored or this record has its
        # own); a new session's row, created only where no row is (none to check). Anything
        # else (no such statement applies, or it changed nothing: the row changed, expired or
        # was destroyed meanwhile) is decided by the transaction below, as before.
        verified = self._verified.pop(sid, None)
        if verified is not None:
            swapped = (has_meta or not verified[1]) and db.execute(
                self._swap_sql, (text, expiry, sid, now_ms() if now is None else now, verified[0])
            ).rowcount
        else:
            swapped = create and db.execute(self._insert_sql, (sid, text, expiry)).rowcount
        if not swapped:
            written, spliced = self._write_text_checked(
                db, sid, verified, text, expiry, has_meta, create
            )
            if not written or spliced:
                return written
        if parts is not None:  # the row holds ``text``, put together from ``parts``
            self._remember(sid, (text, False, parts))
        return True

    def _write_text_behind_ours(self, db: sqlite3.Connection, sid: str, *args: Any) -> bool:
        """:meth:`_write_text` in the worker thread for a write that found SQLite's lock taken
        while this store's own worker held it (a checkpoint, or another such write), with the
        row as read now taken for the one its load parsed: so the one-statement swap applies
        over it, and the transaction only when that does not (no row, metadata to keep, or a
        row changed meanwhile). Why: the transaction holds SQLite's write lock across
        statements that each wait for the GIL in this thread, and under load the loop's
        writes meeting that lock took the thread in turn, each one a transaction again
        (docs/performance.md, branch sqlite-time). A write that found another process's lock
        takes the transaction, as before."""
        stored = self._fetch_one(db, sid)
        if stored is None:
            self._verified.pop(sid, None)
        else:
            self._parse(sid, stored)  # remembered as known: whether it holds metadata
        return self._write_text(db, sid, *args)

    def _write_text_checked(
        self,
        db: sqlite3.Connection,
        sid: str,
        verified: _Known | None,
        text: str,
        expiry: int,
        has_meta: bool,
        create: bool,
    ) -> tuple[bool, bool]:
        """:meth:`_write_text` in a write transaction that reads the stored row first: it is
        only read to learn whether it is there (and readable), and whether its metadata,
        which a record without any keeps, must be spliced in. Returns whether it wrote, and
        whether what it wrote is not ``text`` (the stored metadata spliced in)."""
        with _immediate(db):
            stored = self._fetch_one(db, sid)
            if stored is not None and verified is not None and verified[0] == stored:
                # the text read_now parsed: readable, and its metadata known
                written, stored_meta = True, verified[1]
            else:
                current = (
                    None if stored is None else load_record(self.serializer, stored, "SQLiteStore")
                )
                written = current is not None or create
                stored_meta = current is not None and META_KEY in current
            spliced = written and not has_meta and stored_meta
            if spliced:
                assert stored is not None
                current = load_record(self.serializer, stored, "SQLiteStore")
                record = apply_patch(current, SessionPatch.whole(JSON.loads(text), create=create))
                assert record is not None  # the row is there
                text = self.serializer.dumps(record)
            if written:
                self._upsert(db, sid, text, expiry)
        return written, spliced

    def _expiry(self, session: SessionRecord) -> int:
        """The row's expiry in ms: the cookie's, else now + ``ttl``."""
        return self._row_expiry(expires_ms(session))

    def _row_expiry(self, expires: int | None) -> int:
        """The row's expiry in ms for a cookie expiring at ``expires`` (None: now + ``ttl``)."""
        return now_ms() + self.ttl * 1000 if expires is None else expires


def _connect(path: str | PathLike[str], timeout: float, synchronous: str) -> sqlite3.Connection:
    """A connection in autocommit mode (``isolation_level=None``: transactions are explicit)
    that waits ``timeout`` seconds for a lock (0: not at all), on the WAL file; ``synchronous``
    is per connection."""
    db = sqlite3.connect(path, timeout=timeout, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    return db


def _execute(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> None:
    db.execute(sql, params)


class _immediate:
    """``with _immediate(db):`` a write transaction that takes the write lock first (``BEGIN
    IMMEDIATE``), committed at the end, rolled back on any error, a failed COMMIT included,
    so the connection never keeps a transaction open."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        try:
            if kind is None:
                self.db.execute("COMMIT")
        finally:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite answered SQLITE_BUSY (another connection holds a lock we would need)."""
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF == _SQLITE_BUSY
    return str(error) == "database is locked"

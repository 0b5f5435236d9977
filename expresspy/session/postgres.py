"""PostgresStore: sessions in PostgreSQL, in connect-pg-simple 10's table and way.

Table ``session`` (``table_name``, in ``schema_name`` when given)::

    sid varchar PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL  -- index on expire

``sess`` is the session's JSON exactly as ``JSON.stringify`` writes it; ``expire`` is
``to_timestamp(ceil(cookie.expires / 1000))``, or now + ``ttl`` seconds (a day by default)
for a cookie without an expiry. A row is live while ``expire >= to_timestamp(ceil(now))``.
So an Express app using connect-pg-simple on the same table and secret shares sessions with
this one, both ways. Expired rows are pruned every ``prune_session_interval`` seconds (15
minutes, each delay drawn between 50 % and 150 % of it so that instances spread out), from
the first store call on, as connect-pg-simple does.

Needs the ``postgres`` extra (``pip install 'expresspy[postgres]'``: psycopg 3 and its pool);
every call runs on the event loop through ``psycopg``'s async connections.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..options import gather
from .cookie import now_ms
from .errors import SessionStoreBusy
from .load import reports_load
from .patch import SessionPatch, apply_patch
from .store import (
    JSON,
    SessionRecord,
    Store,
    StoreCapabilities,
    expires_ms,
    is_expired,
    load_record,
)

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

__all__ = ["PostgresStore"]

log = logging.getLogger("expresspy.session")

#: connect-pg-simple's defaults: prune every 15 minutes; keep a session without expiry a day.
PRUNE_INTERVAL = 15 * 60
ONE_DAY = 86400
#: Connections per process (node-postgres's Pool default, which connect-pg-simple uses).
POOL_SIZE = 10
#: Seconds to wait for a busy pool without ``pool_timeout``: the middleware's store_timeout
#: ends the wait long before.
LONG_WAIT = 3600.0

_DEFAULTS: dict[str, Any] = {
    "con_string": None, "pool": None, "schema_name": None, "table_name": "session",
    "create_table_if_missing": False, "ttl": None, "disable_touch": False, "error_log": None,
    "prune_session_interval": PRUNE_INTERVAL, "prune_session_randomized_interval": True,
    "pool_size": POOL_SIZE, "pool_timeout": None, "timeout": 2.0,
}  # fmt: skip


def _psycopg() -> tuple[Any, Any]:
    """The ``psycopg`` and ``psycopg_pool`` modules, or a clear error naming the extra."""
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "PostgresStore needs psycopg 3 and psycopg-pool: pip install 'expresspy[postgres]'"
        ) from exc
    return psycopg, psycopg_pool


def quote_identifier(name: str) -> str:
    """A double-quoted SQL identifier (``"`` doubled, as connect-pg-simple escapes it)."""
    return '"' + name.replace('"', '""') + '"'


def current_timestamp() -> int:
    """connect-pg-simple's ``currentTimestamp``: now in whole seconds, rounded up."""
    return math.ceil(now_ms() / 1000)


def jittered(delay: float) -> float:
    """connect-pg-simple's default randomizer: between 50 % and 150 % of ``delay``."""
    return delay / 2 + delay * random.random()


def _as_busy(store: PostgresStore, operation: str, exc: Exception) -> SessionStoreBusy | None:
    """A pool timeout while the server answers is load (every connection was in use); while
    it does not, no connection could be made and the error stays an outage."""
    if type(exc).__name__ != "PoolTimeout" or not store._healthy:
        return None
    return SessionStoreBusy(operation, f"all {store.pool_size} connections stayed in use for "
                                       f"{store.pool_timeout or LONG_WAIT:g} s; raise pool_size "
                                       "or add workers")  # fmt: skip


class PostgresStore(Store):
    """Sessions in PostgreSQL (connect-pg-simple's table and expiry).

    Give a connection string (``"postgresql://user@host/db"``; ``DATABASE_URL`` when none)
    or ``pool=`` a ``psycopg_pool.AsyncConnectionPool`` (left open by :meth:`aclose`: its
    owner closes it). Options, as keywords or one dict with connect-pg-simple's camelCase
    keys (``{"tableName": "session", "createTableIfMissing": True}``):

    * ``table_name`` (``"session"``), ``schema_name`` (the search path when ``None``);
    * ``create_table_if_missing`` (False): create the table and its index on first use;
    * ``ttl`` (seconds; a day when ``None``): lifetime of a session whose cookie has no
      expiry;
    * ``disable_touch``: ``touch`` does nothing (expiry then moves only on saves);
    * ``prune_session_interval`` (seconds, 900; ``False``/``None`` disables) and
      ``prune_session_randomized_interval`` (True: each delay is 50-150 % of the interval;
      False: exact; or ``fn(delay_ms) -> delay_ms``);
    * ``error_log(*args)``: where pruning failures go (the ``expresspy.session`` logger);
    * expresspy's: ``pool_size`` (10 connections per process), ``pool_timeout`` (seconds to
      wait for a free connection before :class:`SessionStoreBusy`; ``None``: until the
      middleware's ``store_timeout``), ``timeout`` (2 s to connect).

    An unreachable server fails each call with psycopg's ``OperationalError``, which the
    session middleware answers with a 503 (``SessionStoreUnavailable``).
    """

    def __init__(
        self, con_string: str | Mapping[str, Any] | None = None, /, **keywords: Any
    ) -> None:
        given = con_string if isinstance(con_string, Mapping) else None
        opts = gather("PostgresStore", given, keywords, _DEFAULTS)
        if isinstance(con_string, str):
            opts["con_string"] = con_string
        psycopg, _ = _psycopg()
        self.con_string: str = opts["con_string"] or os.environ.get("DATABASE_URL", "")
        self.table_name: str = _name(opts["table_name"], "table_name")
        schema = opts["schema_name"]
        self.schema_name: str | None = None if schema is None else _name(schema, "schema_name")
        self.create_table_if_missing = bool(opts["create_table_if_missing"])
        self.ttl: int | float | None = opts["ttl"]
        self.disable_touch = bool(opts["disable_touch"])
        self.error_log: Callable[..., Any] = opts["error_log"] or _log_error
        interval = opts["prune_session_interval"]
        self.prune_session_interval: float | None = (
            None if interval is False or interval is None else float(interval or PRUNE_INTERVAL)
        )
        self._randomizer = _randomizer(opts["prune_session_randomized_interval"])
        self.pool_size = _positive_int(opts["pool_size"], "pool_size")
        self.pool_timeout: float | None = opts["pool_timeout"]
        if self.pool_timeout is not None and not self.pool_timeout > 0:
            raise ValueError(f"pool_timeout must be a positive number of seconds or None, "
                             f"not {self.pool_timeout!r}")  # fmt: skip
        self.timeout = float(opts["timeout"])
        self._pool: AsyncConnectionPool[Any] | None = opts["pool"]
        self._owns_pool = self._pool is None
        self._opening: asyncio.Future[None] | None = None  # opens the pool and the table once
        self._prune_timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._healthy = False  # a connection was had since the last connection failure
        #: Errors meaning PostgreSQL cannot be reached: the middleware answers 503 for them.
        self.unavailable_errors = (psycopg.OperationalError,)
        if type(self) is PostgresStore:  # a subclass declares its own or is probed (store.py)
            # Declared here, not on the class: the error comes from psycopg, imported lazily.
            # touch stays offered with disable_touch (it is then a no-op, as
            # connect-pg-simple's).
            self.capabilities = StoreCapabilities(
                merge=True, touch=True, prune=True, unavailable_errors=self.unavailable_errors
            )

    # -- names and time ----------------------------------------------------------------------

    def quoted_table(self) -> str:
        """The quoted (schema-qualified) table name used in every statement."""
        table = quote_identifier(self.table_name)
        if self.schema_name is None:
            return table
        return quote_identifier(self.schema_name) + "." + table

    def expire_time(self, session: SessionRecord) -> int:
        """connect-pg-simple's ``getExpireTime``: when the row expires, in whole seconds."""
        expiry = expires_ms(session)
        if expiry is not None:
            return math.ceil(expiry / 1000)
        return math.ceil(now_ms() / 1000 + (self.ttl or ONE_DAY))

    # -- the store contract ----------------------------------------------------------------

    @reports_load(_as_busy)
    async def get(self, sid: str) -> SessionRecord | None:
        """The live record of ``sid`` or ``None``; a stored non-object raises
        :class:`CorruptSessionRecord`."""
        row = await self._fetch_one(
            f"SELECT sess::text FROM {self.quoted_table()} "
            "WHERE sid = %s AND expire >= to_timestamp(%s)",
            (sid, current_timestamp()),
        )
        if row is None:
            return None
        record = load_record(JSON, row[0], "PostgresStore")
        return None if is_expired(record) else record

    @reports_load(_as_busy)
    async def set(self, sid: str, session: SessionRecord) -> None:
        """Insert or replace the row of ``sid`` (connect-pg-simple's upsert)."""
        await self._execute(
            f"INSERT INTO {self.quoted_table()} (sess, expire, sid) "
            "SELECT %s::json, to_timestamp(%s), %s "
            "ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expire = excluded.expire",
            (JSON.dumps(session), self.expire_time(session), sid),
        )

    @reports_load(_as_busy)
    async def destroy(self, sid: str) -> None:
        """Delete the row of ``sid``."""
        await self._execute(f"DELETE FROM {self.quoted_table()} WHERE sid = %s", (sid,))

    @reports_load(_as_busy)
    async def touch(self, sid: str, session: SessionRecord) -> None:
        """Move the row's expiry only (the stored JSON is left as is), unless
        ``disable_touch``."""
        self._start_pruning()
        if self.disable_touch:
            return
        await self._execute(f"UPDATE {self.quoted_table()} SET expire = to_timestamp(%s) "
                            "WHERE sid = %s", (self.expire_time(session), sid))  # fmt: skip

    @reports_load(_as_busy)
    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` in one transaction holding the row's lock (``SELECT ... FOR
        UPDATE``), so concurrent merges queue instead of overwriting each other; False when
        the row is gone (or expired) and the patch may not create it."""
        while True:
            outcome = await self._merge_once(sid, patch)
            if outcome is not None:
                return outcome
            # Another request created the row between our read and our insert: the next
            # round finds it and locks it.

    async def _merge_once(self, sid: str, patch: SessionPatch) -> bool | None:
        table = self.quoted_table()
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(
                f"SELECT sess::text, expire >= to_timestamp(%s) FROM {table} "
                "WHERE sid = %s FOR UPDATE",
                (current_timestamp(), sid),
            )
            row = await cursor.fetchone()
            current = None
            if row is not None and row[1]:
                current = load_record(JSON, row[0], "PostgresStore")
                current = None if is_expired(current) else current
            record = apply_patch(current, patch)
            if record is None:
                return False
            text, expire = JSON.dumps(record), self.expire_time(record)
            if row is not None:
                await conn.execute(f"UPDATE {table} SET sess = %s::json, "
                                   "expire = to_timestamp(%s) WHERE sid = %s",
                                   (text, expire, sid))  # fmt: skip
                return True
            cursor = await conn.execute(
                f"INSERT INTO {table} (sess, expire, sid) VALUES (%s::json, to_timestamp(%s), %s)"
                " ON CONFLICT (sid) DO NOTHING",
                (text, expire, sid),
            )
            return True if cursor.rowcount == 1 else None

    @reports_load(_as_busy)
    async def ids(self) -> list[str]:
        """The ids of every live session."""
        rows = await self._fetch_all(f"SELECT sid FROM {self.quoted_table()} "
                                     "WHERE expire >= to_timestamp(%s) ORDER BY sid",
                                     (current_timestamp(),))  # fmt: skip
        return [str(row[0]) for row in rows]

    @reports_load(_as_busy)
    async def all(self) -> dict[str, SessionRecord]:
        """Every live record by id."""
        rows = await self._fetch_all(
            f"SELECT sid, sess::text FROM {self.quoted_table()} WHERE expire >= to_timestamp(%s)",
            (current_timestamp(),),
        )
        return {str(sid): JSON.loads(text) for sid, text in rows}

    @reports_load(_as_busy)
    async def length(self) -> int:
        """How many live sessions there are."""
        row = await self._fetch_one(
            f"SELECT count(*) FROM {self.quoted_table()} WHERE expire >= to_timestamp(%s)",
            (current_timestamp(),),
        )
        return 0 if row is None else int(row[0])

    @reports_load(_as_busy)
    async def clear(self) -> None:
        """Delete every session."""
        await self._execute(f"DELETE FROM {self.quoted_table()}", ())

    @reports_load(_as_busy)
    async def prune(self) -> int:
        """Delete expired rows now (connect-pg-simple's ``pruneSessions``); how many went."""
        async with self._connection() as conn:
            cursor = await conn.execute(
                f"DELETE FROM {self.quoted_table()} WHERE expire < to_timestamp(%s)",
                (current_timestamp(),),
            )
            return max(int(cursor.rowcount), 0)

    async def aclose(self) -> None:
        """Stop pruning and close the pool this store opened (one passed in stays open).

        Call it on the loop the store ran on (a lifespan shutdown handler, for instance).
        """
        self._closed = True
        if self._prune_timer is not None:
            self._prune_timer.cancel()
            self._prune_timer = None
        if self._owns_pool and self._pool is not None:
            await self._pool.close()

    # -- connections -------------------------------------------------------------------------

    def _connection(self) -> Any:
        """``async with`` one pooled connection (autocommit), once the pool and table exist."""
        return _PooledConnection(self)

    async def _ready(self) -> AsyncConnectionPool[Any]:
        """The open pool, opening it (and creating the table) on first use."""
        self._start_pruning()
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._open())
        try:
            await asyncio.shield(self._opening)
        except BaseException:
            if self._opening.done():  # a failed opening is tried again by the next call
                self._opening = None
            raise
        assert self._pool is not None
        return self._pool

    async def _open(self) -> None:
        _, psycopg_pool = _psycopg()
        if self._pool is None:
            self._pool = psycopg_pool.AsyncConnectionPool(
                self.con_string,
                min_size=1,
                max_size=self.pool_size,
                open=False,
                timeout=self.pool_timeout or LONG_WAIT,
                kwargs={"autocommit": True, "connect_timeout": max(1, round(self.timeout))},
            )
        if self._owns_pool:
            await self._pool.open(wait=False)
        if self.create_table_if_missing:
            async with self._pool.connection() as conn:
                await _create_table(conn, self)

    async def _execute(self, sql: str, params: tuple[Any, ...]) -> None:
        async with self._connection() as conn:
            await conn.execute(sql, params)

    async def _fetch_one(self, sql: str, params: tuple[Any, ...]) -> Any:
        async with self._connection() as conn:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchone()

    async def _fetch_all(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        async with self._connection() as conn:
            cursor = await conn.execute(sql, params)
            return list(await cursor.fetchall())

    # -- pruning -----------------------------------------------------------------------------

    def _start_pruning(self) -> None:
        """Schedule the next prune (connect-pg-simple starts its timer on the first call)."""
        if self.prune_session_interval is None or self._closed or self._prune_timer is not None:
            return
        interval_ms = self.prune_session_interval * 1000
        delay_ms = self._randomizer(interval_ms) if self._randomizer else interval_ms
        loop = asyncio.get_running_loop()
        self._prune_timer = loop.call_later(delay_ms / 1000, self._prune_due)

    def _prune_due(self) -> None:
        self._prune_timer = None
        task = asyncio.ensure_future(self.prune())
        task.add_done_callback(self._pruned)

    def _pruned(self, task: asyncio.Future[int]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.error_log("Failed to prune sessions:", task.exception())
        self._start_pruning()


class _PooledConnection:
    """``async with`` a connection of the store's pool (opened, table ensured, on first use).

    While the server is known to answer, a full pool is load and the wait is long (the
    middleware's ``store_timeout`` bounds it). While it is not (nothing connected yet, or a
    connection just broke), a connection that cannot be had within ``timeout`` means the
    server is unreachable: that wait stays short, so an outage is a prompt 503 rather than a
    wait for the whole ``store_timeout``.
    """

    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self.context: Any = None

    async def __aenter__(self) -> AsyncConnection[Any]:
        store = self.store
        pool = await store._ready()
        wait = (store.pool_timeout or LONG_WAIT) if store._healthy else store.timeout
        while True:
            self.context = pool.connection(timeout=wait)
            try:
                connection: AsyncConnection[Any] = await self.context.__aenter__()
            except Exception as exc:
                # A short wait that ended after another call did connect was a busy pool at
                # start-up, not an outage: wait again, as for any busy pool.
                if (
                    type(exc).__name__ != "PoolTimeout"
                    or not store._healthy
                    or wait != store.timeout
                ):
                    raise
                wait = store.pool_timeout or LONG_WAIT
                continue
            store._healthy = True
            return connection

    async def __aexit__(self, kind: Any, error: Any, trace: Any) -> None:
        if isinstance(error, self.store.unavailable_errors):  # the connection broke
            self.store._healthy = False
        await self.context.__aexit__(kind, error, trace)


async def _create_table(conn: AsyncConnection[Any], store: PostgresStore) -> None:
    """connect-pg-simple's table.sql, made safe for several workers starting at once (an
    advisory lock; IF NOT EXISTS). Constraint and index names follow the table's name
    (connect-pg-simple keeps ``session_pkey`` and ``IDX_session_expire`` whatever the table,
    which collide for a second table in one schema); for ``session`` they are the same."""
    table = store.quoted_table()
    pkey = quote_identifier(store.table_name + "_pkey")
    index = quote_identifier(f"IDX_{store.table_name}_expire")
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (table,))
        cursor = await conn.execute("SELECT to_regclass(%s::text)", (table,))
        row = await cursor.fetchone()
        if row is not None and row[0] is not None:
            return
        if store.schema_name is not None:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(store.schema_name)}")
        await conn.execute(
            f'CREATE TABLE {table} (sid varchar NOT NULL COLLATE "default", '
            f"sess json NOT NULL, expire timestamp(6) NOT NULL, "
            f"CONSTRAINT {pkey} PRIMARY KEY (sid) NOT DEFERRABLE INITIALLY IMMEDIATE)"
        )
        await conn.execute(f"CREATE INDEX {index} ON {table} (expire)")


def _name(value: Any, option: str) -> str:
    if not isinstance(value, str) or not value or "\x00" in value:
        raise ValueError(f"PostgresStore: {option} must be a non-empty name, not {value!r}")
    return value


def _positive_int(value: Any, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"PostgresStore: {option} must be a positive int, not {value!r}")
    return value


def _randomizer(value: Any) -> Callable[[float], float] | None:
    """connect-pg-simple's ``pruneSessionRandomizedInterval``: True (the default jitter),
    False (none) or a function of the delay in ms."""
    if value is False or value is None:
        return None
    if value is True:
        return jittered
    if callable(value):
        return value  # type: ignore[no-any-return]
    raise TypeError(f"PostgresStore: prune_session_randomized_interval must be a bool or a "
                    f"function, not {value!r}")  # fmt: skip


def _log_error(*args: Any) -> None:
    """The default ``error_log``: the ``expresspy.session`` logger at ERROR."""
    log.error(" ".join(str(arg) for arg in args))

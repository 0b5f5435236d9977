"""The store's own round trip per session request, without the framework around it.

What ``server_ir.py --app round-trip --store redis|sqlite`` measures: per request, what a
store minimally does for the session counter (read the record, write it back), with the
client library called directly: for Redis a ``GET`` then ``SET ... EX`` of a 200-byte value
(connect-redis's two commands), for SQLite the ``SELECT`` and the upsert of a record that
changes each time (as the counter's does), executed on the calling thread, as SQLiteStore
runs them on the event loop. The framework's cost around a store is the session request's
cost minus MemoryStore's minus this.

``BENCH_ROUND_TRIP_CLIENT`` picks the Redis client: unset, a plain redis-py
``Redis.from_url``; ``store``, the client RedisStore makes from a URL (expresspy's pipelining
``RespClient`` for one server); ``redis-py-store``, the redis-py client RedisStore makes when
it cannot use that one (a waiting pool, a timeout on every command). For SQLite, ``store``
runs each statement in a worker thread, as SQLiteStore did before it ran them on the loop
(and still does when one must wait for a lock). ``BENCH_ROUND_TRIP_TASKS=50`` runs the Redis
round trips from 50 tasks at once (as 50 concurrent requests would), ``count`` in all (a
multiple of it).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from apps.common import REDIS_PREFIX, REDIS_URL

#: A session counter's record is about this long (cookie, then the counter).
VALUE = ('{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},'
         '"views":1,"pad":"' + "x" * 120 + '"}')  # fmt: skip
TTL = 86400


async def redis_round_trips(count: int) -> None:
    """``count`` GET + SET EX of one key, awaited one after the other (in each task)."""
    from redis.asyncio import Redis

    from expresspy.session import RedisStore
    from expresspy.session.redis_client import make_client

    which = os.environ.get("BENCH_ROUND_TRIP_CLIENT", "")
    client: Any
    if which == "store":
        client = RedisStore(REDIS_URL).client
    elif which == "redis-py-store":  # the fallback RedisStore makes, with its defaults
        made = make_client(REDIS_URL, 2.0, 100, None, 2.0)
        client = made.client if made.redis_py is None else made.redis_py()
    else:
        client = Redis.from_url(REDIS_URL)
    key = f"{REDIS_PREFIX}round-trip"
    tasks = int(os.environ.get("BENCH_ROUND_TRIP_TASKS", "1"))

    async def one_after_another(rounds: int) -> None:
        for _ in range(rounds):
            await client.get(key)
            await client.set(key, VALUE, ex=TTL)

    try:
        await client.set(key, VALUE, ex=TTL)
        await asyncio.gather(*(one_after_another(count // tasks) for _ in range(tasks)))
    finally:
        await client.aclose()


def sqlite_round_trips(count: int, in_thread: bool) -> None:
    """``count`` SELECT + upsert of one row, as SQLiteStore's statements (WAL file); each in a
    worker thread with ``in_thread``, awaited from an event loop, as SQLiteStore ran them
    before issue 21."""
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "round-trip.sqlite3", isolation_level=None,
                             check_same_thread=False)  # fmt: skip
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE sessions (sid TEXT PRIMARY KEY, sess TEXT NOT NULL, "
                   "expires INTEGER NOT NULL)")  # fmt: skip
        upsert = ("INSERT INTO sessions (sid, sess, expires) VALUES (?, ?, ?) ON CONFLICT(sid) "
                  "DO UPDATE SET sess = excluded.sess, expires = excluded.expires")  # fmt: skip
        # Each write stores another record and expiry, as the session counter does: SQLite
        # leaves a page it would overwrite with the same bytes alone, so rewriting one value
        # wrote nothing (no WAL frame): the round trip measured 36.5k instead of 48.8k.
        expires = int(time.time() * 1000) + TTL * 1000
        values = [VALUE.replace('"views":1', f'"views":{n % 10 + 1}') for n in range(10)]
        written = 0

        def read() -> Any:
            return db.execute("SELECT sess FROM sessions WHERE sid = ? AND expires > ?",
                              ("sid", int(time.time() * 1000))).fetchone()  # fmt: skip

        def write() -> None:
            nonlocal written
            written += 1
            db.execute(upsert, ("sid", values[written % 10], expires + written))

        async def threaded() -> None:
            for _ in range(count):
                await asyncio.to_thread(read)
                await asyncio.to_thread(write)

        write()
        if in_thread:
            asyncio.run(threaded())
        else:
            for _ in range(count):
                read()
                write()
        db.close()


def run(store: str, count: int) -> None:
    """Run ``count`` round trips of ``store`` (``redis`` or ``sqlite``)."""
    if store == "redis":
        asyncio.run(redis_round_trips(count))
    elif store == "sqlite":
        sqlite_round_trips(count, os.environ.get("BENCH_ROUND_TRIP_CLIENT") == "store")
    else:
        raise ValueError(f"no round trip for store {store!r}")

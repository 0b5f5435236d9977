"""The store's own round trip per session request, without the framework around it.

What ``server_ir.py --app round-trip --store redis|sqlite`` measures: per request, what a
store minimally does for the session counter (read the record, write it back), with the
client library called directly: for Redis a ``GET`` then ``SET ... EX`` of a 200-byte value
(connect-redis's two commands), for SQLite the store's ``SELECT`` and upsert of a record
that changes each time (as the counter's does), on the store's own schema, executed on the
calling thread, as SQLiteStore runs them on the event loop (apps/sqlite_round_trip.py). The
framework's cost around a store is the session request's cost minus MemoryStore's minus this.
Under a server's load the same SQLite statements cost more than in this loop: the
``session-sqlite-round-trip`` workload measures them there.

``BENCH_ROUND_TRIP_CLIENT`` picks the Redis client: unset, a plain redis-py
``Redis.from_url``; ``store``, the client RedisStore makes from a URL (expresspy's pipelining
``RespClient`` for one server); ``redis-py-store``, the redis-py client RedisStore makes when
it cannot use that one (a waiting pool, a timeout on every command). For SQLite, ``store``
runs each statement in a worker thread, as SQLiteStore did before it ran them on the loop
(and still does when one must wait for a lock). ``BENCH_ROUND_TRIP_TASKS=50`` runs the Redis
round trips from 50 tasks at once (as 50 concurrent requests would), ``count`` in all (a
multiple of it). ``BENCH_ROUND_TRIP_EVICT=4000000`` writes that many bytes of other memory
before each SQLite round trip (not with ``store``), as a server's work between requests does.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from apps.common import REDIS_PREFIX, REDIS_URL
from apps.sqlite_round_trip import RECORD, SQLiteRoundTrip

#: A session counter's record, as the SQLite round trip writes it (about 200 bytes).
VALUE = RECORD % 1
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


def sqlite_round_trips(count: int, in_thread: bool, evict: int = 0) -> None:
    """``count`` round trips of SQLiteStore's ``SELECT`` + upsert of one row, on the store's
    schema (apps/sqlite_round_trip.py); each statement in a worker thread with ``in_thread``,
    awaited from an event loop, as SQLiteStore ran them before issue 21. ``evict``: bytes of
    other memory written before each round trip (a server's own work between two requests'
    statements), which pushes SQLite's code and pages out of the CPU's caches."""
    with tempfile.TemporaryDirectory() as folder:
        round_trip = SQLiteRoundTrip(Path(folder) / "round-trip.sqlite3")

        async def threaded() -> None:
            for views in range(count):
                await asyncio.to_thread(round_trip.read, "sid")
                await asyncio.to_thread(round_trip.write, "sid", views)

        round_trip.write("sid", 0)
        if in_thread:
            asyncio.run(threaded())
        elif evict:
            others = bytearray(evict)
            lines = len(others[::64])
            spent = 0
            for views in range(count):
                others[::64] = bytes(lines)  # one write per 64-byte cache line
                started = time.perf_counter_ns()
                round_trip.read("sid")
                round_trip.write("sid", views)
                spent += time.perf_counter_ns() - started
            print(f"the statements alone: {spent / count / 1000:.1f} µs per round trip, "
                  f"{evict} bytes written between round trips")  # fmt: skip
        else:
            for views in range(count):
                round_trip.read("sid")
                round_trip.write("sid", views)
        round_trip.close()


def run(store: str, count: int) -> None:
    """Run ``count`` round trips of ``store`` (``redis`` or ``sqlite``)."""
    if store == "redis":
        asyncio.run(redis_round_trips(count))
    elif store == "sqlite":
        in_thread = os.environ.get("BENCH_ROUND_TRIP_CLIENT") == "store"
        sqlite_round_trips(count, in_thread, int(os.environ.get("BENCH_ROUND_TRIP_EVICT", "0")))
    else:
        raise ValueError(f"no round trip for store {store!r}")

"""What every peer app shares: the response bodies, the route table and the run settings.

The harness starts each server with three environment variables:

* ``BENCH_WORKLOAD``: ``hello``, ``session``, ``json``, ``static``, ``middleware``, ``routes``,
  or one of the session counters with a store: ``session-sqlite``, ``session-redis``,
  ``session-postgres`` (see ``STORE_WORKLOADS``);
* ``BENCH_HANDLERS``: ``async`` (``async def`` handlers) or ``sync`` (plain ``def``);
* ``BENCH_STATIC_DIR``: the folder holding the 1 MB file of the ``static`` workload.

The Node peer (express_app.js) reads the same variables and repeats these constants.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

HELLO = "Hello, World!"
"""Body of the hello-world and middleware-chain workloads (sent as text/plain)."""

ROUTE_COUNT = 200
"""Routes in the ``routes`` workload; the load hits the last one."""

MIDDLEWARE_COUNT = 10
"""Pass-through middleware in front of the handler in the ``middleware`` workload."""

SESSION_SECRET = "bench"
"""Secret every session middleware signs its cookie with."""

STORE_WORKLOADS = {
    "session-sqlite": "sqlite",
    "session-redis": "redis",
    "session-postgres": "postgres",
}
"""The session-counter workloads whose sessions live in a store, and the store of each."""

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
"""The Redis of ``session-redis`` (records under ``REDIS_PREFIX``)."""

REDIS_PREFIX = "bench-sess:"
"""Key prefix of the benchmark's session records, so they never mix with an app's."""

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
"""The PostgreSQL of ``session-postgres`` (connect-pg-simple's table, named ``POSTGRES_TABLE``)."""

POSTGRES_TABLE = "bench_session"
"""Table of the benchmark's session records."""

SQLITE_FILE = "bench-sessions.sqlite3"
"""File of ``session-sqlite``'s records, in the ``BENCH_STATIC_DIR`` folder."""

SQLITE_ROUND_TRIP_WORKLOAD = "session-sqlite-round-trip"
"""The MemoryStore session counter whose handler also runs SQLiteStore's round trip
(sqlite_round_trip.py) on ``SQLITE_ROUND_TRIP_FILE``: MemoryStore plus the round trip, measured
inside the server under the same load as ``session-sqlite`` (expresspy only)."""

SQLITE_ROUND_TRIP_FILE = "bench-round-trip.sqlite3"
"""File of that round trip's rows, in the ``BENCH_STATIC_DIR`` folder."""

STATIC_FILE = "1mb.bin"
"""Name of the file served by the ``static`` workload, at ``/1mb.bin``."""

STATIC_SIZE = 1024 * 1024
"""Size of that file in bytes."""


def route_pattern(index: int, param: str) -> str:
    """The path of route ``index``, with its parameter spelled by the framework (``param``)."""
    return f"/r{index}/{param}"


def views_text(views: int) -> str:
    """Body of the session-counter response for a counter at ``views``."""
    return f"views: {views}"


@dataclass(frozen=True)
class Settings:
    """The workload, handler flavour and static folder a peer app is built for."""

    workload: str
    handlers: str
    static_dir: str


def settings() -> Settings:
    """Read the run settings from the environment (defaults: hello world, async handlers)."""
    handlers = os.environ.get("BENCH_HANDLERS", "async")
    if handlers not in ("async", "sync"):
        raise ValueError(f"BENCH_HANDLERS must be 'async' or 'sync', not {handlers!r}")
    return Settings(
        workload=os.environ.get("BENCH_WORKLOAD", "hello"),
        handlers=handlers,
        static_dir=os.environ.get("BENCH_STATIC_DIR", "."),
    )

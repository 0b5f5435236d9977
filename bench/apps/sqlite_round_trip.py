"""SQLiteStore's round trip: what SQLite does for one request of the session counter.

Per request SQLite runs the store's ``SELECT`` of the live row, then its upsert of a record
that changes each time (as the counter's does), on the store's own schema: the table and its
``expires`` index, made by opening a :class:`~expresspy.session.SQLiteStore` on the file once,
so the round trip follows the store when either changes. The same PRAGMAs as the store's
connections (WAL, ``synchronous=NORMAL``), on one connection, on the calling thread.

Two measurements share it:

* ``store_round_trip.py`` runs the round trip alone, in a loop with nothing else (``server_ir.py
  --app round-trip --store sqlite``);
* the ``session-sqlite-round-trip`` workload runs it in the handler of a MemoryStore session
  counter: MemoryStore plus the round trip, inside the server under the same load as
  ``session-sqlite`` (docs/performance.md: under load the same statements cost more than in
  the loop alone, since the server's own work leaves SQLite's code and pages out of the CPU's
  caches).
"""

from __future__ import annotations

import sqlite3
import time
from os import PathLike

from expresspy.session import SQLiteStore

TTL_MS = 86_400_000
"""The store's default ttl (one day), in ms: each write moves the row's expiry to now + this."""

#: A session counter's record is about this long (the cookie, then the counter).
RECORD = (
    '{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},'
    '"views":%d,"pad":"' + "x" * 120 + '"}'
)


class SQLiteRoundTrip:
    """The store's ``SELECT`` and upsert of one session's row, on a connection of its own."""

    def __init__(self, path: str | PathLike[str]) -> None:
        store = SQLiteStore(path, prune_interval=None, on_loop=False)
        self._select_sql = store._select_sql
        self._upsert_sql = store._upsert_sql
        store.close()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")

    def read(self, sid: str) -> str | None:
        """The live row's text of ``sid``."""
        now = time.time_ns() // 1_000_000
        row = self._db.execute(self._select_sql, (sid, now)).fetchone()
        return None if row is None else str(row[0])

    def write(self, sid: str, views: int) -> None:
        """Store the counter's record at ``views`` for ``sid``, expiring a ttl from now (a
        record that differs from the stored one, so SQLite writes the page: rewriting the same
        bytes writes nothing)."""
        expires = time.time_ns() // 1_000_000 + TTL_MS
        self._db.execute(self._upsert_sql, (sid, RECORD % views, expires))

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

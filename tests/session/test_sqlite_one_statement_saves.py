"""SQLiteStore's usual save is one autocommit statement with the transaction's outcome: over
the row its load parsed, an UPDATE that replaces it only while it is still that very text; for
a new session, an INSERT only where no row is. Whatever another process does to the row
between a request's load and its save (destroys it, lets it expire, rewrites or spoils it), the
save decides as the ``BEGIN IMMEDIATE`` transaction does: a destroyed session is never brought
back, metadata is never lost, a corrupt row is reported. A row this store wrote from its
cookie's and data's JSON is loaded as those two texts, unparsed, only while it holds that text.

Real SQLite files; the other writer is another process (or, for the store's own calls, another
connection), and the statements are seen by SQLite's trace callback.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import SQLiteStore
from expresspy.session.errors import CorruptSessionRecord
from expresspy.session.patch import META_KEY
from expresspy.testing import agent

from .test_sqlite_on_loop import Trace
from .test_sqlite_text_records import on_loop, stored

COOKIE = '{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}'


def record(data: str) -> str:
    """The row text of a record with COOKIE and the data object ``data``, as JSON writes it."""
    members = data[1:-1]
    return '{"cookie":' + COOKIE + ("," + members if members else "") + "}"


def with_meta(n: int) -> str:
    """The row text of a record holding ``n`` and metadata another worker wrote."""
    return record(json.dumps({"n": n, META_KEY: {"created": 5}}, separators=(",", ":")))


def elsewhere(path: Path, sql: str, *params: Any) -> None:
    """Run ``sql`` on the file from another process, as another worker would."""
    code = "import sqlite3, sys, json\n" \
        "with sqlite3.connect(sys.argv[1]) as db:\n" \
        "    db.execute(sys.argv[2], json.loads(sys.argv[3]))\n"  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), sql, json.dumps(params)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


class Statements(Trace):
    """The statements SQLite runs on the store's connections, with the thread of each."""

    def taken(self) -> list[str]:
        """The statements since the last call, by their first word."""
        words = [sql.split()[0] for _, sql in self.seen]
        self.seen.clear()
        return words

    def threads(self) -> set[int]:
        """The threads that ran statements since the last call."""
        threads = {thread for thread, _ in self.seen}
        self.seen.clear()
        return threads


def counter(path: Path, between: Callable[[str], None] | None = None) -> tuple[Any, SQLiteStore]:
    """A session counter on an SQLiteStore at ``path``; ``between(sid)`` runs after the load
    and before the save (another process's turn)."""
    store = SQLiteStore(path)
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False))

    @app.get("/")
    def count(req: Any, res: Any) -> None:
        if between is not None and req.session.n:
            between(req.session.id)
        req.session.n = (req.session.n or 0) + 1
        res.send(str(req.session.n))

    @app.get("/loop")  # no session: the event loop's thread
    async def loop(req: Any, res: Any) -> None:
        res.send(str(threading.get_ident()))

    return app, store


def test_a_new_session_is_one_insert_and_a_loaded_one_one_update(tmp_path: Path) -> None:
    app, store = counter(tmp_path / "s.db")
    statements = Statements(store)
    client = agent(app)
    client.get("/").expect(200, "1")
    assert statements.taken() == ["INSERT"]  # a new id: no load, no transaction
    client.get("/").expect(200, "2")
    assert statements.taken() == ["SELECT", "UPDATE"]
    client.get("/").expect(200, "3")
    assert statements.taken() == ["SELECT", "UPDATE"]
    store.close()


def test_a_session_another_process_destroyed_after_the_load_is_not_saved(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    app, store = counter(path, lambda sid: elsewhere(path, "DELETE FROM sessions WHERE sid = ?",
                                                     sid))  # fmt: skip
    client = agent(app)
    client.get("/").expect(200, "1")
    client.get("/").expect(200, "2")  # destroyed meanwhile: this save writes nothing
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
    store.close()


def test_a_session_that_expired_after_the_load_is_not_saved(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    app, store = counter(path, lambda sid: elsewhere(
        path, "UPDATE sessions SET expires = 1 WHERE sid = ?", sid))  # fmt: skip
    client = agent(app)
    client.get("/").expect(200, "1")
    client.get("/").expect(200, "2")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT expires FROM sessions").fetchall() == [(1,)]  # left as it was
    store.close()


def test_a_row_another_process_rewrote_after_the_load_is_checked_as_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    planted: list[str] = []
    app, store = counter(path, lambda sid: elsewhere(
        path, "UPDATE sessions SET sess = ? WHERE sid = ?", planted[-1], sid))  # fmt: skip
    statements = Statements(store)
    client = agent(app)
    client.get("/").expect(200, "1")

    # metadata another worker wrote meanwhile is kept by a record without any
    planted.append(with_meta(1))
    client.get("/").expect(200, "2")
    assert statements.taken()[-5:] == ["UPDATE", "BEGIN", "SELECT", "INSERT", "COMMIT"]
    text = stored(path, _only_sid(path)) or ""
    assert json.loads(text) == json.loads(with_meta(2))

    # a spoilt row is an error, and left as it is
    planted.append("not json")
    client.get("/").expect(500)
    assert stored(path, _only_sid(path)) == "not json"
    store.close()


def _only_sid(path: Path) -> str:
    with sqlite3.connect(path) as db:
        (sid,) = db.execute("SELECT sid FROM sessions").fetchone()
    return str(sid)


def test_a_new_sessions_row_found_taken_goes_through_the_transaction(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    elsewhere(path, "INSERT INTO sessions VALUES ('a', ?, 9e15), ('b', 'not json', 9e15), "
              "('c', ?, 1)", with_meta(1), record('{"old":1}'))  # fmt: skip
    mine = record('{"n":2}')

    def write(sid: str) -> bool:
        return bool(on_loop(lambda: store.write_text_now(sid, mine, expires=None, meta=None,
                                                         create=True)))  # fmt: skip

    assert write("a")  # a live row: written over, its metadata kept
    assert json.loads(stored(path, "a") or "") == {**json.loads(mine), META_KEY: {"created": 5}}
    with pytest.raises(CorruptSessionRecord):
        write("b")
    assert stored(path, "b") == "not json"
    assert write("c")  # an expired row counts as none
    assert stored(path, "c") == mine
    store.close()


def test_a_row_is_loaded_as_its_parts_only_while_it_holds_the_text_written_from_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    parts = (COOKIE, '{"n":1}')
    text = record(parts[1])

    def write(create: bool) -> bool:
        return bool(on_loop(lambda: store.write_text_now("a", text, expires=None, meta=None,
                                                         create=create, parts=parts)))  # fmt: skip

    def read() -> Any:
        return on_loop(lambda: store.read_parts_now("a"))

    assert write(True)
    assert read() == parts
    assert read() == parts  # a load does not forget them: the save after it needs them
    # the same record in other text (another writer's spacing): parsed
    elsewhere(path, "UPDATE sessions SET sess = ? WHERE sid = 'a'", text.replace(",", ", "))
    assert read() == json.loads(text)
    assert write(False)
    assert read() == parts
    elsewhere(path, "DELETE FROM sessions WHERE sid = 'a'")
    assert read() is None
    assert not write(False)  # destroyed: not brought back
    assert stored(path, "a") is None
    assert write(True)
    # written over stored metadata, which is kept: the text is not the one of the parts
    elsewhere(path, "UPDATE sessions SET sess = ? WHERE sid = 'a'",
              with_meta(0))  # fmt: skip
    assert write(False)
    assert read() == {**json.loads(text), META_KEY: {"created": 5}}
    store.close()


def test_a_request_whose_load_and_save_would_wait_takes_the_worker_thread(
    tmp_path: Path,
) -> None:
    app, store = counter(tmp_path / "s.db")
    client = agent(app)
    client.get("/").expect(200, "1")
    loop_thread = int(client.get("/loop").expect(200).text)
    statements = Statements(store)
    client.get("/").expect(200, "2")
    assert statements.threads() == {loop_thread}
    # The loop's connection is taken (as by a loop in another thread): the load and the save
    # decline on the loop and run in a worker thread, and the request is as it was.
    with store._loop_lock:
        client.get("/").expect(200, "3")
        # the row is still the text its last save wrote: one UPDATE, as on the loop
        assert [sql.split()[0] for _, sql in statements.seen] == ["SELECT", "UPDATE"]
        assert loop_thread not in statements.threads()
    client.get("/").expect(200, "4")
    assert statements.threads() == {loop_thread}
    store.close()


#: A worker process: load session "s", handle the request (2 ms), save it (the lean path's
#: calls, the async ones when they would wait), until it is gone (at most 1000 times);
#: creates the file argv[4] once it has saved, and prints how many saves wrote.
WORKER = """
import asyncio, pathlib, sys, time
from expresspy.session import SQLiteStore
from expresspy.session.store import WouldWait

async def main():
    store, saved, n = SQLiteStore(sys.argv[1]), 0, 0
    while n < 1000:
        try:
            found = store.read_parts_now("s")
        except WouldWait:
            found = await store.get("s")
        if found is None:
            break
        n += 1
        time.sleep(0.002)  # the request's handling: a destroy lands in the middle of one
        data = '{"n":%d,"by":"%s"}' % (n, sys.argv[2])
        text = '{"cookie":%s,%s' % (sys.argv[3], data[1:])
        try:
            wrote = store.write_parts_now("s", text, (sys.argv[3], data), False)
        except WouldWait:
            wrote = await store.write_text("s", text, expires=None, meta=None, create=False)
        saved += wrote
        if saved == 1:
            pathlib.Path(sys.argv[4]).touch()
        await asyncio.sleep(0)
    print(saved)

asyncio.run(main())
"""


def worker(path: Path, name: str) -> subprocess.Popen[str]:
    """A WORKER process on the file at ``path``."""
    command = [sys.executable, "-c", WORKER, str(path), name, COOKIE, f"{path}.{name}"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_saves_racing_a_destroy_in_several_processes_never_bring_the_session_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()  # the schema
    elsewhere(path, "INSERT INTO sessions VALUES ('s', ?, 9e15)", record('{"n":0}'))
    workers = [worker(path, f"w{n}") for n in range(3)]
    with sqlite3.connect(path, timeout=30, isolation_level=None) as db:
        deadline = time.monotonic() + 60
        saving = [Path(f"{path}.w{n}") for n in range(3)]
        while not all(p.exists() for p in saving) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        db.execute("DELETE FROM sessions WHERE sid = 's'")  # a logout, in the middle of it
    results = [worker.communicate(timeout=60) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], [err for _, err in results]
    assert all(int(out) > 0 for out, _ in results)  # each one saved before the destroy
    assert stored(path, "s") is None  # and none saved it again after

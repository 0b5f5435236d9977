"""SQLiteStore runs a request's statements on the event loop when they need not wait, and in a
worker thread when they would (issue 21): on real SQLite files, with a real server, a second
connection holding the write lock, and a second process.

Where a statement ran is seen by SQLite itself: a trace callback on each of the store's
connections records the thread that executes each statement.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import SQLiteStore
from expresspy.session.patch import META_KEY
from expresspy.session.sqlite import CHECKPOINT_WRITES
from expresspy.testing import agent, request

from .apps import counter_app
from .test_middleware import set_cookies, sid_of

#: A session record, as the session counter stores it.
RECORD: dict[str, Any] = {"cookie": {"originalMaxAge": None, "expires": None}, "n": 1}


class Trace:
    """Every statement SQLite executes on ``store``'s connections, with the thread it ran in."""

    def __init__(self, store: SQLiteStore) -> None:
        self.seen: list[tuple[int, str]] = []
        for value in vars(store).values():
            if isinstance(value, sqlite3.Connection):
                value.set_trace_callback(self.record)

    def record(self, sql: str) -> None:
        self.seen.append((threading.get_ident(), sql))

    def threads_of(self, *words: str) -> set[int]:
        """The threads that ran statements containing all ``words``."""
        return {thread for thread, sql in self.seen if all(w in sql for w in words)}

    def clear(self) -> None:
        self.seen.clear()


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "s.db"


def test_a_requests_statements_run_on_the_loop_thread(path: Path) -> None:
    async def work() -> None:
        loop_thread = threading.get_ident()
        store = SQLiteStore(path)
        trace = Trace(store)
        assert await store.get("a") is None
        await store.set("a", RECORD)
        assert await store.write_text("a", '{"cookie":{},"n":2}', expires=None, meta=None,
                                      create=False)  # fmt: skip
        await store.touch("a", RECORD)
        assert (await store.get("a")) == {"cookie": RECORD["cookie"], "n": 2}
        await store.destroy("a")
        assert trace.threads_of("SELECT sess") == {loop_thread}
        assert trace.threads_of("INSERT INTO sessions") == {loop_thread}
        assert trace.threads_of("BEGIN IMMEDIATE") == {loop_thread}
        assert trace.threads_of("UPDATE sessions") == {loop_thread}
        assert trace.threads_of("DELETE FROM sessions") == {loop_thread}
        trace.clear()
        # bulk statements stay in a worker thread
        assert await store.length() == 0
        await store.clear()
        await store.prune()
        assert loop_thread not in {thread for thread, _ in trace.seen}
        store.close()

    asyncio.run(work())


def test_the_loop_never_waits_for_the_worker_threads_lock(path: Path) -> None:
    async def work() -> None:
        store = SQLiteStore(path)
        with store._lock:  # held by the loop's own thread: a call that took it would hang
            await asyncio.wait_for(store.set("a", RECORD), 2)
            assert await asyncio.wait_for(store.get("a"), 2) == RECORD
        store.close()

    asyncio.run(work())


def test_with_fsync_on_commit_or_on_loop_false_writes_take_the_thread(path: Path) -> None:
    async def work(reads_on_loop: bool, **options: Any) -> None:
        loop_thread = threading.get_ident()
        store = SQLiteStore(path, **options)
        trace = Trace(store)
        await store.set("a", RECORD)
        assert await store.get("a") == RECORD
        assert loop_thread not in trace.threads_of("INSERT INTO sessions")
        assert (loop_thread in trace.threads_of("SELECT sess")) is reads_on_loop
        store.close()

    asyncio.run(work(True, synchronous="FULL"))
    asyncio.run(work(False, on_loop=False))


def test_a_write_contended_by_another_connection_takes_the_thread_and_the_loop_goes_on(
    path: Path,
) -> None:
    store = SQLiteStore(path, timeout=10)
    app = express()
    counter = session(secret="s", store=store, resave=False, save_uninitialized=False)
    loop_threads: list[int] = []

    @app.get("/inc", counter)
    def inc(req: Any, res: Any) -> None:
        req.session.n = (req.session.n or 0) + 1
        res.send(str(req.session.n))

    @app.get("/peek/:sid")  # no session middleware: reads the store directly, on the loop
    async def peek(req: Any, res: Any) -> None:
        loop_threads.append(threading.get_ident())
        record = await store.get(req.params["sid"])
        res.send(str(record and record["n"]))

    client = request(app, server=True)
    set_cookie = set_cookies(client.get("/inc").expect(200, "1").response)[0]
    cookie, sid = set_cookie.split(";", 1)[0], sid_of(set_cookie)
    trace = Trace(store)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
    answers: list[str] = []
    contended = threading.Thread(
        target=lambda: answers.append(client.get("/inc").set("Cookie", cookie).expect(200).text)
    )
    contended.start()
    try:
        time.sleep(0.3)  # the write is tried on the loop, found locked, and waits in a thread
        # the server still answers (its loop is not blocked), and reads the session meanwhile
        client.get(f"/peek/{sid}").expect(200, "1")
        assert contended.is_alive() and answers == []
    finally:
        holder.execute("COMMIT")
    contended.join(10)
    assert answers == ["2"]
    client.get(f"/peek/{sid}").expect(200, "2")
    loop_thread = loop_threads[0]
    # tried on the loop (SQLite answered "locked" at BEGIN), then done in a worker thread
    assert len(trace.threads_of("BEGIN IMMEDIATE")) == 2
    assert loop_thread in trace.threads_of("BEGIN IMMEDIATE")
    assert loop_thread not in trace.threads_of("INSERT INTO sessions")
    assert loop_thread in trace.threads_of("SELECT sess")  # the loads, under the lock too
    holder.close()
    store.close()


def test_no_checkpoint_runs_on_the_loop(path: Path) -> None:
    big = {**RECORD, "pad": "x" * 20000}  # about six pages a row

    async def work() -> None:
        loop_thread = threading.get_ident()
        store = SQLiteStore(path, prune_interval=None)
        trace = Trace(store)
        empty = os.path.getsize(path)
        for n in range(CHECKPOINT_WRITES - 10):  # more than SQLite's 1000-page autocheckpoint
            await store.set(f"s{n}", big)
        wal = Path(f"{path}-wal")
        assert wal.stat().st_size > 1000 * 4096
        assert os.path.getsize(path) == empty  # nothing was copied into the database file
        for n in range(20):
            await store.set(f"t{n}", big)
        assert store._sweeping is not None  # the checkpoint, started by the 251st write
        await store._sweeping  # in a worker thread, while the loop went on writing
        assert os.path.getsize(path) > (CHECKPOINT_WRITES - 10) * 20000
        checkpoints = trace.threads_of("wal_checkpoint")
        assert checkpoints and loop_thread not in checkpoints
        store.close()

    asyncio.run(work())


def python(body: str, *args: str) -> subprocess.Popen[str]:
    """Another process running ``body`` (with asyncio, sys and SQLiteStore imported)."""
    code = "import asyncio, sys\nfrom expresspy.session import SQLiteStore\n" + body
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def test_a_write_made_on_the_loop_is_read_by_another_process(path: Path) -> None:
    async def work() -> None:
        store = SQLiteStore(path)
        trace = Trace(store)
        await store.set("a", {**RECORD, "n": 42})
        assert trace.threads_of("INSERT INTO sessions") == {threading.get_ident()}
        # the store stays open: the row is in the WAL, not yet in the database file
        reader = python("print(asyncio.run(SQLiteStore(sys.argv[1]).get('a'))['n'])", str(path))
        out, err = reader.communicate(timeout=60)
        assert (reader.returncode, out) == (0, "42\n"), err
        store.close()

    asyncio.run(work())


def test_merges_from_several_processes_on_their_loops_lose_nothing(path: Path) -> None:
    # each merge reads and writes the one record in a BEGIN IMMEDIATE transaction, on the loop
    # when the lock is free and in a worker thread when another process holds it
    body = (
        "from expresspy.session.patch import SessionPatch\n"
        "async def main():\n"
        "    s = SQLiteStore(sys.argv[1])\n"
        "    for i in range(50):\n"
        "        patch = SessionPatch({}, {f'{sys.argv[2]}-{i}': i}, create=True)\n"
        "        assert await s.merge('shared', patch)\n"
        "asyncio.run(main())\n"
    )
    SQLiteStore(path).close()  # create the schema once
    writers = [python(body, str(path), f"p{n}") for n in range(4)]
    errors = [writer.communicate(timeout=60)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0, 0, 0], errors
    store = SQLiteStore(path)
    record = asyncio.run(store.get("shared"))
    store.close()
    assert record is not None
    assert set(record) - {"cookie"} == {f"p{n}-{i}" for n in range(4) for i in range(50)}


async def write_behind_our_worker(store: SQLiteStore, sid: str, text: str) -> bool:
    """``store.write_text(sid, text)`` (no metadata, not creating) started while another
    connection holds SQLite's write lock and the store's own worker holds the store's lock
    (as during a checkpoint), both released once the write waits in the worker thread."""
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store._lock.acquire()
    write = asyncio.ensure_future(
        store.write_text(sid, text, expires=None, meta=None, create=False)
    )
    try:
        await asyncio.sleep(0.2)  # tried on the loop, found locked, handed to the thread
        assert not write.done()
    finally:
        store._lock.release()
        await asyncio.sleep(0.1)  # the thread reads the row and waits for SQLite's lock
        holder.execute("COMMIT")
        holder.close()
    return await write


def test_a_write_behind_the_stores_own_worker_is_one_swap_with_the_transactions_outcome(
    path: Path,
) -> None:
    async def work() -> None:
        loop_thread = threading.get_ident()
        store = SQLiteStore(path, prune_interval=None)
        meta = {"created": 1, "accessed": 2}
        await store.set("a", RECORD)
        await store.set("m", {**RECORD, META_KEY: meta})
        trace = Trace(store)
        # the row as read now is replaced in one statement, no transaction in the thread
        assert await write_behind_our_worker(store, "a", '{"cookie":{},"n":2}')
        assert await store.get("a") == {"cookie": {}, "n": 2}
        workers = trace.threads_of("UPDATE sessions SET sess") - {loop_thread}
        assert workers and not workers & trace.threads_of("BEGIN IMMEDIATE")
        # stored metadata the record lacks: the transaction, which keeps it
        assert await write_behind_our_worker(store, "m", '{"cookie":{},"n":3}')
        assert await store.get("m") == {"cookie": {}, "n": 3, META_KEY: meta}
        # a destroyed session is not created again (its destroy wins)
        await store.destroy("a")
        assert not await write_behind_our_worker(store, "a", '{"cookie":{},"n":4}')
        assert await store.get("a") is None
        store.close()

    asyncio.run(work())


def test_the_sweep_is_due_by_the_wall_clock_the_loads_read_a_clock_set_back_included(
    path: Path,
) -> None:
    async def work() -> None:
        store = SQLiteStore(path, prune_interval=3600)
        with store._lock:
            store._db.executemany(
                "INSERT INTO sessions VALUES (?, ?, ?)", ((f"e{i}", "{}", 1) for i in range(5))
            )
        await store.set("live", RECORD)
        assert store.read_now("live") == RECORD
        assert store._sweeping is None  # the next sweep is an hour away
        # The wall clock set back to before the last sweep (a clock stepped back): the
        # schedule no longer holds, and the next load starts a sweep at once.
        store._pruned = time.time_ns() // 1_000_000 + 600_000
        assert store.read_now("live") == RECORD
        assert store._sweeping is not None
        assert await store._sweeping == 5
        assert store._pruned <= time.time_ns() // 1_000_000 < store._next_prune
        assert store._next_prune - store._pruned == 3_600_000
        rows = sqlite3.connect(path).execute("SELECT sid FROM sessions").fetchall()
        assert rows == [("live",)]
        store.close()

    asyncio.run(work())


def test_a_request_that_changes_nothing_touches_its_row_on_the_loop(path: Path) -> None:
    """The usual touch (a session request that changed nothing): the row's expiry moves to
    now + ttl and its cookie and data stay as stored, in one statement on the loop; with
    the write lock held elsewhere it takes the thread and still touches."""
    store = SQLiteStore(path, ttl=3600)
    trace = Trace(store)

    def row() -> tuple[str, int]:
        with sqlite3.connect(path) as db:
            text, expires = db.execute("SELECT sess, expires FROM sessions").fetchone()
        return text, expires

    client = agent(counter_app(store, save_uninitialized=False), server=True)
    client.get("/inc").expect(200, "1")
    text, expires = row()
    loop_threads = trace.threads_of("UPDATE sessions", "json_set")
    time.sleep(0.01)
    client.get("/read").expect(200, "1")
    touched_text, touched_expires = row()
    assert touched_text == text and touched_expires > expires
    assert len(trace.threads_of("UPDATE sessions", "json_set")) == 1 and not loop_threads
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the write lock, held by another connection
    releaser = threading.Timer(0.2, other.rollback)
    releaser.start()
    time.sleep(0.01)
    client.get("/read").expect(200, "1")
    releaser.join()
    other.close()
    assert row()[1] > touched_expires and row()[0] == text
    assert len(trace.threads_of("UPDATE sessions", "json_set")) == 2  # the loop's and a worker's
    store.close()

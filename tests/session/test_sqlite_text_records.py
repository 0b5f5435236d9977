"""SQLiteStore's synchronous text path (store.TextRecords with ``text_records_may_wait``): a
request's load and save run on the loop's connection when they need not wait, and decline
with ``WouldWait`` otherwise; a save after a load checks the stored row as strictly as one
without, whatever another connection wrote in between. Real SQLite files."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import SQLiteStore
from expresspy.session.errors import CorruptSessionRecord
from expresspy.session.patch import META_KEY
from expresspy.session.store import WouldWait, text_records_may_wait, text_records_of
from expresspy.testing import agent

COOKIE = {"originalMaxAge": None, "expires": None, "httpOnly": True, "path": "/"}


class GeneralSQLiteStore(SQLiteStore):
    """A subclass: not given the text path."""


def on_loop(work: Callable[[], Any]) -> Any:
    """``work()`` called from a running event loop, as the middleware calls the store."""

    async def main() -> Any:
        return work()

    return asyncio.run(main())


def stored(path: Path, sid: str) -> str | None:
    """The row's text, read by a connection of its own."""
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT sess FROM sessions WHERE sid = ?", (sid,)).fetchone()
    return None if row is None else str(row[0])


def plant(path: Path, sid: str, text: str) -> None:
    """Write ``text`` as ``sid``'s row from another connection."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sessions SET sess = ? WHERE sid = ?", (text, sid))


def test_only_sqlite_stores_own_class_declares_the_text_path(tmp_path: Path) -> None:
    fast, general = SQLiteStore(tmp_path / "a.db"), GeneralSQLiteStore(tmp_path / "b.db")
    assert text_records_of(fast) is fast and text_records_may_wait(fast)
    assert text_records_of(general) is None and not text_records_may_wait(general)


def test_a_row_changed_between_load_and_save_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    record = json.dumps({"cookie": COOKIE, "n": 1}, separators=(",", ":"))
    assert on_loop(lambda: store.write_text_now("a", record, expires=None, meta=None,
                                                create=True))  # fmt: skip
    assert on_loop(lambda: store.read_now("a")) == json.loads(record)
    plant(path, "a", "not json")  # another process spoilt it meanwhile
    with pytest.raises(CorruptSessionRecord):
        on_loop(lambda: store.write_text_now("a", record, expires=None, meta=None, create=False))
    assert stored(path, "a") == "not json"  # nothing written

    with_meta = {"cookie": COOKIE, "n": 1, META_KEY: {"created": 5}}
    plant(path, "a", json.dumps(with_meta, separators=(",", ":")))
    plain = json.dumps({"cookie": COOKIE, "n": 2}, separators=(",", ":"))
    on_loop(lambda: store.read_now("a"))
    assert on_loop(lambda: store.write_text_now("a", plain, expires=None, meta=None,
                                                create=False))  # fmt: skip
    assert json.loads(stored(path, "a") or "") == {**with_meta, "n": 2}  # metadata kept
    store.close()


def test_a_write_that_would_wait_declines_and_the_request_still_saves(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path, on_loop=False)  # every statement in a worker thread
    with pytest.raises(WouldWait):
        on_loop(lambda: store.read_now("a"))
    with pytest.raises(WouldWait):
        on_loop(lambda: store.write_text_now("a", "{}", expires=None, meta=None, create=True))
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False))

    @app.get("/")
    def count(req: Any, res: Any) -> None:
        req.session.n = (req.session.n or 0) + 1
        res.send(str(req.session.n))

    client = agent(app)
    client.get("/").expect(200, "1")
    client.get("/").expect(200, "2")
    store.close()

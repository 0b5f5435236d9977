"""RedisStore's and SQLiteStore's async text path (store.AsyncTextRecords): a save hands over
the record's JSON as the middleware built it. Checked against the general path (get/merge,
which a subclass takes) over real HTTP, and as a whole-record merge against the real Redis
and a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import SQLiteStore
from expresspy.session.errors import CorruptSessionRecord
from expresspy.session.patch import META_KEY, SessionPatch, apply_patch
from expresspy.session.redis import RedisStore
from expresspy.session.store import JSON, async_text_records_of
from expresspy.testing import agent

from .conftest import REDIS_URL

#: What a test reads back: the stored text of a session id, and its TTL in seconds (None for
#: a store without TTLs).
Stored = Callable[[str], tuple[str | None, int | None]]
#: Makes a store of one kind, fast (its own class) or general (a subclass).
Maker = Callable[[bool], Any]

COOKIE = {"originalMaxAge": None, "expires": None, "httpOnly": True, "path": "/"}


class GeneralRedisStore(RedisStore):
    """RedisStore through get/merge: a subclass is not given the text path."""


class GeneralSQLiteStore(SQLiteStore):
    """SQLiteStore through get/merge."""


@pytest.fixture(params=["redis", "sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    """Which store the test runs with."""
    return str(request.param)


@pytest.fixture
def make(kind: str, tmp_path: Path, redis_prefix: str) -> Maker:
    """A factory of the ``kind`` store, fast or general, all sharing one place."""
    if kind == "redis":
        return lambda fast: (RedisStore if fast else GeneralRedisStore)(
            REDIS_URL, prefix=redis_prefix
        )
    return lambda fast: (SQLiteStore if fast else GeneralSQLiteStore)(tmp_path / "s.db")


@pytest.fixture
def stored(kind: str, tmp_path: Path, redis_prefix: str, redis_sync: Any) -> Iterator[Stored]:
    """How to read what the ``kind`` store holds, from outside it."""
    if kind == "redis":
        yield lambda sid: (
            redis_sync.get(redis_prefix + sid),
            int(redis_sync.ttl(redis_prefix + sid)),
        )
        return
    db = sqlite3.connect(tmp_path / "s.db")

    def read(sid: str) -> tuple[str | None, int | None]:
        row = db.execute("SELECT sess FROM sessions WHERE sid = ?", (sid,)).fetchone()
        return (None if row is None else str(row[0])), None

    yield read
    db.close()


def _counter_app(store: Any, ids: Iterator[str], **options: Any) -> Any:
    """A counter whose session ids come from ``ids``, so two runs store the same records."""
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=True,
                    genid=lambda req: next(ids), **options))  # fmt: skip

    @app.get("/")
    async def count(req: Any, res: Any) -> None:
        req.session.views = (req.session.views or 0) + 1
        req.session.nested = {"list": [1, "é", None], "flag": True}
        res.send(f"views: {req.session.views}")

    return app


def _run(store: Any, sid: str, **options: Any) -> None:
    """Two requests of one client: the record is created, then updated."""
    client = agent(_counter_app(store, iter([sid]), **options), server=True)
    client.get("/").expect(200, "views: 1")
    client.get("/").expect(200, "views: 2")


def _without_times(text: str | None) -> str | None:
    """``text`` with its metadata's times blanked (they differ between two runs)."""
    if text is None:
        return None
    record = json.loads(text)
    if META_KEY in record:
        assert set(record[META_KEY]) == {"created", "accessed"}
        record[META_KEY] = {}
    return JSON.dumps(record)


def test_only_the_stores_own_classes_get_the_async_text_path(tmp_path: Path) -> None:
    async def main() -> None:
        fast, general = RedisStore(REDIS_URL), GeneralRedisStore(REDIS_URL)
        assert async_text_records_of(fast) is not None
        assert async_text_records_of(general) is None
        await fast.aclose()
        await general.aclose()

    asyncio.run(main())
    assert async_text_records_of(SQLiteStore(tmp_path / "a.db")) is not None
    assert async_text_records_of(GeneralSQLiteStore(tmp_path / "b.db")) is None


@pytest.mark.parametrize("options", [{}, {"cookie": {"max_age": 3600}}, {"absolute_timeout": 3600}])
def test_the_text_path_stores_what_the_general_path_stores(
    make: Maker, stored: Stored, options: dict[str, Any]
) -> None:
    _run(make(True), "fast", **options)
    _run(make(False), "general", **options)
    (fast, fast_ttl), (general, general_ttl) = stored("fast"), stored("general")
    assert fast is not None and json.loads(fast)["views"] == 2
    if "cookie" in options:  # the expiry moves with the clock: compare the rest
        fast = fast.replace(json.loads(fast)["cookie"]["expires"], "")
        assert general is not None
        general = general.replace(json.loads(general)["cookie"]["expires"], "")
    assert _without_times(fast) == _without_times(general)
    if fast_ttl is not None and general_ttl is not None:  # Redis: the same TTL rule
        expected_ttl = 3600 if "cookie" in options else 86400
        assert abs(fast_ttl - expected_ttl) <= 1 and abs(general_ttl - expected_ttl) <= 1


def _write(store: Any, sid: str, record: dict[str, Any], create: bool) -> bool:
    """``store.write_text`` of ``record`` (as the middleware calls it), on a loop of its own."""

    async def main() -> bool:
        meta = record.get(META_KEY)
        try:
            written: bool = await store.write_text(
                sid, JSON.dumps(record), expires=None, meta=meta, create=create
            )
        finally:
            if isinstance(store, RedisStore):
                await store.aclose()
        return written

    return asyncio.run(main())


def _plant(kind: str, make: Maker, sid: str, text: str) -> None:
    """Store ``text`` under ``sid`` as it is, as another writer could have."""

    async def main() -> None:
        store = make(True)
        if kind == "redis":
            await store.client.set(store.prefix + sid, text)
            await store.aclose()
        else:
            store._db.execute(
                "INSERT INTO sessions (sid, sess, expires) VALUES (?, ?, ?)", (sid, text, 2**60)
            )

    asyncio.run(main())


@pytest.mark.parametrize(
    ("before", "create"),
    [
        (None, False),
        (None, True),
        ({"cookie": COOKIE, "old": 1}, False),
        ({"cookie": COOKIE, "old": 1, META_KEY: {"created": 5, "accessed": 6}}, False),
    ],
)
@pytest.mark.parametrize("with_meta", [False, True])
def test_write_text_is_a_merge_of_the_whole_record(
    kind: str,
    make: Maker,
    stored: Stored,
    before: dict[str, Any] | None,
    create: bool,
    with_meta: bool,
) -> None:
    record: dict[str, Any] = {"cookie": COOKIE, "views": 3, "é": [1, None]}
    if with_meta:
        record[META_KEY] = {"created": 7, "accessed": 8}
    if before is not None:
        _plant(kind, make, "w", JSON.dumps(before))
    written = _write(make(True), "w", record, create)
    expected = apply_patch(before, SessionPatch.whole(record, create=create))
    assert written == (expected is not None)
    assert stored("w")[0] == (None if expected is None else JSON.dumps(expected))


@pytest.mark.parametrize("text", ['["not", "an", "object"]', '{"cookie":{"expires":"soon"}}'])
def test_write_text_over_a_corrupt_record_raises_and_writes_nothing(
    kind: str, make: Maker, stored: Stored, text: str
) -> None:
    _plant(kind, make, "c", text)
    with pytest.raises(CorruptSessionRecord):
        _write(make(True), "c", {"cookie": COOKIE, "views": 1}, False)
    assert stored("c")[0] == text

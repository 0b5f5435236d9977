"""Every store against the same contract, on real SQLite files and the real Redis."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio

from expresspy import session
from expresspy.session import MemoryStore, SQLiteStore
from expresspy.session.cookie import to_js_iso
from expresspy.session.postgres import PostgresStore
from expresspy.session.redis import RedisStore
from expresspy.session.store import Store, call_store, is_expired, ttl_seconds

from .conftest import REDIS_URL, StoreFactory


def _record(expires_in: float | None = 60.0, **data: Any) -> dict[str, Any]:
    """A session record as express-session stores it, expiring ``expires_in`` s from now."""
    expires = None
    if expires_in is not None:
        expires = to_js_iso(datetime.now(timezone.utc) + timedelta(seconds=expires_in))
    max_age = None if expires_in is None else int(expires_in * 1000)
    cookie = {"originalMaxAge": max_age, "expires": expires, "httpOnly": True, "path": "/"}
    return {"cookie": cookie, **data}


def run(work: Callable[[Store], Awaitable[None]], factory: StoreFactory) -> None:
    """Run ``work`` with a store created inside the loop (redis clients bind to it)."""

    async def main() -> None:
        store = factory()
        try:
            await work(store)
        finally:
            closer = getattr(store, "aclose", None)
            if closer is not None:
                await closer()

    asyncio.run(main())


def test_set_get_destroy(make_store: StoreFactory) -> None:
    async def work(store: Store) -> None:
        record = _record(user="john", nested={"a": [1, "é"]})
        assert await call_store(store.get, "s1") is None
        await call_store(store.set, "s1", record)
        assert await call_store(store.get, "s1") == record
        record2 = _record(user="jane")
        await call_store(store.set, "s1", record2)
        assert await call_store(store.get, "s1") == record2
        await call_store(store.destroy, "s1")
        assert await call_store(store.get, "s1") is None
        await call_store(store.destroy, "s1")  # destroying a missing record is fine

    run(work, make_store)


def test_expired_records_are_not_returned(make_store: StoreFactory) -> None:
    async def work(store: Store) -> None:
        await call_store(store.set, "old", _record(expires_in=0.3, user="x"))
        await call_store(store.set, "live", _record(expires_in=60, user="y"))
        assert (await call_store(store.get, "old"))["user"] == "x"
        await asyncio.sleep(1.1)  # Redis TTLs have one-second resolution
        assert await call_store(store.get, "old") is None
        assert (await call_store(store.get, "live"))["user"] == "y"

    run(work, make_store)


def test_touch_moves_expiry_but_keeps_stored_data(make_store: StoreFactory) -> None:
    async def work(store: Store) -> None:
        await call_store(store.set, "s", _record(expires_in=60, user="stored"))
        stale = _record(expires_in=120, user="stale copy")
        await store.touch("s", stale)  # type: ignore[attr-defined]
        got = await call_store(store.get, "s")
        assert got["user"] == "stored"
        if not isinstance(store, (RedisStore, PostgresStore)):  # these move only the expiry
            assert got["cookie"] == stale["cookie"]

    run(work, make_store)


def test_all_length_clear(make_store: StoreFactory) -> None:
    async def work(store: Store) -> None:
        for i in range(3):
            await call_store(store.set, f"s{i}", _record(n=i))
        assert await store.length() == 3  # type: ignore[attr-defined]
        everything = await store.all()  # type: ignore[attr-defined]
        assert sorted(everything) == ["s0", "s1", "s2"]
        assert everything["s1"]["n"] == 1
        await store.clear()  # type: ignore[attr-defined]
        assert await store.length() == 0  # type: ignore[attr-defined]

    run(work, make_store)


def test_helpers_follow_connect_redis_rounding() -> None:
    assert ttl_seconds(_record(expires_in=None), 86400) == 86400
    assert ttl_seconds(_record(expires_in=59.2), 86400) == 60
    assert ttl_seconds(_record(expires_in=-5), 86400) <= -4
    assert is_expired(_record(expires_in=-0.001))
    assert not is_expired(_record(expires_in=None))


# --- MemoryStore ---------------------------------------------------------------------------


def test_memory_store_keeps_json_strings_and_prunes() -> None:
    async def work() -> None:
        store = MemoryStore(prune_interval=0.2)
        await store.set("old", _record(expires_in=0.05))
        await store.set("live", _record(expires_in=60))
        assert json.loads(store.sessions["live"])["cookie"]["httpOnly"] is True
        await asyncio.sleep(0.3)
        await store.set("other", _record())  # a store call runs the due sweep
        assert sorted(store.sessions) == ["live", "other"]

    asyncio.run(work())


def test_memory_store_saves_read_what_is_stored_now_even_behind_its_back() -> None:
    # A save that replaces the data skips parsing the old record when the store wrote it
    # (it knows its expiry and metadata); a record planted since must still be read.
    from expresspy.session.patch import META_KEY, SessionPatch

    async def work() -> None:
        store = MemoryStore(prune_interval=None)
        await store.set("s", {**_record(), META_KEY: {"created": 1, "accessed": 2}})
        assert await store.merge("s", SessionPatch.whole(_record(n=1), create=False))
        assert json.loads(store.sessions["s"])[META_KEY] == {"created": 1, "accessed": 2}
        store.sessions["s"] = json.dumps(_record(expires_in=-1))  # expired, planted
        assert not await store.merge("s", SessionPatch.whole(_record(n=2), create=False))
        assert "s" not in store.sessions
        await store.set("t", _record(expires_in=0.05))
        await asyncio.sleep(0.1)
        assert not await store.merge("t", SessionPatch.whole(_record(n=3), create=False))
        assert store.prune() == 0 and store.sessions == {}

    asyncio.run(work())


def test_memory_store_warns_in_production(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("EXPRESSPY_ENV", "production")
    MemoryStore()
    assert "MemoryStore is not designed for a production environment" in caplog.text


@pytest.mark.parametrize("workers", ["4", "2"])
def test_memory_store_warns_under_several_workers(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, workers: str
) -> None:
    # S-22 / R-14: `expresspy run --workers N` sets EXPRESSPY_WORKERS=N before forking; each
    # worker then has its own MemoryStore and sessions vanish between them.
    monkeypatch.delenv("EXPRESSPY_ENV", raising=False)
    monkeypatch.delenv("NODE_ENV", raising=False)
    monkeypatch.setenv("EXPRESSPY_WORKERS", workers)
    with caplog.at_level(logging.WARNING, logger="expresspy.session"):
        session(secret="s" * 32, resave=False, save_uninitialized=False)  # default store
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.name == "expresspy.session"
    assert f"MemoryStore under --workers {workers}" in record.getMessage()
    assert "SQLiteStore" in record.getMessage() and "RedisStore" in record.getMessage()


@pytest.mark.parametrize("value", [None, "1", "", "x"])
def test_memory_store_is_quiet_in_one_development_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, value: str | None
) -> None:
    for name in ("EXPRESSPY_ENV", "NODE_ENV", "EXPRESSPY_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    if value is not None:
        monkeypatch.setenv("EXPRESSPY_WORKERS", value)
    with caplog.at_level(logging.WARNING, logger="expresspy.session"):
        MemoryStore()
    assert caplog.records == []


# --- SQLiteStore ---------------------------------------------------------------------------


def test_sqlite_store_layout_wal_and_bound_parameters(tmp_path: Path) -> None:
    path = tmp_path / "s.db"

    async def work() -> None:
        store = SQLiteStore(path)
        await store.set("x' OR '1'='1", _record(user="evil"))
        await store.set("s1", _record(user="john"))
        assert (await store.get("x' OR '1'='1"))["user"] == "evil"  # type: ignore[index]
        assert await store.get("nope' OR '1'='1") is None
        store.close()

    asyncio.run(work())
    import sqlite3

    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    rows = dict(db.execute("SELECT sid, sess FROM sessions").fetchall())
    assert json.loads(rows["s1"])["user"] == "john"
    assert rows["s1"].startswith('{"cookie":{"originalMaxAge":60000,"expires":"')
    db.close()


def test_sqlite_store_sweeps_expired_rows_in_batches(tmp_path: Path) -> None:
    async def work() -> None:
        store = SQLiteStore(tmp_path / "s.db", prune_interval=None)
        expired = json.dumps(_record(expires_in=-1))
        with store._lock:
            store._db.executemany(
                "INSERT INTO sessions VALUES (?, ?, ?)",
                [(f"e{i}", expired, 1) for i in range(2500)],
            )
        await store.set("live", _record())
        assert await store.prune() == 2500
        assert await store.length() == 1
        store.close()

    asyncio.run(work())


def test_sqlite_store_is_shared_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    script = (
        "import asyncio, sys\n"
        "from expresspy.session import SQLiteStore\n"
        "async def main():\n"
        "    s = SQLiteStore(sys.argv[1])\n"
        "    rec = {'cookie': {'originalMaxAge': None, 'expires': None}, 'n': 0}\n"
        "    await asyncio.gather(*(s.set(f'{sys.argv[2]}-{i}', {**rec, 'n': i})"
        " for i in range(100)))\n"
        "asyncio.run(main())\n"
    )
    import subprocess
    import sys

    SQLiteStore(path).close()  # create the schema once
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), f"w{n}"]) for n in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]

    async def check() -> None:
        store = SQLiteStore(path)
        assert await store.length() == 400
        assert (await store.get("w3-42"))["n"] == 42  # type: ignore[index]
        store.close()

    asyncio.run(check())


# --- RedisStore: connect-redis's layout ------------------------------------------------------


def test_redis_store_layout_matches_connect_redis(redis_prefix: str, redis_sync: Any) -> None:
    record = _record(expires_in=100, user="john")

    async def work(store: Store) -> None:
        await call_store(store.set, "abc", record)

    run(work, lambda: RedisStore(REDIS_URL, prefix=redis_prefix))
    raw = redis_sync.get(redis_prefix + "abc")
    assert raw == json.dumps(record, separators=(",", ":"))
    assert 99 <= redis_sync.ttl(redis_prefix + "abc") <= 100


def test_redis_store_default_ttl_disable_ttl_and_expired(
    redis_prefix: str, redis_sync: Any
) -> None:
    async def work(store: Store) -> None:
        await call_store(store.set, "browser", _record(expires_in=None))
        await call_store(store.set, "gone", _record(expires_in=-3))

    run(work, lambda: RedisStore(REDIS_URL, prefix=redis_prefix))
    assert redis_sync.ttl(redis_prefix + "browser") == 86400
    assert redis_sync.exists(redis_prefix + "gone") == 0

    async def no_ttl(store: Store) -> None:
        await call_store(store.set, "forever", _record(expires_in=10))
        await store.touch("forever", _record(expires_in=500))  # type: ignore[attr-defined]

    run(no_ttl, lambda: RedisStore(REDIS_URL, prefix=redis_prefix, disable_ttl=True))
    assert redis_sync.ttl(redis_prefix + "forever") == -1


def test_redis_store_touch_sets_expire(redis_prefix: str, redis_sync: Any) -> None:
    async def work(store: Store) -> None:
        await call_store(store.set, "t", _record(expires_in=10))
        await store.touch("t", _record(expires_in=500))  # type: ignore[attr-defined]

    run(work, lambda: RedisStore(REDIS_URL, prefix=redis_prefix))
    assert 499 <= redis_sync.ttl(redis_prefix + "t") <= 500

    async def disabled(store: Store) -> None:
        await store.touch("t", _record(expires_in=9000))  # type: ignore[attr-defined]

    run(disabled, lambda: RedisStore(REDIS_URL, prefix=redis_prefix, disable_touch=True))
    assert redis_sync.ttl(redis_prefix + "t") <= 500


def test_redis_store_reads_what_node_writes(redis_prefix: str, redis_sync: Any) -> None:
    node_json = (
        '{"cookie":{"originalMaxAge":60000,"expires":"2099-11-26T19:08:37.283Z",'
        '"httpOnly":true,"path":"/","sameSite":"lax"},"views":1}'
    )
    redis_sync.set(redis_prefix + "nodeSid", node_json, ex=60)
    seen: list[Any] = []

    async def work(store: Store) -> None:
        seen.append(await call_store(store.get, "nodeSid"))

    run(work, lambda: RedisStore(REDIS_URL, prefix=redis_prefix))
    assert seen == [json.loads(node_json)]


def test_redis_store_unreachable_fails_fast() -> None:
    async def work() -> None:
        store = RedisStore("redis://127.0.0.1:1/0", timeout=0.5)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(Exception, match=r"(?i)connect"):
            await store.get("x")
        assert loop.time() - started < 2.0
        await store.client.aclose()

    asyncio.run(work())


def test_redis_store_aclose_closes_only_a_client_it_made(redis_prefix: str) -> None:
    name = "expresspy-test-" + redis_prefix.split(":")[1]
    server = redis.Redis.from_url(REDIS_URL)

    def connections() -> int:
        return sum(1 for c in server.client_list() if c.get("name") == name)

    async def work() -> None:
        made = RedisStore(f"{REDIS_URL}?client_name={name}", prefix=redis_prefix)
        await made.get("x")
        assert connections() == 1
        await made.aclose()
        given = redis.asyncio.Redis.from_url(REDIS_URL, client_name=name)
        await RedisStore(given, prefix=redis_prefix).get("x")
        await RedisStore(given, prefix=redis_prefix).aclose()
        assert await given.ping()  # still usable: its creator closes it
        await given.aclose()

    asyncio.run(work())
    deadline = time.monotonic() + 2  # the server notices closed sockets asynchronously
    while connections() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert connections() == 0
    server.close()


def test_sqlite_store_get_does_not_wait_for_a_due_sweep(tmp_path: Path) -> None:
    # a get() that found a sweep due used to run the whole sweep first (seconds for a million
    # expired rows); now the sweep runs beside it. The sweep here is held until released, so
    # the get() can only answer if it does not wait for the sweep (no timing involved).
    release = threading.Event()

    class HeldSweepStore(SQLiteStore):
        def _sweep(self) -> int:
            assert release.wait(10), "the sweep was never released"
            return super()._sweep()

    async def work() -> None:
        store = HeldSweepStore(tmp_path / "s.db", prune_interval=3600)
        with store._lock:
            store._db.execute("BEGIN")  # one transaction: the connection autocommits
            store._db.executemany(
                "INSERT INTO sessions VALUES (?, ?, ?)", ((f"e{i}", "{}", 1) for i in range(1000))
            )
            store._db.execute("COMMIT")
        await store.set("live", _record(user="ann"))
        store._next_prune = 0  # the sweep is due now
        record = await asyncio.wait_for(store.get("live"), 5)
        assert record is not None and record["user"] == "ann"
        assert store._sweeping is not None and not store._sweeping.done()
        release.set()
        await store._sweeping
        assert await store.length() == 1
        store.close()

    asyncio.run(work())


def test_prune_finds_stores_in_sub_apps_routers_and_routes() -> None:
    import warnings

    from expresspy import Router, express, session
    from expresspy.session.prune import find_stores

    def middleware() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return session(secret="s", resave=False, save_uninitialized=False)

    app, sub, router = express(), express(), Router()
    sub_mw, router_mw, route_mw = middleware(), middleware(), middleware()
    sub.use(sub_mw)
    router.use(router_mw)
    app.use("/sub", sub)
    app.use("/r", router)
    app.get("/x", route_mw, lambda req, res: res.send("x"))
    found = find_stores(app)
    assert [id(s) for s in found] == [id(m.session_store) for m in (sub_mw, router_mw, route_mw)]

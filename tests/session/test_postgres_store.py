"""PostgresStore: connect-pg-simple 10's table, expiry, options and pruning, on the real
PostgreSQL (each test in a schema of its own), and a 503 when the server cannot be reached."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from expresspy import express, session
from expresspy.cookies import sign
from expresspy.session import PostgresStore
from expresspy.session.cookie import datetime_to_ms, now_ms, to_js_iso
from expresspy.session.postgres import jittered
from expresspy.session.store import JSON
from expresspy.testing import request

from .conftest import POSTGRES_URL


def _record(expires_in: float | None = 60.0, **data: Any) -> dict[str, Any]:
    expires = None
    if expires_in is not None:
        expires = to_js_iso(datetime.now(timezone.utc) + timedelta(seconds=expires_in))
    cookie = {"originalMaxAge": None if expires is None else int(expires_in * 1000),  # type: ignore[operator]
              "expires": expires, "httpOnly": True, "path": "/"}  # fmt: skip
    return {"cookie": cookie, **data}


def sql(query: str, *params: Any) -> list[Any]:
    """Run one statement on a fresh connection; its rows (if any)."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def with_store(work: Callable[[PostgresStore], Awaitable[Any]], **options: Any) -> Any:
    """Run ``work`` with a store made (and closed) inside one event loop."""

    async def main() -> Any:
        store = PostgresStore(POSTGRES_URL, **options)
        try:
            return await work(store)
        finally:
            await store.aclose()

    return asyncio.run(main())


def epoch_seconds(schema: str, sid: str) -> int:
    """The row's ``expire`` as seconds since the epoch (read as connect-pg-simple writes it)."""
    ((value,),) = sql(f'SELECT extract(epoch FROM expire)::bigint FROM "{schema}"."session" '
                      "WHERE sid = %s", sid)  # fmt: skip
    return int(value)


def test_rows_are_connect_pg_simples(pg_schema: str) -> None:
    record = _record(60, user="ann", items=[], text="a/b é")
    plain = _record(None, user="bob")

    async def work(store: PostgresStore) -> None:
        await store.set("with-expiry", record)
        await store.set("no-expiry", plain)
        assert await store.get("with-expiry") == record

    before = math.ceil(now_ms() / 1000)
    with_store(work, schema_name=pg_schema)
    after = math.ceil(now_ms() / 1000)
    ((text,),) = sql(
        f'SELECT sess::text FROM "{pg_schema}"."session" WHERE sid = %s', "with-expiry"
    )
    assert text == JSON.dumps(record)  # JSON.stringify's bytes, as node-postgres sends them
    expires_ms = datetime_to_ms(datetime.fromisoformat(record["cookie"]["expires"][:-1]
                                                       + "+00:00"))  # fmt: skip
    assert epoch_seconds(pg_schema, "with-expiry") == math.ceil(expires_ms / 1000)
    assert before + 86400 <= epoch_seconds(pg_schema, "no-expiry") <= after + 86400  # ONE_DAY


def test_ttl_disable_touch_and_touch(pg_schema: str) -> None:
    async def work(store: PostgresStore) -> None:
        await store.set("s", _record(None, user="x"))
        await store.set("t", _record(60, user="y"))
        await store.touch("t", _record(600, user="ignored"))

    now = math.ceil(now_ms() / 1000)
    with_store(work, schema_name=pg_schema, ttl=100)
    assert now + 99 <= epoch_seconds(pg_schema, "s") <= now + 102
    assert now + 599 <= epoch_seconds(pg_schema, "t") <= now + 602  # touch moved it
    ((text,),) = sql(f'SELECT sess::text FROM "{pg_schema}"."session" WHERE sid = %s', "t")
    assert '"user":"y"' in text  # only the expiry moves

    async def touch_disabled(store: PostgresStore) -> None:
        await store.touch("t", _record(6000))

    with_store(touch_disabled, schema_name=pg_schema, disableTouch=True)
    assert now + 599 <= epoch_seconds(pg_schema, "t") <= now + 602


def test_a_row_is_live_until_its_expire_second(pg_schema: str) -> None:
    now = math.ceil(time.time())
    rows = {"past": now - 2, "now": now + 1, "later": now + 60}
    for sid, expire in rows.items():
        sql(
            f'INSERT INTO "{pg_schema}"."session" VALUES (%s, %s, to_timestamp(%s))',
            sid,
            JSON.dumps(_record(None, sid=sid)),
            expire,
        )

    async def work(store: PostgresStore) -> list[Any]:
        return [await store.get(sid) is not None for sid in rows]

    assert with_store(work, schema_name=pg_schema) == [False, True, True]

    async def prune(store: PostgresStore) -> tuple[int, int]:
        return await store.prune(), await store.length()

    assert with_store(prune, schema_name=pg_schema) == (1, 2)


def test_create_table_if_missing_with_camel_case_options(pg_schema: str) -> None:
    table = 'odd "name"'

    async def work(store: PostgresStore) -> Any:
        await store.set("a", _record(user="ann"))
        return await store.get("a")

    options = {"tableName": table, "schemaName": pg_schema + "_new", "createTableIfMissing": True}
    try:
        assert with_store(lambda store: work(store), **options)["user"] == "ann"
        columns = sql("SELECT column_name, data_type, datetime_precision FROM "
                      "information_schema.columns WHERE table_schema = %s AND table_name = %s "
                      "ORDER BY ordinal_position", pg_schema + "_new", table)  # fmt: skip
        assert columns == [("sid", "character varying", None), ("sess", "json", None),
                           ("expire", "timestamp without time zone", 6)]  # fmt: skip
        indexes = sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s ORDER BY 1", pg_schema + "_new"
        )
        assert indexes == [(f"IDX_{table}_expire",), (f"{table}_pkey",)]
        assert with_store(lambda store: work(store), **options)["user"] == "ann"  # kept
    finally:
        sql(f'DROP SCHEMA IF EXISTS "{pg_schema}_new" CASCADE')


def test_a_missing_table_is_an_error_without_create_table_if_missing(pg_schema: str) -> None:
    async def work(store: PostgresStore) -> None:
        await store.get("a")

    with pytest.raises(psycopg.errors.UndefinedTable):
        with_store(work, schema_name=pg_schema, table_name="nope")


def test_expired_rows_are_pruned_on_a_jittered_timer(pg_schema: str) -> None:
    sql(
        f'INSERT INTO "{pg_schema}"."session" VALUES (%s, %s, to_timestamp(%s))',
        "old",
        JSON.dumps(_record(None)),
        math.ceil(time.time()) - 5,
    )
    delays: list[float] = []

    def randomizer(delay_ms: float) -> float:
        delays.append(delay_ms)
        return delay_ms

    async def work(store: PostgresStore) -> None:
        await store.get("x")  # the first call starts the timer, as connect-pg-simple's does
        for _ in range(100):
            await asyncio.sleep(0.05)
            if not sql(f'SELECT 1 FROM "{pg_schema}"."session" WHERE sid = %s', "old"):
                return
        raise AssertionError("the expired row was never pruned")

    with_store(work, schema_name=pg_schema, prune_session_interval=0.2,
               prune_session_randomized_interval=randomizer)  # fmt: skip
    assert delays[:2] == [200.0, 200.0]  # ms, rescheduled after each prune
    samples = [jittered(1000) for _ in range(2000)]
    assert 500 <= min(samples) < 550 and 1450 < max(samples) <= 1500


def test_a_failing_prune_goes_to_error_log(pg_schema: str) -> None:
    logged: list[tuple[Any, ...]] = []

    async def work(store: PostgresStore) -> None:
        await store.set("a", _record())
        sql(f'DROP TABLE "{pg_schema}"."session"')
        for _ in range(100):
            await asyncio.sleep(0.05)
            if logged:
                return

    with_store(
        work,
        schema_name=pg_schema,
        pruneSessionInterval=0.1,
        pruneSessionRandomizedInterval=False,
        errorLog=lambda *a: logged.append(a),
    )
    assert logged and logged[0][0] == "Failed to prune sessions:"
    assert isinstance(logged[0][1], psycopg.errors.UndefinedTable)


def test_options_are_checked() -> None:
    with pytest.raises(TypeError, match="unknown option 'tablename'"):
        PostgresStore(POSTGRES_URL, tablename="x")
    with pytest.raises(ValueError, match="pool_size"):
        PostgresStore(POSTGRES_URL, pool_size=0)
    with pytest.raises(ValueError, match="table_name"):
        PostgresStore(POSTGRES_URL, table_name="")


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A PostgreSQL URL whose port refuses connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield f"postgresql://postgres@127.0.0.1:{port}/test"


def test_an_unreachable_server_is_a_prompt_503(
    refused_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.CRITICAL, "psycopg.pool")
    store = PostgresStore(refused_url, timeout=1, prune_session_interval=False)
    app = express()
    app.use(
        session(store=store, secret="s", resave=False, save_uninitialized=False, store_timeout=10)
    )

    @app.get("/")
    def home(req: Any, res: Any) -> None:
        res.send("never")

    signed = quote("s:" + sign("abc", "s"), safe="")  # a session id makes it read the store
    started = time.monotonic()
    response = (
        request(app, server=True)
        .get("/")
        .set("Cookie", f"connect.sid={signed}")
        .expect(503, re.compile("session store get\\(\\) is unavailable"))
        .response
    )
    assert response.headers.get("retry-after") == "1"
    assert time.monotonic() - started < 5  # the connect timeout, not store_timeout (10 s)


def test_a_missing_extra_is_a_clear_import_error() -> None:
    code = (
        "import sys; sys.modules['psycopg_pool'] = None\n"
        "from expresspy.session import PostgresStore\n"
        "try:\n    PostgresStore('postgresql://x')\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    assert done.stdout.strip() == (
        "PostgresStore needs psycopg 3 and psycopg-pool: pip install 'expresspy[postgres]'"
    )


def test_a_pool_passed_in_is_used_and_left_open(
    pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psycopg_pool import AsyncConnectionPool

    async def main() -> None:
        # no autocommit: the pool's connection() commits at the end of each block
        pool = AsyncConnectionPool(POSTGRES_URL, min_size=1, max_size=2, open=False)
        await pool.open()
        store = PostgresStore({"pool": pool, "schemaName": pg_schema})
        await store.set("p", _record(user="pooled"))
        await store.aclose()
        assert not pool.closed  # its owner closes it
        async with pool.connection() as conn:
            cursor = await conn.execute(f'SELECT sess->>\'user\' FROM "{pg_schema}"."session"')
            assert await cursor.fetchall() == [("pooled",)]
        await pool.close()
        monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)  # connect-pg-simple's fallback
        from_env = PostgresStore(schema_name=pg_schema)
        try:
            assert (await from_env.get("p"))["user"] == "pooled"  # type: ignore[index]
        finally:
            await from_env.aclose()

    asyncio.run(main())

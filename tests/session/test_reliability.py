"""A store that hangs or refuses, server-enforced lifetimes, and pruning expired sessions."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from expresspy import Application, express, session
from expresspy.cookies import sign
from expresspy.session import MemoryStore, SQLiteStore, prune_command
from expresspy.session.errors import CorruptSessionRecord, SessionStoreUnavailable
from expresspy.session.patch import SessionPatch
from expresspy.session.postgres import PostgresStore
from expresspy.session.prune import PruneResult
from expresspy.session.redis import RedisStore
from expresspy.testing import agent, request

from .conftest import POSTGRES_URL, REDIS_URL
from .test_middleware import set_cookies


def user_app(store: Any, **options: Any) -> Application:
    app = express()
    app.use("/s", session(secret="s", store=store, resave=False, save_uninitialized=False,
                          **options))  # fmt: skip

    @app.get("/s/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ann"
        res.send("in")

    @app.get("/s/me")
    def me(req: Any, res: Any) -> None:
        res.send(str(req.session.user))

    @app.get("/ping")
    def ping(req: Any, res: Any) -> None:
        res.send("pong")

    return app


def test_a_hanging_store_fails_within_store_timeout_and_the_app_keeps_serving(
    blackhole: int,
) -> None:
    store = RedisStore(f"redis://127.0.0.1:{blackhole}", timeout=30)
    client = request(user_app(store, store_timeout=0.3), server=True)
    cookie = "connect.sid=" + ("s:" + sign("a" * 32, "s")).replace("+", "%2B")
    started = time.monotonic()
    slow = re.compile(r"store get\(\) did not answer within 0.3 s")
    r = client.get("/s/me").set("Cookie", cookie).expect(503, slow)
    assert time.monotonic() - started < 2
    assert r.response.headers.get("retry-after") == "1"
    assert set_cookies(r.response) == []  # never a fresh session in place of the real one
    client.get("/ping").expect(200, "pong")
    client.get("/s/login").expect(503)  # the save is bounded too


def test_a_refusing_store_is_a_503_with_retry_after_not_a_fresh_session() -> None:
    # a closed port used to give a 500 (the store's ConnectionError), while a hanging
    # store gave a 503. Both are a store outage: "Service Unavailable", retry soon.
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    client = request(user_app(RedisStore(f"redis://127.0.0.1:{closed}")), server=True)
    cookie = "connect.sid=" + ("s:" + sign("a" * 32, "s")).replace("+", "%2B")
    started = time.monotonic()
    r = (
        client.get("/s/me")
        .set("Cookie", cookie)
        .expect(503, re.compile(r"session store get\(\) is unavailable"))
    )
    assert time.monotonic() - started < 2
    assert r.response.headers.get("retry-after") == "1"
    assert set_cookies(r.response) == []  # never a fresh session in place of the real one
    r = client.get("/s/login").expect(503)  # no cookie: a new session, whose save fails
    assert r.response.headers.get("retry-after") == "1"
    assert len(set_cookies(r.response)) <= 1  # the error page used to repeat Set-Cookie
    client.get("/ping").expect(200, "pong")


def test_a_refused_store_error_reaches_error_handlers_as_an_http_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app = user_app(RedisStore(f"redis://127.0.0.1:{closed}"))
    seen: list[Any] = []

    def handler(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.append(err)
        next(err)

    app.use(handler)
    cookie = "connect.sid=" + ("s:" + sign("a" * 32, "s")).replace("+", "%2B")
    request(app).get("/s/me").set("Cookie", cookie).expect(503)
    [err] = seen
    assert isinstance(err, SessionStoreUnavailable) and err.status == 503
    assert err.operation == "get" and err.headers == {"Retry-After": "1"}
    assert isinstance(err.__cause__, redis.exceptions.ConnectionError)


def test_absolute_timeout_ends_a_session_however_active() -> None:
    store = MemoryStore()
    client = agent(user_app(store, absolute_timeout=0.4))
    client.get("/s/login").expect("in")
    (sid,) = store.sessions
    for _ in range(3):
        client.get("/s/me").expect("ann")
        time.sleep(0.1)
    time.sleep(0.15)
    client.get("/s/me").expect("None")
    assert sid not in store.sessions  # deleted on the server, not only forgotten


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_idle_timeout_ends_only_an_idle_session(kind: str, tmp_path: Path) -> None:
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "s.db")
    client = agent(user_app(store, idle_timeout=0.3))
    client.get("/s/login").expect("in")
    for _ in range(6):  # 0.6 s of activity, longer than the idle timeout
        time.sleep(0.1)
        client.get("/s/me").expect("ann")
    time.sleep(0.35)
    client.get("/s/me").expect("None")


def test_lifetime_metadata_is_not_session_data(make_store: Any) -> None:
    # The record's "_expresspy" metadata once leaked into req.session (and its hash)
    app = user_app(make_store(), idle_timeout=60)

    @app.get("/s/keys")
    def keys(req: Any, res: Any) -> None:
        res.json(dict(req.session))

    client = agent(app)
    client.get("/s/login").expect("in")
    client.get("/s/keys").expect(200, {"user": "ann"})


def test_lifetimes_must_be_positive_durations() -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        session(secret="s", idle_timeout=0, resave=False, save_uninitialized=False)
    with pytest.raises(TypeError, match="absolute_timeout"):
        session(secret="s", absolute_timeout="1h", resave=False, save_uninitialized=False)


def test_prune_command_deletes_expired_sessions_of_an_app(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db", prune_interval=None)
    app = user_app(store, cookie={"maxAge": 100})
    for _ in range(3):
        request(app).get("/s/login").expect("in")
    request(user_app(store, cookie={"maxAge": 60000})).get("/s/login").expect("in")
    time.sleep(0.15)
    assert prune_command(app) == [PruneResult("SQLiteStore", 3)]
    assert prune_command(store) == [PruneResult("SQLiteStore", 0)]
    assert asyncio.run(store.length()) == 1


def test_prune_command_reports_stores_that_expire_by_themselves(redis_prefix: str) -> None:
    (result,) = prune_command(user_app(RedisStore(REDIS_URL, prefix=redis_prefix)))
    assert result.deleted is None
    assert "nothing to prune" in result.describe()
    with pytest.raises(LookupError):
        prune_command(express())


def plant(store: Any, sid: str, raw: str) -> None:
    """Write `raw` as the stored record of `sid`, behind the store's back."""
    if isinstance(store, MemoryStore):
        store.sessions[sid] = raw
    elif isinstance(store, SQLiteStore):
        with store._lock:
            store._db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)",
                (sid, raw, int(time.time() * 1000) + 60_000),
            )
    elif isinstance(store, PostgresStore):
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(
                f"INSERT INTO {store.quoted_table()} VALUES (%s, %s, now() + '1 min')", (sid, raw)
            )
    else:
        client = redis.Redis.from_url(REDIS_URL)
        client.set(store.prefix + sid, raw)
        client.close()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '{"cookie": {"expires": "soon"}}'])
def test_a_corrupt_record_is_an_error_in_every_store(make_store: Any, raw: str) -> None:
    # MemoryStore and SQLiteStore used to answer a fresh session (logging the user out and
    # later overwriting the record); RedisStore did for a non-object
    store = make_store()
    sid = "c" * 32
    if isinstance(store, PostgresStore) and raw == "{not json":
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            plant(store, sid, raw)  # a json column refuses what is not JSON
        return
    plant(store, sid, raw)
    app = user_app(store)
    app.set("env", "production")
    cookie = "connect.sid=" + ("s:" + sign(sid, "s")).replace("+", "%2B")
    r = request(app).get("/s/me").set("Cookie", cookie).expect(500, re.compile("Internal"))
    assert set_cookies(r.response) == []
    assert sid not in r.text

    async def merge() -> None:
        # a redis client belongs to the loop it first runs on; a MemoryStore is its dict
        fresh = store if isinstance(store, MemoryStore) else make_store()
        try:
            await fresh.merge(sid, SessionPatch({}, create=False))
        finally:
            if isinstance(fresh, (RedisStore, PostgresStore)):
                await fresh.aclose()

    with pytest.raises(CorruptSessionRecord, match="a stored session record is corrupt"):
        asyncio.run(merge())


@pytest.mark.parametrize("concurrency", ["last-write", "merge"])
def test_a_record_whose_data_cannot_be_saved_again_is_an_error_at_load(concurrency: str) -> None:
    # JSON parses NaN but never writes it: the handler must not run on a session that no
    # save could store (the load serialises the data once, for its hash and its baseline)
    store = MemoryStore()
    sid = "n" * 32
    plant(store, sid, '{"cookie": {"originalMaxAge": null, "expires": null}, "user": NaN}')
    seen: list[object] = []
    app = express()
    app.set("env", "production")
    app.use(
        session(
            secret="s", store=store, resave=False, save_uninitialized=False, concurrency=concurrency
        )
    )

    @app.get("/")
    def handler(req: Any, res: Any) -> None:
        seen.append(req.session.user)
        res.send("ran")

    cookie = "connect.sid=" + ("s:" + sign(sid, "s")).replace("+", "%2B")
    r = request(app).get("/").set("Cookie", cookie).expect(500, re.compile("Internal"))
    assert set_cookies(r.response) == []
    assert seen == []


def test_a_failed_save_answers_a_clean_error_page_even_behind_compression() -> None:
    """The response the handler built is replaced whole: no gzip wrapper, no Set-Cookie for
    the session that was not saved, only the error page."""
    import warnings

    from expresspy import express, session
    from expresspy.middleware import compression
    from expresspy.session import MemoryStore
    from expresspy.testing import request

    class DownStore(MemoryStore):
        async def set(self, sid: str, sess: Any) -> None:
            raise RuntimeError("store down")

        merge = None  # type: ignore[assignment]

    app = express()
    app.set("env", "production")
    app.use(compression())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app.use(session(secret="s", store=DownStore(), resave=False, save_uninitialized=False))

    @app.get("/")
    def handler(req: Any, res: Any) -> None:
        req.session.user = "x"
        res.type("text").send("a" * 5000)

    response = request(app).get("/").set("Accept-Encoding", "gzip").end()
    assert response.status == 500
    assert "content-encoding" not in response.headers
    assert "set-cookie" not in response.headers
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<pre>Internal Server Error</pre>" in response.text
    assert response.headers["content-length"] == str(len(response.text.encode()))

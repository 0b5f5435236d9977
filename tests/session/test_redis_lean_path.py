"""RedisStore's lean path: ``read_parts`` hands out the parts a record was written from while
the key holds exactly the text written from them (anything else is parsed), and
``AsyncLeanRequestSession`` serves RedisStore's requests with express-session's decisions,
the 503s and the never-resurrecting save of the general path. Real Redis, real HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from expresspy import express, session
from expresspy.session.backends import backend_for
from expresspy.session.middleware import (
    AsyncLeanRequestSession,
    LeanRequestSession,
    record_text,
)
from expresspy.session.options import parse_session_options
from expresspy.session.patch import META_KEY
from expresspy.session.redis import RedisStore
from expresspy.session.store_calls import StoreCalls
from expresspy.testing import agent

from .conftest import REDIS_URL

COOKIE_TEXT = '{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}'
DATA_TEXT = '{"views":3,"nested":{"list":[1,"\u00e9",null]}}'


class GeneralRedisStore(RedisStore):
    """RedisStore through the general path (a subclass is not given the text paths)."""


def _lean(store: Any, **options: Any) -> bool:
    """Whether ``session(store=store, **options)`` serves its requests through the lean
    async path."""
    defaults = {"secret": "s", "store": store, "resave": False, "save_uninitialized": False}
    opts = parse_session_options(None, {**defaults, **options})
    calls = StoreCalls(opts.store, opts.store_timeout, opts.concurrency == "merge")
    backend = backend_for(opts.store, calls, opts.secrets)
    fixed = None if callable(opts.cookie) else opts.cookie
    return not LeanRequestSession.serves(
        opts, calls, backend, fixed
    ) and AsyncLeanRequestSession.serves(opts, calls, backend, fixed)


def test_redis_stores_own_client_takes_the_lean_path() -> None:
    async def main() -> None:
        own, general = RedisStore(REDIS_URL), GeneralRedisStore(REDIS_URL)
        passed_in = RedisStore(redis.asyncio.Redis.from_url(REDIS_URL))
        try:
            assert _lean(own)
            assert _lean(own, cookie={"max_age": 60})
            assert not _lean(own, rolling=True)
            assert not _lean(own, absolute_timeout=60)
            assert not _lean(own, concurrency="merge")
            assert not _lean(own, store_timeout=None)
            assert not _lean(general)  # no text paths
            assert not _lean(passed_in)  # the middleware keeps its deadlines
        finally:
            for store in (own, general, passed_in):
                await store.aclose()

    asyncio.run(main())


def _with_store(work: Any, prefix: str) -> Any:
    """``await work(store)`` with a RedisStore under ``prefix``, on a loop of its own."""

    async def main() -> Any:
        store = RedisStore(REDIS_URL, prefix=prefix)
        try:
            return await work(store)
        finally:
            await store.aclose()

    return asyncio.run(main())


def test_parts_are_handed_out_only_while_the_key_holds_the_text_written(
    redis_prefix: str, redis_sync: Any
) -> None:
    text = record_text(COOKIE_TEXT, DATA_TEXT, None)
    key = redis_prefix + "p"
    record = json.loads(text)

    async def work(store: RedisStore) -> list[Any]:
        seen = []
        assert await store.read_parts("p") is None
        assert await store.write_text(
            "p", text, expires=None, meta=None, create=True, parts=(COOKIE_TEXT, DATA_TEXT)
        )
        seen.append(await store.read_parts("p"))
        # another client writes the same record with other spacing: parsed
        redis_sync.set(key, json.dumps(record))
        seen.append(await store.read_parts("p"))
        # ... the very text again (as JSON.stringify writes it): the parts, which it is made of
        redis_sync.set(key, text)
        seen.append(await store.read_parts("p"))
        # ... another record: parsed
        redis_sync.set(key, json.dumps({**record, "views": 9}, separators=(",", ":")))
        seen.append(await store.read_parts("p"))
        redis_sync.delete(key)
        seen.append(await store.read_parts("p"))
        return seen

    seen = _with_store(work, redis_prefix)
    assert seen[0] == (COOKIE_TEXT, DATA_TEXT)
    assert seen[1] == record
    assert seen[2] == (COOKIE_TEXT, DATA_TEXT)
    assert seen[3] == {**record, "views": 9}
    assert seen[4] is None


@pytest.mark.parametrize(
    ("before", "create", "remembered"),
    [
        (None, False, False),  # gone, not created again: nothing stored
        (None, True, True),
        ('{"cookie":{},"views":1,"' + META_KEY + '":{"created":1,"accessed":2}}', False, False),
    ],
)
def test_only_a_text_stored_as_it_is_is_remembered(
    redis_prefix: str, redis_sync: Any, before: str | None, create: bool, remembered: bool
) -> None:
    text = record_text(COOKIE_TEXT, DATA_TEXT, None)
    if before is not None:  # stored metadata: the write splices it in (a merge)
        redis_sync.set(redis_prefix + "r", before)

    async def work(store: RedisStore) -> Any:
        await store.write_text(
            "r", text, expires=None, meta=None, create=create, parts=(COOKIE_TEXT, DATA_TEXT)
        )
        return await store.read_parts("r")

    found = _with_store(work, redis_prefix)
    assert (type(found) is tuple) is remembered
    stored = redis_sync.get(redis_prefix + "r")
    if remembered:
        assert stored == text
    elif before is None:
        assert stored is None and found is None
    else:
        assert json.loads(stored)[META_KEY] == {"created": 1, "accessed": 2}
        assert found == json.loads(stored)


def test_an_expiry_of_zero_deletes_and_remembers_nothing(redis_prefix: str) -> None:
    text = record_text(COOKIE_TEXT, DATA_TEXT, None)

    async def work(store: RedisStore) -> Any:
        await store.write_text(
            "z", text, expires=1, meta=None, create=True, parts=(COOKIE_TEXT, DATA_TEXT)
        )
        return store._written.get("z"), await store.read_parts("z")

    assert _with_store(work, redis_prefix) == (None, None)


class Interference:
    """What another client does to the session's key while a request runs (between the
    request's load and its save): set per test, run by the handler."""

    def __init__(self, client: Any, key: str) -> None:
        self.client, self.key = client, key
        self.action: str | None = None

    def run(self) -> None:
        action, self.action = self.action, None
        if action == "delete":
            self.client.delete(self.key)
        elif action == "rewrite":
            self.client.set(self.key, '{"cookie":{"path":"/"},"views":40,"by":"node"}')


@pytest.fixture
def counter(redis_prefix: str, redis_sync: Any) -> Iterator[tuple[Any, Interference, Any]]:
    """A counter app on RedisStore (lean path), its session id ``c``; the interference its
    handler runs; the test client."""
    store = RedisStore(REDIS_URL, prefix=redis_prefix)
    assert _lean(store, resave=False, save_uninitialized=False)
    interference = Interference(redis_sync, redis_prefix + "c")
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False,
                    genid=lambda req: "c"))  # fmt: skip

    @app.get("/")
    def count(req: Any, res: Any) -> None:
        interference.run()
        req.session.views = (req.session.views or 0) + 1
        res.send(f"views: {req.session.views}")

    @app.get("/read")
    def read(req: Any, res: Any) -> None:
        interference.run()
        res.send(f"views: {req.session.views}")

    client = agent(app, server=True)
    yield store, interference, client


def test_the_counter_counts_through_parts(counter: Any, redis_sync: Any, redis_prefix: str) -> None:
    store, _, client = counter
    client.get("/").expect(200, "views: 1")
    assert type(store._written.get("c")) is tuple
    client.get("/").expect(200, "views: 2")
    client.get("/read").expect(200, "views: 2")
    stored = redis_sync.get(redis_prefix + "c")
    assert stored == '{"cookie":' + COOKIE_TEXT + ',"views":2}'


@pytest.mark.parametrize(
    ("action", "stored_views", "then"),
    [
        ("delete", None, "views: 1"),  # destroyed elsewhere: not saved; then a new session
        ("rewrite", 2, "views: 3"),  # rewritten: last write wins, as express-session's set
    ],
)
def test_a_key_changed_between_load_and_save(
    counter: Any,
    redis_sync: Any,
    redis_prefix: str,
    action: str,
    stored_views: int | None,
    then: str,
) -> None:
    _, interference, client = counter
    client.get("/").expect(200, "views: 1")
    interference.action = action
    client.get("/").expect(200, "views: 2")
    stored = redis_sync.get(redis_prefix + "c")
    assert (None if stored is None else json.loads(stored)["views"]) == stored_views
    client.get("/").expect(200, then)


def test_a_key_rewritten_between_requests_is_read_as_written(
    counter: Any, redis_sync: Any, redis_prefix: str
) -> None:
    _, _, client = counter
    client.get("/").expect(200, "views: 1")
    client.get("/").expect(200, "views: 2")
    redis_sync.set(redis_prefix + "c", '{"cookie":{"path":"/"},"views":40,"by":"node"}')
    client.get("/").expect(200, "views: 41")
    stored = json.loads(redis_sync.get(redis_prefix + "c"))
    assert stored["views"] == 41 and stored["by"] == "node"


def test_a_record_node_wrote_loads_and_saves_byte_identically(
    counter: Any, redis_sync: Any, redis_prefix: str
) -> None:
    store, _, client = counter
    client.get("/").expect(200, "views: 1")
    # What connect-redis stores for the same session (JSON.stringify), from another process:
    # this store never wrote it, so it is parsed
    node_text = (
        '{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},'
        '"views":7,"user":{"name":"\u00e9","tags":[]}}'
    )
    store._written.clear()
    redis_sync.set(redis_prefix + "c", node_text)
    client.get("/read").expect(200, "views: 7")
    assert redis_sync.get(redis_prefix + "c") == node_text  # unmodified: not rewritten
    client.get("/").expect(200, "views: 8")
    assert redis_sync.get(redis_prefix + "c") == node_text.replace('"views":7', '"views":8')


def test_a_corrupt_record_is_an_error_on_the_lean_path(
    counter: Any, redis_sync: Any, redis_prefix: str
) -> None:
    _, _, client = counter
    client.get("/").expect(200, "views: 1")
    redis_sync.set(redis_prefix + "c", "[1, 2]")
    client.get("/").expect(500)
    assert redis_sync.get(redis_prefix + "c") == "[1, 2]"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_redis_answers_503_on_the_lean_path() -> None:
    store = RedisStore(f"redis://127.0.0.1:{_closed_port()}/0", timeout=0.5)
    assert _lean(store)
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False))
    app.get("/", lambda req, res: res.send("ok"))
    client = agent(app, server=True)
    cookie = "connect.sid=" + _signed("x")
    client.get("/").set("Cookie", cookie).expect(503)


def _signed(sid: str) -> str:
    """The cookie value express-session sends for ``sid`` under the secret ``s``."""
    from urllib.parse import quote

    from expresspy.cookies import sign

    return quote("s:" + sign(sid, "s"), safe="")


def test_a_request_that_changes_nothing_moves_the_keys_ttl_and_rewrites_nothing(
    counter: Any, redis_sync: Any, redis_prefix: str
) -> None:
    """The lean touch is connect-redis's: ``EXPIRE key ttl``, the stored text left as it is."""
    _, _, client = counter
    key = redis_prefix + "c"
    client.get("/").expect(200, "views: 1")
    stored = redis_sync.get(key)
    redis_sync.expire(key, 100)
    client.get("/read").expect(200, "views: 1")
    assert redis_sync.ttl(key) > 86000  # the store's default ttl again
    assert redis_sync.get(key) == stored


@pytest.mark.parametrize("how", ["callable ttl", "touch replaced"])
def test_a_touch_the_lean_path_cannot_make_is_the_stores_touch(
    redis_sync: Any, redis_prefix: str, how: str
) -> None:
    touched: list[str] = []
    store = RedisStore(REDIS_URL, prefix=redis_prefix, ttl=lambda record: 500)
    if how == "touch replaced":
        store = RedisStore(REDIS_URL, prefix=redis_prefix)
        touch = store.touch

        async def counting_touch(sid: str, session: dict[str, Any]) -> None:
            touched.append(sid)
            await touch(sid, session)

        store.touch = counting_touch  # type: ignore[method-assign]
    assert _lean(store)
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False,
                    genid=lambda req: "c"))  # fmt: skip
    app.get("/", lambda req, res: res.send(str(req.session.setdefault("n", 1))))
    client = agent(app, server=True)
    client.get("/").expect(200, "1")
    redis_sync.expire(redis_prefix + "c", 100)
    client.get("/").expect(200, "1")
    ttl = 500 if how == "callable ttl" else 86400
    assert ttl - 2 <= redis_sync.ttl(redis_prefix + "c") <= ttl  # moved back from 100
    assert touched == ([] if how == "callable ttl" else ["c"])

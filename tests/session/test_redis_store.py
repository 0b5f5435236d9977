"""RedisStore under load: the waiting pool, busy-not-down errors and the merge script.

All against the real Redis on 127.0.0.1:6379, on a key prefix of the test's own.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import pytest
import redis
import redis.asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expresspy import express, session
from expresspy.session import SessionStoreBusy
from expresspy.session.patch import META_KEY, SessionPatch, apply_patch
from expresspy.session.redis import RedisStore
from expresspy.session.redis_merge import MERGE_SCRIPT, merge_arguments
from expresspy.session.store import JSON

from .conftest import REDIS_URL
from .load import hammer, serving

COOKIE = {"originalMaxAge": 60000, "expires": "2099-01-01T00:00:00.000Z", "httpOnly": True,
          "path": "/"}  # fmt: skip


async def _hold_the_only_connection(store: RedisStore, seconds: int) -> None:
    """Keep the store's one pooled connection busy (a blocking pop on a key nobody pushes)."""
    await store.client.blpop([store.prefix + "never"], timeout=seconds)


def test_a_full_pool_waits_then_reports_busy_not_unreachable(redis_prefix: str) -> None:
    async def main() -> None:
        store = RedisStore(REDIS_URL, prefix=redis_prefix, pool_size=1, pool_timeout=0.3)
        try:
            holder = asyncio.ensure_future(_hold_the_only_connection(store, 1))
            await asyncio.sleep(0.1)
            started = time.monotonic()
            with pytest.raises(SessionStoreBusy, match=r"get\(\) is busy: all 1 connections"):
                await store.get("x")
            assert 0.25 < time.monotonic() - started < 0.9  # waited pool_timeout, no more
            await holder
            assert await store.get("x") is None  # the connection is back: served again
        finally:
            await store.aclose()

    asyncio.run(main())


def test_a_full_pool_without_pool_timeout_waits_for_a_connection(redis_prefix: str) -> None:
    async def main() -> None:
        store = RedisStore(REDIS_URL, prefix=redis_prefix, pool_size=1)
        try:
            holder = asyncio.ensure_future(_hold_the_only_connection(store, 1))
            await asyncio.sleep(0.1)
            assert await store.get("x") is None  # waited for the blocked connection
            assert holder.done()
        finally:
            await store.aclose()

    asyncio.run(main())


def test_a_passed_client_whose_pool_never_waits_is_busy_not_down(redis_prefix: str) -> None:
    async def main() -> None:
        pool = redis.asyncio.ConnectionPool.from_url(REDIS_URL, max_connections=1)
        client = redis.asyncio.Redis.from_pool(pool)
        store = RedisStore(client, prefix=redis_prefix)
        try:
            holder = asyncio.ensure_future(_hold_the_only_connection(store, 1))
            await asyncio.sleep(0.1)
            with pytest.raises(SessionStoreBusy, match="BlockingConnectionPool"):
                await store.set("x", {"cookie": COOKIE})
            await holder
        finally:
            await client.aclose()

    asyncio.run(main())


def test_a_busy_store_answers_503_with_retry_after(redis_prefix: str) -> None:
    store = RedisStore(REDIS_URL, prefix=redis_prefix, pool_size=1, pool_timeout=0.3)
    app = express()
    app.use(session(store=store, secret="s", resave=False, save_uninitialized=False))

    @app.get("/hold")
    async def hold(req: Any, res: Any) -> None:
        await _hold_the_only_connection(store, 1)
        res.send("held")

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ann"
        res.send("in")

    with serving(app, store) as server:
        holder = threading.Thread(target=hammer, args=(server.port, [("/hold", "")]))
        holder.start()
        time.sleep(0.4)
        (reply,) = hammer(server.port, [("/login", "")])
        holder.join()
    assert reply.status == 503 and b"\r\nretry-after: 1\r\n" in reply.head.lower()
    assert b"merge() is busy: all 1 connections stayed in use for 0.3 s" in reply.body


def test_pool_options_are_checked() -> None:
    with pytest.raises(ValueError, match="pool_size"):
        RedisStore(REDIS_URL, pool_size=0)
    with pytest.raises(ValueError, match="pool_timeout"):
        RedisStore(REDIS_URL, pool_timeout=0)


def test_a_write_no_replica_confirms_fails_as_unconfirmed_on_the_same_connection(
    redis_prefix: str,
) -> None:
    """WAIT answers only after ``wait_timeout``: the wait for its reply outlasts it even when
    ``timeout`` is shorter, so the write fails as unconfirmed (503) rather than as a read
    timeout, and the connection is kept. The test Redis has no replica."""

    async def main() -> None:
        store = RedisStore(REDIS_URL, prefix=redis_prefix, wait_replicas=1, timeout=0.5,
                           wait_timeout=1.0)  # fmt: skip
        try:
            before = await store.client.client_id()
            with pytest.raises(TimeoutError, match=r"reached 0 of 1 replica\(s\) within 1 s"):
                await store.set("s", {"cookie": COOKIE})
            assert await store.client.client_id() == before  # not dropped and reopened
        finally:
            await store.aclose()

    asyncio.run(main())


# -- the merge script --------------------------------------------------------------------------

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6).filter(  # type: ignore[arg-type]
    lambda name: name not in ("cookie", META_KEY)
)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
metas = st.none() | st.fixed_dictionaries(
    {"created": st.integers(0, 2**45), "accessed": st.integers(0, 2**45)}
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    data = draw(st.dictionaries(names, values, max_size=5))
    record: dict[str, Any] = {"cookie": {**COOKIE, "path": draw(st.text(max_size=3))}, **data}
    meta = draw(metas)
    if meta is not None:
        record[META_KEY] = meta
    return record


@st.composite
def patches(draw: st.DrawFn) -> SessionPatch:
    return SessionPatch(
        cookie={**COOKIE, "domain": draw(st.text(max_size=3))},
        set=draw(st.dictionaries(names, values, max_size=4)),
        unset=tuple(draw(st.lists(names, max_size=3, unique=True))),
        meta=draw(metas),
        create=draw(st.booleans()),
        replace=draw(st.booleans()),
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(stored=records(), patch=patches())
def test_the_merge_script_gives_exactly_what_apply_patch_gives(
    redis_prefix: str, redis_sync: Any, stored: dict[str, Any] | None, patch: SessionPatch
) -> None:
    key = redis_prefix + "m"
    redis_sync.delete(key)
    if stored is not None:
        redis_sync.set(key, JSON.dumps(stored))
    patch = SessionPatch(
        patch.cookie,
        {k: v for k, v in patch.set.items() if k not in patch.unset},
        patch.unset,
        patch.meta,
        patch.create,
        patch.replace,
    )
    written = redis_sync.eval(MERGE_SCRIPT, 1, key, *merge_arguments(patch, 60, JSON))
    expected = apply_patch(stored, patch)
    assert written == (0 if expected is None else 1)
    after = redis_sync.get(key)
    if expected is None:
        assert after is None
    else:  # byte for byte: key order, number and string spelling all kept
        assert after == JSON.dumps(expected)
        assert 0 < redis_sync.ttl(key) <= 60


def test_the_merge_script_keeps_what_cjson_would_change(redis_prefix: str, redis_sync: Any) -> None:
    # cjson would turn [] into {}, cut digits, escape "/" and reorder keys
    stored = (
        '{"cookie":{"expires":null},"z":[],"a":{},"n":12345678901234567,'
        '"f":0.1000000000000001,"u":"a/b\\u00e9","s p a c e d" : [ 1 , {"x":[]} ]}'
    )
    key = redis_prefix + "c"
    redis_sync.set(key, stored)
    patch = SessionPatch(COOKIE, {"new": []}, ("a",))
    assert redis_sync.eval(MERGE_SCRIPT, 1, key, *merge_arguments(patch, None, JSON)) == 1
    assert redis_sync.get(key) == (
        '{"cookie":' + JSON.dumps(COOKIE) + ',"z":[],"n":12345678901234567,'
        '"f":0.1000000000000001,"u":"a/b\\u00e9","s p a c e d":[ 1 , {"x":[]} ],"new":[]}'
    )
    assert redis_sync.ttl(key) == -1  # ttl None: no expiry (disable_ttl)


def test_the_merge_script_deletes_when_the_cookie_has_expired(
    redis_prefix: str, redis_sync: Any
) -> None:
    key = redis_prefix + "d"
    redis_sync.set(key, JSON.dumps({"cookie": COOKIE, "a": 1}))
    patch = SessionPatch(COOKIE, {"b": 2})
    assert redis_sync.eval(MERGE_SCRIPT, 1, key, *merge_arguments(patch, 0, JSON)) == 1
    assert redis_sync.get(key) is None  # connect-redis deletes a key whose TTL is not positive


class _OtherJSON:
    """A serializer that is not the default one: merge then uses WATCH with backoff."""

    def dumps(self, obj: Any) -> str:
        return json.dumps(obj)

    def loads(self, text: str | bytes) -> Any:
        return json.loads(text)


@pytest.mark.parametrize("serializer", [JSON, _OtherJSON()], ids=["script", "watch"])
def test_hundreds_of_concurrent_merges_all_land(redis_prefix: str, serializer: Any) -> None:
    writers = 300  # the WATCH loop gave up after 50 conflicts before

    async def main() -> dict[str, Any] | None:
        store = RedisStore(REDIS_URL, prefix=redis_prefix, serializer=serializer)
        try:
            await store.set("one", {"cookie": COOKIE, "owner": "ann"})
            results = await asyncio.gather(
                *(store.merge("one", SessionPatch(COOKIE, {f"k{i}": i})) for i in range(writers))
            )
            assert results == [True] * writers
            return await store.get("one")
        finally:
            await store.aclose()

    record = asyncio.run(main())
    assert record == {"cookie": COOKIE, "owner": "ann", **{f"k{i}": i for i in range(writers)}}


def test_saves_load_their_scripts_again_when_redis_lost_them() -> None:
    """After a restart, ``SCRIPT FLUSH`` or a failover Redis answers NOSCRIPT: the write and
    merge scripts are loaded again and the save goes through (a server of the test's own,
    since SCRIPT FLUSH empties every script of the server)."""
    from .redis_servers import local_server

    def record(views: int) -> str:
        return json.dumps({"cookie": COOKIE, "views": views}, separators=(",", ":"))

    with local_server() as port:
        store = RedisStore(f"redis://127.0.0.1:{port}")

        async def main() -> dict[str, Any] | None:
            try:
                assert await store.write_text("s", record(1), expires=None, meta=None,
                                              create=True)  # fmt: skip
                await store.client.execute_command("SCRIPT", "FLUSH")
                assert await store.write_text("s", record(2), expires=None, meta=None,
                                              create=False)  # fmt: skip
                await store.client.execute_command("SCRIPT", "FLUSH")
                assert await store.merge("s", SessionPatch(COOKIE, {"user": "ann"}))
                return await store.get("s")
            finally:
                await store.aclose()

        assert asyncio.run(main()) == {"cookie": COOKIE, "views": 2, "user": "ann"}

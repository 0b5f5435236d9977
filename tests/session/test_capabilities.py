"""What a store offers beyond get/set/destroy: declared by the built-in stores, probed for
stores written to the older convention (optional methods and attributes), over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express, session
from expresspy.session import (
    CookieStore,
    MemoryStore,
    PostgresStore,
    RedisStore,
    SQLiteStore,
    Store,
    StoreCapabilities,
    capabilities_of,
)
from expresspy.session.admin import sessions_action
from expresspy.session.backends import CookieBackend, ServerBackend, backend_for
from expresspy.session.store_calls import StoreCalls
from expresspy.testing import agent


class StoreDown(Exception):
    """A client library's "cannot reach the server" error."""


class DuckStore:
    """A store of the older convention: no base class, capabilities shown by its members."""

    unavailable_errors = (StoreDown,)

    def __init__(self) -> None:
        self.records: dict[str, Any] = {}
        self.down = False
        self.touched: list[str] = []
        self.ready = True

    async def get(self, sid: str) -> Any:
        if self.down:
            raise StoreDown("no route to host")
        return self.records.get(sid)

    async def set(self, sid: str, record: Any) -> None:
        self.records[sid] = record

    async def destroy(self, sid: str) -> None:
        self.records.pop(sid, None)

    async def touch(self, sid: str, record: Any) -> None:
        self.touched.append(sid)


class NoMergeMemoryStore(MemoryStore):
    merge = None  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        (MemoryStore(), StoreCapabilities(merge=True, touch=True, prune=True, never_blocks=True)),
        (CookieStore(), StoreCapabilities(in_cookie=True)),
        (NoMergeMemoryStore(), StoreCapabilities(touch=True, prune=True)),  # probed, not inherited
        (DuckStore(), StoreCapabilities(touch=True, unavailable_errors=(StoreDown,))),
    ],
)
def test_capabilities_are_declared_or_probed(store: Any, expected: StoreCapabilities) -> None:
    assert capabilities_of(store) == expected


class LazyClientStore(DuckStore):
    """Declares its capabilities in __init__, once its client library's errors are known."""

    def __init__(self) -> None:
        super().__init__()
        self.capabilities = StoreCapabilities(
            merge=False, touch=True, unavailable_errors=(StoreDown, TimeoutError)
        )


def test_an_instance_may_declare_its_capabilities() -> None:
    assert capabilities_of(LazyClientStore()) == StoreCapabilities(
        touch=True, unavailable_errors=(StoreDown, TimeoutError)
    )


def test_sqlite_store_declares_merge_touch_and_prune(tmp_path: Any) -> None:
    store = SQLiteStore(str(tmp_path / "s.db"))
    try:
        assert capabilities_of(store) == StoreCapabilities(merge=True, touch=True, prune=True)
    finally:
        store.close()


def test_a_store_of_the_older_convention_is_touched_and_its_outage_is_a_503() -> None:
    store = DuckStore()
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False))

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ada"
        res.send("in")

    app.get("/me", lambda req, res: res.send(str(req.session.user)))
    client = agent(app, server=True)
    client.get("/login").expect(200, "in")
    client.get("/me").expect(200, "ada")
    assert len(store.touched) == 1
    store.down = True
    client.get("/me").expect(503)


def test_cookie_store_configures_the_cookie_back_end_and_is_not_a_store() -> None:
    store = CookieStore()
    assert not isinstance(store, Store)
    assert [m for m in ("get", "set", "destroy") if hasattr(store, m)] == []
    assert isinstance(backend_for(store, StoreCalls(store, None, False)), CookieBackend)
    memory = MemoryStore()
    assert isinstance(backend_for(memory, StoreCalls(memory, None, False)), ServerBackend)


def test_the_sessions_command_names_a_cookie_store_given_directly() -> None:
    [report] = sessions_action(CookieStore(), "count")
    assert (report.store, report.ok) == ("CookieStore", False)
    assert report.lines == (
        "CookieStore keeps each session in its client's cookie: there is "
        "nothing on the server to count",
    )


class NoMergeRedisStore(RedisStore):
    merge = None  # type: ignore[assignment]


def test_redis_and_postgres_stores_declare_their_capabilities() -> None:
    from psycopg import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    redis_store = RedisStore("redis://127.0.0.1:6379/0")  # no connection until a call
    assert "capabilities" in vars(redis_store)  # declared, not probed
    assert capabilities_of(redis_store) == StoreCapabilities(
        merge=True, touch=True, unavailable_errors=(RedisConnectionError, RedisTimeoutError)
    )
    postgres_store = PostgresStore("postgresql://postgres@127.0.0.1:5432/postgres")
    assert "capabilities" in vars(postgres_store)
    assert capabilities_of(postgres_store) == StoreCapabilities(
        merge=True, touch=True, prune=True, unavailable_errors=(OperationalError,)
    )
    # A subclass is probed again (it may drop a method), as with a class declaration.
    subclass = NoMergeRedisStore("redis://127.0.0.1:6379/0")
    assert "capabilities" not in vars(subclass)
    assert capabilities_of(subclass) == StoreCapabilities(
        touch=True, unavailable_errors=(RedisConnectionError, RedisTimeoutError)
    )

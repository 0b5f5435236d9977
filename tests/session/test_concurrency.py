"""Concurrent requests on one session, over real HTTP, against every server-side store.

In every mode a request that finishes after its session was destroyed (logout, regenerate)
never writes it back; with ``concurrency="merge"`` concurrent changes to different keys all
survive.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session.redis import RedisStore
from expresspy.testing import request

from .conftest import REDIS_URL
from .test_middleware import set_cookies, sid_of

#: How long /slow holds its session; the racing request lands in the middle.
HOLD = 0.3


def racing_app(store: Any, **options: Any) -> Any:
    app = express()
    options.setdefault("resave", False)
    app.use(session(secret="s", store=store, save_uninitialized=False, **options))

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ann"
        res.send("in")

    @app.get("/slow")
    async def slow(req: Any, res: Any) -> None:
        await asyncio.sleep(HOLD)
        if req.query.get("modify"):
            req.session.seen = True
        res.send("slow done")

    @app.get("/logout")
    async def logout(req: Any, res: Any) -> None:
        await req.session.destroy()
        res.send("bye")

    @app.get("/regenerate")
    async def regenerate(req: Any, res: Any) -> None:
        await req.session.regenerate()
        req.session.user = "ann"
        res.send("new id")

    @app.get("/set")
    async def set_key(req: Any, res: Any) -> None:
        await asyncio.sleep(HOLD)
        req.session[req.query["key"]] = True
        res.send("set")

    @app.get("/me")
    def me(req: Any, res: Any) -> None:
        res.send(str(req.session.user))

    return app


def in_parallel(*calls: Callable[[], Any], stagger: float = 0.0) -> None:
    """Run each call in its own thread, started ``stagger`` seconds apart; re-raise failures."""
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
        time.sleep(stagger)
    for thread in threads:
        thread.join(10)
    if errors:
        raise errors[0]


def login(client: Any) -> tuple[str, str]:
    """Log in; returns the Cookie header and the session id."""
    r = client.get("/login").expect(200)
    set_cookie = set_cookies(r.response)[0]
    return set_cookie.split(";", 1)[0], sid_of(set_cookie)


def record_of(store: Any, sid: str) -> Any:
    return asyncio.run(_get(store, sid))


async def _get(store: Any, sid: str) -> Any:
    if isinstance(store, RedisStore):  # its client belongs to the server's loop: use a new one
        fresh = RedisStore(REDIS_URL, prefix=store.prefix)
        try:
            return await fresh.get(sid)
        finally:
            await fresh.client.aclose()
    return await store.get(sid)


@pytest.mark.parametrize(
    ("path", "options"),
    [("/slow?modify=1", {}), ("/slow", {"resave": True})],
    ids=["modified", "resave-unmodified"],
)
def test_a_request_ending_after_logout_never_brings_the_session_back(
    make_store: Callable[[], Any], path: str, options: dict[str, Any]
) -> None:
    store = make_store()
    app = racing_app(store, **options)
    client = request(app, server=True)  # one server: a redis client belongs to one loop
    cookie, sid = login(client)
    in_parallel(
        lambda: client.get(path).set("Cookie", cookie).expect(200, "slow done"),
        lambda: client.get("/logout").set("Cookie", cookie).expect(200, "bye"),
        stagger=HOLD / 3,
    )
    assert record_of(store, sid) is None
    client.get("/me").set("Cookie", cookie).expect("None")


def test_a_request_ending_after_regenerate_never_writes_the_old_id(
    make_store: Callable[[], Any],
) -> None:
    store = make_store()
    app = racing_app(store)
    client = request(app, server=True)
    cookie, old_sid = login(client)
    new_cookies: list[str] = []

    def regenerate() -> None:
        r = client.get("/regenerate").set("Cookie", cookie).expect(200)
        new_cookies.extend(set_cookies(r.response))

    in_parallel(
        lambda: client.get("/slow?modify=1").set("Cookie", cookie).expect(200),
        regenerate,
        stagger=HOLD / 3,
    )
    assert record_of(store, old_sid) is None
    assert record_of(store, sid_of(new_cookies[0]))["user"] == "ann"


def concurrent_keys(store: Any, concurrency: str, count: int = 8) -> dict[str, Any]:
    """``count`` overlapping requests each set their own key; returns the stored record."""
    app = racing_app(store, concurrency=concurrency)
    client = request(app, server=True)  # one server: a redis client belongs to one loop
    cookie, sid = login(client)
    in_parallel(
        *(
            (lambda k=f"k{i}": client.get(f"/set?key={k}").set("Cookie", cookie).expect(200))
            for i in range(count)
        )
    )
    record: dict[str, Any] = record_of(store, sid)
    return record


def test_merge_mode_keeps_every_concurrent_change(make_store: Callable[[], Any]) -> None:
    record = concurrent_keys(make_store(), "merge")
    assert {f"k{i}" for i in range(8)} <= set(record)
    assert record["user"] == "ann"


def test_last_write_mode_loses_concurrent_changes(make_store: Callable[[], Any]) -> None:
    # The default, documented as last-write-wins: this shows why "merge" exists.
    record = concurrent_keys(make_store(), "last-write")
    assert len([key for key in record if key.startswith("k")]) < 8


def test_merge_mode_needs_a_store_that_can_merge() -> None:
    class PlainStore:
        async def get(self, sid: str) -> None:
            return None

        async def set(self, sid: str, record: Any) -> None:
            pass

        async def destroy(self, sid: str) -> None:
            pass

    with pytest.raises(TypeError, match="merge"):
        session(
            secret="s",
            store=PlainStore(),
            concurrency="merge",
            resave=False,
            save_uninitialized=False,
        )

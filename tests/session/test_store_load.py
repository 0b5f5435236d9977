"""Server-side stores under a burst of concurrent session requests (issue 16, items 5 and 6).

One expresspy worker on a loopback port, a healthy store, hundreds of requests in flight at
once: every one must succeed. A pool that runs out of connections is load, to be waited for,
never an outage; a merge of many concurrent writers to one session must never give up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from expresspy import Application, express, session
from expresspy.session.postgres import PostgresStore
from expresspy.session.redis import RedisStore

from .conftest import POSTGRES_URL, REDIS_URL
from .load import failures, hammer, serving, statuses

SECRET = "load"
#: Seconds the Redis client may take to connect or to get a reply (2 s by default). A burst
#: makes the store open its whole pool at once, from an event loop busy with hundreds of
#: requests; on a loaded machine that loop comes back to a finished connect more than 2 s
#: later, which redis-py reports as a connect timeout: 99 of 500 merges once answered 503
#: "get() is unavailable", as many as the connections the pool had to open. Load, not an
#: outage: generous for the same reason as store_timeout below.
REDIS_TIMEOUT = 30.0


def counter_app(store: Any, **options: Any) -> Application:
    """``/visit`` counts visits in the session; ``/put?k=&v=`` sets one key; ``/get``."""
    app = express()
    # A generous store_timeout: the test machine is shared, and a burst slowed down by other
    # processes is not what these tests are about (a full pool failed at once before).
    app.use(session(store=store, secret=SECRET, resave=False, save_uninitialized=False,
                    cookie={"maxAge": 600_000}, store_timeout=30, **options))  # fmt: skip

    @app.get("/visit")
    def visit(req: Any, res: Any) -> None:
        req.session.n = (req.session.n or 0) + 1
        res.json({"n": req.session.n})

    @app.get("/put")
    def put(req: Any, res: Any) -> None:
        req.session[req.query["k"]] = req.query["v"]
        res.json({"ok": True})

    @app.get("/get")
    def get(req: Any, res: Any) -> None:
        res.json(req.session.data())

    return app


@pytest.mark.parametrize("count", [300, 1000])
def test_a_burst_of_new_and_returning_sessions_gets_no_5xx(
    make_server_store: Callable[[], Any], count: int
) -> None:
    store = make_server_store()
    with serving(counter_app(store), store) as server:
        first = hammer(server.port, [("/visit", "")] * count)
        assert statuses(first) == {200: count}, failures(first)
        cookies = [reply.cookie for reply in first]
        assert all(cookies) and len(set(cookies)) == count
        again = hammer(server.port, [("/visit", cookie) for cookie in cookies])
        assert statuses(again) == {200: count}, failures(again)
        assert {json.loads(reply.body)["n"] for reply in again} == {2}


@pytest.mark.parametrize("writers", [100, 500])
def test_concurrent_writers_of_one_session_all_merge(
    make_server_store: Callable[[], Any], writers: int
) -> None:
    store = make_server_store()
    with serving(counter_app(store, concurrency="merge"), store) as server:
        (login,) = hammer(server.port, [("/put?k=owner&v=ann", "")])
        assert login.status == 200 and login.cookie
        burst = [(f"/put?k=k{i}&v={i}", login.cookie) for i in range(writers)]
        replies = hammer(server.port, burst)
        assert statuses(replies) == {200: writers}, failures(replies)
        (final,) = hammer(server.port, [("/get", login.cookie)])
        data = json.loads(final.body)
        assert data == {"owner": "ann", **{f"k{i}": str(i) for i in range(writers)}}


@pytest.fixture(params=["redis", "postgres"])
def make_server_store(request: pytest.FixtureRequest) -> Callable[[], Any]:
    """A factory of one kind of networked store, on a prefix/schema of this test only."""
    if request.param == "postgres":
        schema = request.getfixturevalue("pg_schema")
        return lambda: PostgresStore(POSTGRES_URL, schema_name=schema)
    prefix = request.getfixturevalue("redis_prefix")
    return lambda: RedisStore(REDIS_URL, prefix=prefix, timeout=REDIS_TIMEOUT)

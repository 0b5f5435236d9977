"""One login shared by a Node app (passport + passport-local + express-session + connect-redis)
and an expresspy app (passport + LocalStrategy + session() + RedisStore), through one Redis.

Both serve tests/compat/apps/passport_redis.{js,py} with the same key prefix, secret and cookie
name: a login on either side is recognised by the other (the ``passport`` key of the session
record has one layout), and a logout on either side ends it for both. Needs node and npm (the
pinned packages are installed once into the compat tests' npm cache) and Redis on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests.compat.harness import Server, node_tools_missing, shared_pair
from tests.compat.replay import CookieJar, SessionIds, parse_step, send, view

SECRET = {"connect.sid": "passport-redis-secret"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """passport_redis in Node and in Python, sharing one key prefix."""
    if node_tools_missing() is not None:
        pytest.skip(node_tools_missing())
    prefix = f"passport-interop-{os.getpid()}:"
    with shared_pair("passport_redis", prefix, tmp_path_factory.mktemp("logs")) as servers:
        yield servers


def walk(pair: dict[str, Server], hops: list[tuple[str, str, str | None]]) -> list[str]:
    """Send each (runtime, path, form body or None: GET) with one cookie jar; return bodies."""
    jar, ids, bodies = CookieJar(), SessionIds(), []
    for index, (runtime, path, body) in enumerate(hops, start=1):
        raw: dict[str, object] = {"name": f"{runtime}{index}", "path": path}
        if body is not None:
            raw.update(method="POST", headers=FORM, body=body)
        exchange = send(pair[runtime].port, parse_step(raw, index), jar, SECRET)
        assert exchange.error is None, (runtime, path, exchange.error, pair[runtime].log_tail())
        assert exchange.status == 200, (runtime, path, exchange.status, exchange.body)
        bodies.append(view(exchange, None, ids, SECRET)["body"])
    return bodies


RECORD = {
    "cookie": ["expires", "httpOnly", "originalMaxAge", "path"],
    "passport": {"user": {"id": 1, "name": "ann"}},
}


@pytest.mark.parametrize("first", ["express", "expresspy"])
def test_login_on_one_side_is_seen_and_ended_by_the_other(
    pair: dict[str, Server], first: str
) -> None:
    other = "expresspy" if first == "express" else "express"
    bodies = walk(
        pair,
        [
            (first, "/login", "username=ann&password=secret"),
            (other, "/me", None),
            (other, "/record", None),
            (first, "/record", None),
            (other, "/logout", ""),
            (first, "/me", None),
            (other, "/me", None),
        ],
    )
    assert [json.loads(body) for body in bodies] == [
        {"user": "ann"},
        {"user": "ann"},  # the other runtime deserialized the stored login
        RECORD,
        RECORD,
        {"out": True},
        {"user": None},  # logged out by the other runtime
        {"user": None},
    ]


def test_a_user_serialized_by_node_is_deserialized_by_python_and_back(
    pair: dict[str, Server]
) -> None:
    bodies = walk(
        pair,
        [
            ("express", "/login", "username=ann&password=secret"),
            ("expresspy", "/login", "username=ann&password=secret"),  # re-login: new session
            ("express", "/me", None),
            ("express", "/record", None),
        ],
    )
    assert [json.loads(body) for body in bodies] == [
        {"user": "ann"}, {"user": "ann"}, {"user": "ann"}, RECORD,
    ]

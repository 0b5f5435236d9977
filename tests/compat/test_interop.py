"""One Redis, one login: an Express app (connect-redis) and an expresspy app (RedisStore) with the
same secret and key prefix read and write each other's sessions.

SPEC ("Sessions on the wire") promises this; the differential tests cannot show it, as each of
their servers keeps its own sessions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Server, node_tools_missing, shared_pair
from .replay import CookieJar, SessionIds, parse_step, send, view

SECRET = {"connect.sid": "redis-secret"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """The redis_sessions app in Node and in Python, sharing one key prefix."""
    reason = node_tools_missing()
    if reason is not None:
        pytest.skip(reason)
    logs: Path = tmp_path_factory.mktemp("interop-logs")
    with shared_pair("redis_sessions", f"compat-interop-{os.getpid()}:", logs) as servers:
        yield servers


def walk(pair: dict[str, Server], hops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """GET each (runtime, path) in turn with one cookie jar; return (body, Set-Cookie) views."""
    jar, ids, seen = CookieJar(), SessionIds(), []
    for index, (runtime, path) in enumerate(hops, start=1):
        step = parse_step({"name": f"{runtime}{index}", "path": path}, index)
        exchange = send(pair[runtime].port, step, jar, SECRET)
        assert exchange.error is None, (runtime, path, exchange.error, pair[runtime].log_tail())
        shown = view(exchange, None, ids, SECRET)
        seen.append((shown["body"], shown["set-cookie"]))
    return seen


COOKIE = "connect.sid=s%3A<sid#1>.<sig:ok>; Path=/; Expires=<Date+60s>; HttpOnly"


def record(views: int) -> str:
    """The /record body for a stored session with this many views (connect-redis's layout)."""
    cookie = {"originalMaxAge": 60000, "expires": "<ISO date>", "httpOnly": True, "path": "/"}
    stored = {"cookie": cookie, "views": views}
    return json.dumps({"record": stored, "ttl": 60}, separators=(",", ":"))


@pytest.mark.parametrize("first", ["express", "expresspy"])
def test_one_login_shared_by_both_runtimes(pair: dict[str, Server], first: str) -> None:
    other = "expresspy" if first == "express" else "express"
    seen = walk(
        pair,
        [
            (first, "/count"),
            (other, "/count"),
            (first, "/count"),
            (other, "/record"),
            (first, "/record"),
            (other, "/logout"),
            (first, "/record"),
        ],
    )
    assert seen == [
        ('{"views":1}', COOKIE),
        ('{"views":2}', COOKIE),  # the same id: the other runtime loaded the session
        ('{"views":3}', COOKIE),
        (record(3), "<absent>"),
        (record(3), "<absent>"),
        ("bye", "<absent>"),
        ('{"record":null,"ttl":-2}', "<absent>"),  # destroyed by the other runtime
    ]

"""One Redis, one limit: an Express app (express-rate-limit + rate-limit-redis) and an expresspy
app (rate_limit + RedisStore) with the same key prefix count each client's hits in one counter,
so a client cannot get twice the limit by alternating between the two runtimes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from .harness import Server, node_tools_missing, start
from .replay import CookieJar, parse_step, send

PREFIX = f"compat-rl-interop-{os.getpid()}:"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """The rate_limit_redis app in Node and in Python, sharing one key prefix."""
    reason = node_tools_missing()
    if reason is not None:
        pytest.skip(reason)
    logs: Path = tmp_path_factory.mktemp("rate-limit-interop-logs")
    servers: dict[str, Server] = {}
    try:
        for runtime in ("express", "expresspy"):
            servers[runtime] = start(
                runtime, "rate_limit_redis", "development", logs, {"COMPAT_REDIS_PREFIX": PREFIX}
            )
        yield servers
    finally:
        for server in servers.values():
            server.stop()
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(match=PREFIX + "*"):
            client.delete(key)
        client.close()


def hit(pair: dict[str, Server], runtime: str, client: str, index: int) -> tuple[int, str, str]:
    """One GET /hit as `client`: (status, body, RateLimit header)."""
    step = parse_step(
        {"name": f"{runtime}{index}", "path": "/hit", "headers": {"X-Client": client}}, index
    )
    exchange = send(pair[runtime].port, step, CookieJar(), {})
    assert exchange.error is None, (runtime, exchange.error, pair[runtime].log_tail())
    limit = (exchange.header("ratelimit") or "").rsplit(",", 1)[0]
    return exchange.status, exchange.body.decode(), limit


@pytest.mark.parametrize("first", ["express", "expresspy"])
def test_one_counter_shared_by_both_runtimes(pair: dict[str, Server], first: str) -> None:
    other = "expresspy" if first == "express" else "express"
    client = f"walker-{first}"
    seen = [
        hit(pair, runtime, client, i)
        for i, runtime in enumerate([first, other, first, other], start=1)
    ]
    too_many = "Too many requests, please try again later."
    assert seen == [
        (200, f'{{"runtime":"{first}","used":1,"remaining":2}}', "limit=3, remaining=2"),
        (200, f'{{"runtime":"{other}","used":2,"remaining":1}}', "limit=3, remaining=1"),
        (200, f'{{"runtime":"{first}","used":3,"remaining":0}}', "limit=3, remaining=0"),
        (429, too_many, "limit=3, remaining=0"),
    ]
    # The counter both runtimes wrote: rate-limit-redis's key, an integer with a PX expiry.
    store = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        assert store.get(PREFIX + client) == b"4"
        assert 0 < store.pttl(PREFIX + client) <= 60_000
    finally:
        store.close()

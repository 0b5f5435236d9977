"""rate_limit(): express-rate-limit 7's options, errors, validations and stores.

The headers and bodies are compared with the real express-rate-limit 7.5.1 in tests/compat
(scripts/rate_limit.json), and the Redis layout with rate-limit-redis 4.3.1 in
tests/compat/test_rate_limit_interop.py; these tests cover the error paths, bad options, the
Python spellings, the stores, and a limit held across `expresspy run --workers 2`.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import re
import textwrap
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

from expresspy import express
from expresspy.middleware import rate_limit, rateLimit
from expresspy.middleware.rate_limit import (
    ClientRateLimitInfo,
    MemoryStore,
    RedisStore,
    Store,
)
from expresspy.middleware.rate_limit.headers import partition_key
from expresspy.middleware.rate_limit.limiter import _duration
from expresspy.testing import request
from tests.acceptance.serving import ExpresspyRun

REDIS_URL = "redis://127.0.0.1:6379/0"
LOGGER = "expresspy.rate_limit"


def served(limiter: Any, handler: Any = None) -> Any:
    app = express()
    app.use(limiter)
    app.get("/", handler or (lambda req, res: res.send("ok")))

    def report(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(500).send(f"{type(err).__name__}: {err}")

    app.use(report)
    return app


def statuses(app: Any, count: int, **headers: str) -> list[int]:
    client = request(app)
    return [client.get("/").set(headers).end().status for _ in range(count)]


@pytest.fixture
def prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own, removed afterwards."""
    prefix = f"test-rl-{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


# -- options --------------------------------------------------------------------------------


def test_defaults_five_per_minute_with_legacy_headers() -> None:
    app = served(rate_limit())
    assert statuses(app, 6) == [200, 200, 200, 200, 200, 429]
    res = request(app).get("/").expect(429, "Too many requests, please try again later.")
    assert res.headers["x-ratelimit-limit"] == "5"
    assert res.headers["x-ratelimit-remaining"] == "0"
    reset = int(res.headers["x-ratelimit-reset"])
    assert 0 <= reset - time.time() <= 61
    assert res.headers["retry-after"] in ("59", "60")
    assert "ratelimit-policy" not in res.headers
    assert rateLimit is rate_limit


@pytest.mark.parametrize(
    "window",
    [
        {"window": 120},
        {"windowMs": 120_000},
        {"window_ms": 120_000},
        {"window": timedelta(minutes=2)},
        {"windowMs": timedelta(minutes=2)},
    ],
)
def test_window_spellings_seconds_milliseconds_timedelta(window: dict[str, Any]) -> None:
    app = served(rate_limit(window, limit=1, standard_headers="draft-7"))
    res = request(app).get("/").expect(200)
    assert res.headers["ratelimit-policy"] == "1;w=120"
    assert res.headers["ratelimit"] == "limit=1, remaining=0, reset=120"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"window": 1, "windowMs": 1000}, TypeError, "give the window once"),
        ({"window": -1}, ValueError, "window must be a positive finite number"),
        ({"windowMs": "1m"}, TypeError, "window_ms must be a number or a timedelta"),
        ({"limits": 3}, TypeError, "unknown option 'limits'"),
        (
            {"store": object()},
            TypeError,
            "An invalid store was passed. Please ensure that the "
            "store is a class that implements the `Store` interface.",
        ),
        ({"skip": True}, TypeError, "skip must be a function"),
        ({"keyGenerator": "ip"}, TypeError, "key_generator must be a function"),
        ({"limit": "5"}, TypeError, "limit must be a number, not '5'"),
        ({"max": -1}, ValueError, "limit -1 is out of range"),
        ({"statusCode": 42}, ValueError, "status_code 42 is out of range"),
    ],
)
def test_bad_options_raise_at_configuration(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        rate_limit(options)


def test_max_and_headers_are_the_legacy_names_and_limit_wins() -> None:
    app = served(rate_limit(max=1, headers=False))
    res = request(app).get("/").expect(200)
    assert "x-ratelimit-limit" not in res.headers
    assert statuses(app, 1) == [429]
    both = served(rate_limit({"max": 1, "limit": 3}))
    assert statuses(both, 4) == [200, 200, 200, 429]


def test_message_forms_and_custom_status() -> None:
    as_json = served(
        rate_limit(limit=0, validate=False, message={"error": "slow"}, status_code=503)
    )
    res = request(as_json).get("/").expect(503, {"error": "slow"})
    assert res.headers["content-type"] == "application/json; charset=utf-8"

    async def later(req: Any) -> str:
        return f"wait, {req.get('x-who')}"

    from_fn = served(rate_limit(limit=0, validate=False, message=later))
    request(from_fn).get("/").set("X-Who", "ann").expect(429, "wait, ann")


def test_handler_gets_options_and_req_rate_limit() -> None:
    def handler(req: Any, res: Any, next: Any, options: Any) -> None:
        info = req.rate_limit
        assert info is req.rateLimit
        res.status(options.statusCode).json(
            {
                "window": options.windowMs,
                "limit": info.limit,
                "used": info["used"],
                "remaining": info.remaining,
                "current": info.current,
                "reset": isinstance(info.reset_time, datetime),
            }
        )

    app = served(rate_limit(limit=1, handler=handler))
    statuses(app, 1)
    request(app).get("/").expect(
        429, {"window": 60000, "limit": 1, "used": 2, "remaining": 0, "current": 2, "reset": True}
    )


def test_req_rate_limit_serialises_as_express_rate_limit_does() -> None:
    app = served(rate_limit(limit=2), lambda req, res: res.json(req.rateLimit))
    body = request(app).get("/").expect(200).body
    assert set(body) == {"limit", "used", "remaining", "resetTime"}
    assert (body["limit"], body["used"], body["remaining"]) == (2, 1, 1)
    assert body["resetTime"].endswith("Z") and "T" in body["resetTime"]


def test_request_property_name_sets_both_spellings() -> None:
    seen: dict[str, Any] = {}

    def look(req: Any, res: Any) -> None:
        seen["camel"], seen["snake"] = req.myLimit, req.my_limit
        res.send("ok")

    request(served(rate_limit(request_property_name="myLimit"), look)).get("/").expect(200)
    assert seen["camel"] is seen["snake"] and seen["camel"].used == 1


def test_default_key_is_the_client_ip() -> None:
    app = served(rate_limit(limit=1))
    assert statuses(app, 2) == [200, 429]
    app.set("trust proxy", 1)
    assert statuses(app, 1, **{"X-Forwarded-For": "203.0.113.9"}) == [200]
    assert statuses(app, 1, **{"X-Forwarded-For": "2001:db8::1"}) == [200]
    assert statuses(app, 1, **{"X-Forwarded-For": "2001:db8::1"}) == [429]
    # express-rate-limit 7.5 keys by the whole IPv6 address (no /56 subnet grouping).
    assert statuses(app, 1, **{"X-Forwarded-For": "2001:db8::2"}) == [200]


def test_skip_and_key_generator_may_be_async_and_take_one_argument() -> None:
    async def key(req: Any) -> str:
        return req.get("x-key") or "none"

    app = served(rate_limit(limit=1, key_generator=key, skip=lambda req: req.get("x-free") == "1"))
    assert statuses(app, 3, **{"X-Free": "1", "X-Key": "a"}) == [200, 200, 200]
    assert statuses(app, 2, **{"X-Key": "a"}) == [200, 429]
    assert statuses(app, 1, **{"X-Key": "b"}) == [200]


def test_skip_successful_requests_takes_successes_back() -> None:
    def answer(req: Any, res: Any) -> None:
        res.status(int(req.query.get("s", "200"))).send("x")

    app = served(rate_limit(limit=1, skip_successful_requests=True), answer)
    client = request(app)
    assert [client.get("/").end().status for _ in range(3)] == [200, 200, 200]
    assert [client.get("/?s=500").end().status for _ in range(2)] == [500, 429]


def test_skip_failed_requests_with_a_custom_success_rule() -> None:
    def answer(req: Any, res: Any) -> None:
        res.status(int(req.query.get("s", "200"))).send("x")

    app = served(
        rate_limit(
            limit=1,
            skip_failed_requests=True,
            request_was_successful=lambda req, res: res.status_code < 500,
        ),
        answer,
    )
    client = request(app)
    assert [client.get("/?s=503").end().status for _ in range(3)] == [503, 503, 503]
    assert [client.get("/?s=404").end().status for _ in range(2)] == [404, 429]


def test_store_errors_go_to_next_unless_passed_on(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(Store):
        async def increment(self, key: str) -> ClientRateLimitInfo:
            raise ConnectionError("store down")

        async def decrement(self, key: str) -> None: ...

        async def reset_key(self, key: str) -> None: ...

    request(served(rate_limit(store=Broken()))).get("/").expect(500, "ConnectionError: store down")
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        request(served(rate_limit(store=Broken(), pass_on_store_error=True))).get("/").expect(
            200, "ok"
        )
    assert "error from store, allowing request without rate-limiting" in caplog.text


def test_handler_errors_go_to_next() -> None:
    def handler(req: Any, res: Any) -> None:
        raise RuntimeError("handler broke")

    request(served(rate_limit(limit=0, validate=False, handler=handler))).get("/").expect(
        500, "RuntimeError: handler broke"
    )


def test_draft8_identifier_and_partition_key() -> None:
    app = served(
        rate_limit(
            window=90,
            limit=4,
            standard_headers="draft-8",
            legacy_headers=False,
            key_generator=lambda req: "k",
        )
    )
    res = request(app).get("/").expect(200)
    pk = partition_key("k")
    assert res.headers["ratelimit-policy"] == f'"4-in-1.5min"; q=4; w=90; pk=:{pk}:'
    assert res.headers["ratelimit"] == '"4-in-1.5min"; r=3; t=90'
    assert [
        _duration(ms) for ms in (1500, 60_000, 3_600_000, 7_200_000, 86_400_000, 2 * 86_400_000)
    ] == ["1.5sec", "1min", "1hr", "2hrs", "1day", "2days"]


def test_reset_key_and_get_key() -> None:
    limiter = rate_limit(limit=1, key_generator=lambda req: "one")
    app = served(limiter)
    assert statuses(app, 2) == [200, 429]
    info = asyncio.run(limiter.get_key("one"))
    assert info.total_hits == 2 and info.totalHits == 2
    asyncio.run(limiter.resetKey("one"))
    assert asyncio.run(limiter.getKey("one")) is None
    assert statuses(app, 1) == [200]


# -- validations: logged once per limiter, as express-rate-limit does -----------------------


def codes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage().split("https://express-rate-limit.github.io/")[1].split("/")[0]
        for r in caplog.records
        if r.name == LOGGER and "github.io" in r.getMessage()
    ]


def test_x_forwarded_for_without_trust_proxy_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = served(rate_limit())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        statuses(app, 2, **{"X-Forwarded-For": "203.0.113.9"})
    assert codes(caplog) == ["ERR_ERL_UNEXPECTED_X_FORWARDED_FOR"]
    assert (
        "The 'X-Forwarded-For' header is set but the Express 'trust proxy' setting is "
        "false (default)." in caplog.text
    )


def test_permissive_trust_proxy_limit_zero_and_bad_draft_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = served(rate_limit(limit=0, standard_headers="draft-9"))
    app.set("trust proxy", True)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        res = request(app).get("/").expect(429)
    assert codes(caplog) == [
        "ERR_ERL_PERMISSIVE_TRUST_PROXY",
        "WRN_ERL_MAX_ZERO",
        "ERR_ERL_HEADERS_UNSUPPORTED_DRAFT_VERSION",
    ]
    assert "ratelimit" not in res.headers and res.headers["x-ratelimit-limit"] == "0"


def test_shared_store_unknown_validation_and_deprecated_options_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MemoryStore()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        rate_limit(store=store)
        rate_limit(store=store, validate={"ipp": False}, on_limit_reached=lambda: None)
    assert codes(caplog) == [
        "ERR_ERL_UNKNOWN_VALIDATION",
        "WRN_ERL_DEPRECATED_ON_LIMIT_REACHED",
        "ERR_ERL_STORE_REUSE",
    ]
    assert "Create a new instance of MemoryStore for each limiter instead." in caplog.text


def test_double_count_and_validate_false(caplog: pytest.LogCaptureFixture) -> None:
    class Counting(Store):
        def __init__(self) -> None:
            self.hits: dict[str, int] = {}

        async def increment(self, key: str) -> ClientRateLimitInfo:
            self.hits[key] = self.hits.get(key, 0) + 1
            return ClientRateLimitInfo(self.hits[key], None)

        async def decrement(self, key: str) -> None: ...

        async def reset_key(self, key: str) -> None: ...

    app = express()
    app.use(rate_limit(store=Counting()), rate_limit(store=Counting(), standard_headers="draft-7"))
    app.get("/", lambda req, res: res.send("ok"))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        res = request(app).get("/").expect(200)
    assert codes(caplog) == ["ERR_ERL_DOUBLE_COUNT", "ERR_ERL_HEADERS_NO_RESET"]
    assert res.headers["ratelimit"] == "limit=5, remaining=4, reset=60"  # windowMs instead
    caplog.clear()
    quiet = served(rate_limit(validate=False))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        statuses(quiet, 1, **{"X-Forwarded-For": "203.0.113.9"})
    assert codes(caplog) == []


# -- stores ---------------------------------------------------------------------------------


def test_memory_store_window_ends_and_counts_start_again() -> None:
    async def walk() -> list[int]:
        store = MemoryStore()
        store.init(type("Config", (), {"window_ms": 150})())
        hits = [(await store.increment("a")).total_hits for _ in range(3)]
        await store.decrement("a")
        hits.append((await store.get("a")).total_hits)  # type: ignore[union-attr]
        await asyncio.sleep(0.2)
        hits.append((await store.increment("a")).total_hits)
        await asyncio.sleep(0.35)  # two windows idle: forgotten altogether
        hits.append(-1 if await store.get("a") is None else 0)
        return hits

    assert asyncio.run(walk()) == [1, 2, 3, 2, 1, -1]


def test_memory_store_warns_under_several_workers(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("EXPRESSPY_WORKERS", "3")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        MemoryStore()
    assert "MemoryStore under --workers 3" in caplog.text and "RedisStore" in caplog.text


def test_redis_store_layout_expiry_decrement_and_reset(prefix: str) -> None:
    async def walk() -> list[Any]:
        store = RedisStore(REDIS_URL, prefix=prefix)
        store.init(type("Config", (), {"window_ms": 5000})())
        raw = redis.asyncio.Redis.from_url(REDIS_URL)
        try:
            await raw.script_flush()  # the store must load its script again (NOSCRIPT)
            seen: list[Any] = [
                (await store.increment("c")).total_hits,
                (await store.increment("c")).total_hits,
            ]
            seen.append(await raw.get(prefix + "c"))
            ttl = await raw.pttl(prefix + "c")
            seen.append(0 < ttl <= 5000)
            await store.decrement("c")
            seen.append((await store.get("c")).total_hits)  # type: ignore[union-attr]
            await store.reset_key("c")
            seen.append(await store.get("c"))
            return seen
        finally:
            await raw.aclose()
            await store.aclose()

    assert asyncio.run(walk()) == [1, 2, b"2", True, 1, None]


def test_redis_store_reset_expiry_on_change_and_send_command(prefix: str) -> None:
    async def walk() -> tuple[int, int]:
        raw = redis.asyncio.Redis.from_url(REDIS_URL)
        store = RedisStore(
            send_command=raw.execute_command, prefix=prefix, reset_expiry_on_change=True
        )
        store.init(type("Config", (), {"window_ms": 10_000})())
        try:
            await store.increment("r")
            await raw.pexpire(prefix + "r", 1000)
            renewed = await store.increment("r")
            return renewed.total_hits, await raw.pttl(prefix + "r")
        finally:
            await raw.aclose()

    hits, ttl = asyncio.run(walk())
    assert hits == 2 and ttl > 9000


def test_unreachable_redis_fails_fast_as_a_500_or_passes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def limiter(**options: Any) -> Any:
        return rate_limit(store=RedisStore("redis://127.0.0.1:1/0", timeout=0.5), **options)

    started = time.monotonic()
    res = request(served(limiter())).get("/").expect(500)
    assert res.text.startswith("ConnectionError: ")
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        request(served(limiter(pass_on_store_error=True))).get("/").expect(200, "ok")
    assert "error from store, allowing request without rate-limiting" in caplog.text
    assert time.monotonic() - started < 5


def test_redis_store_needs_exactly_one_connection() -> None:
    with pytest.raises(TypeError, match="either client or send_command"):
        RedisStore()
    with pytest.raises(TypeError, match="but not both"):
        RedisStore(REDIS_URL, send_command=lambda *a: None)  # type: ignore[arg-type]


def get(port: int, key: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/", headers={"Connection": "close", "X-Key": key})
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
    return response.status, body


def test_redis_store_holds_one_limit_across_two_workers(prefix: str, tmp_path: Path) -> None:
    # Each request opens a new connection, so the kernel hands it to either worker; a worker
    # counting on its own would answer 200 past the limit.
    limit = 20
    app_file = tmp_path / "limited.py"
    app_file.write_text(
        textwrap.dedent(f"""
        import os
        from expresspy import express
        from expresspy.middleware import rate_limit
        from expresspy.middleware.rate_limit import RedisStore

        app = express()
        app.use(rate_limit(
            limit={limit}, key_generator=lambda req: req.get("x-key"),
            message=lambda req, res: {{"worker": os.getpid(), "used": req.rate_limit.used}},
            store=RedisStore({REDIS_URL!r}, prefix={prefix!r})))
        app.get("/", lambda req, res: res.json({{"worker": os.getpid(),
                                                "used": req.rate_limit.used}}))
    """)
    )
    answers: list[tuple[int, dict[str, Any]]] = []
    with ExpresspyRun(str(app_file), "--workers", "2") as server:
        # The port accepts once one worker listens; wait (on a key of its own) for the other.
        deadline = time.monotonic() + 20
        while len({get(server.port, "warm-up")[1]["worker"] for _ in range(10)}) < 2:
            assert time.monotonic() < deadline, "the second worker never answered"
            time.sleep(0.2)
        while len(answers) < 300:
            answers.append(get(server.port, "everyone"))
            workers = {body["worker"] for _, body in answers}
            if len(answers) > limit + 2 and len(workers) == 2:
                break
    assert len(workers) == 2, f"one worker answered every request: {workers}"
    count = len(answers)
    assert [status for status, _ in answers] == [200] * limit + [429] * (count - limit)
    assert [body["used"] for _, body in answers] == list(range(1, count + 1))

"""One login shared by a Node app (passport + passport-local + express-session + connect-redis)
and an expresspy app (passport + LocalStrategy + session() + RedisStore), through one Redis.

Both serve tests/compat/apps/auth_redis.{js,py} with the same key prefix, secret and cookie
name: a login on either side is recognised by the other (the ``passport`` key of the session
record has one layout), and a logout on either side ends it for both. Flash messages
(connect-flash's ``flash`` key) and CSRF tokens (csrf-sync's ``csrfToken`` key) cross over too.
Needs node and npm (the pinned packages are installed once into the compat tests' npm cache) and
Redis on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.compat.harness import Server, node_tools_missing, shared_pair
from tests.compat.replay import CookieJar, SessionIds, parse_step, send, view

SECRET = {"connect.sid": "passport-redis-secret"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """auth_redis in Node and in Python, sharing one key prefix."""
    missing = node_tools_missing()
    if missing is not None:
        pytest.skip(missing)
    prefix = f"passport-interop-{os.getpid()}:"
    with shared_pair("auth_redis", prefix, tmp_path_factory.mktemp("logs")) as servers:
        yield servers


class Browser:
    """One cookie jar sent to both runtimes (one host, so a browser would do the same)."""

    def __init__(self, pair: dict[str, Server]) -> None:
        self.pair = pair
        self.jar, self.ids = CookieJar(), SessionIds()

    def send(
        self,
        runtime: str,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        status: int = 200,
    ) -> Any:
        """GET (or POST a form when ``body`` is given); return the parsed JSON body."""
        raw: dict[str, Any] = {"name": runtime, "path": path, "headers": dict(headers or {})}
        if body is not None:
            raw.update(method="POST", body=body)
            raw["headers"].update(FORM)
        exchange = send(self.pair[runtime].port, parse_step(raw, 1), self.jar, SECRET)
        log = self.pair[runtime].log_tail()
        assert exchange.error is None, (runtime, path, exchange.error, log)
        assert exchange.status == status, (runtime, path, exchange.status, exchange.body, log)
        return json.loads(view(exchange, None, self.ids, SECRET)["body"])


def walk(pair: dict[str, Server], hops: list[tuple[str, str, str | None]]) -> list[Any]:
    """Send each (runtime, path, form body or None: GET) with one cookie jar; return bodies."""
    browser = Browser(pair)
    return [browser.send(runtime, path, body) for runtime, path, body in hops]


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
    assert bodies == [
        {"user": "ann"},
        {"user": "ann"},  # the other runtime deserialized the stored login
        RECORD,
        RECORD,
        {"out": True},
        {"user": None},  # logged out by the other runtime
        {"user": None},
    ]


def test_a_user_serialized_by_node_is_deserialized_by_python_and_back(
    pair: dict[str, Server],
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
    assert bodies == [
        {"user": "ann"},
        {"user": "ann"},
        {"user": "ann"},
        RECORD,
    ]


@pytest.mark.parametrize("first", ["express", "expresspy"])
def test_flash_messages_and_csrf_tokens_cross_over(pair: dict[str, Server], first: str) -> None:
    other = "expresspy" if first == "express" else "express"
    browser = Browser(pair)
    assert browser.send(first, "/flash-add?msg=one") == {"count": 1}
    assert browser.send(other, "/flash-add?msg=two") == {"count": 2}
    assert browser.send(first, "/flash-read") == ["one", "two"]
    assert browser.send(other, "/flash-read") == []  # consumed on the other side
    token = browser.send(first, "/csrf-token")["token"]
    assert browser.send(other, "/csrf-token") == {"token": token}  # the same stored token
    assert browser.send(other, "/csrf-check", "", {"X-CSRF-Token": token}) == {"ok": True}
    refused = browser.send(other, "/csrf-check", "", {"X-CSRF-Token": token[::-1]}, status=403)
    assert refused == {"code": "EBADCSRFTOKEN"}

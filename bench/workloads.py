"""The workloads: what wrk sends, and a check that a server answers it as every peer must.

Each check runs once against a freshly started server before any load, so a peer that answers
differently (wrong body, missing cookie) is reported instead of measured.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.apps.common import (
    HELLO,
    ROUTE_COUNT,
    SQLITE_ROUND_TRIP_WORKLOAD,
    STATIC_FILE,
    STATIC_SIZE,
    STORE_WORKLOADS,
    views_text,
)

JSON_BODY_SIZE = 1024


def json_payload(size: int = JSON_BODY_SIZE) -> dict[str, object]:
    """A JSON object of plain ASCII that serialises compactly to exactly ``size`` bytes."""
    doc: dict[str, object] = {"id": 42, "name": "expresspy", "tags": ["a", "b", "c"], "pad": ""}
    short = size - len(json.dumps(doc, separators=(",", ":")))
    doc["pad"] = "x" * short
    return doc


JSON_BODY = json.dumps(json_payload(), separators=(",", ":"))


@dataclass(frozen=True)
class Reply:
    """A response as a check sees it."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes


Fetch = Callable[..., Reply]
Check = Callable[[Fetch], None]


def fetcher(port: int) -> Fetch:
    """A function that sends one request to 127.0.0.1:``port`` and returns the whole reply."""

    def fetch(
        method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            raw = conn.getresponse()
            return Reply(raw.status, raw.headers, raw.read())
        finally:
            conn.close()

    return fetch


def expect(condition: bool, message: str) -> None:
    """Fail a check with ``message``."""
    if not condition:
        raise AssertionError(message)


def expect_text(reply: Reply, text: str) -> None:
    """The reply is a 200 text/plain response with body ``text``."""
    expect(reply.status == 200, f"status {reply.status}, wanted 200")
    expect(reply.body == text.encode(), f"body {reply.body[:60]!r}, wanted {text!r}")
    ctype = reply.headers.get("Content-Type", "")
    expect(ctype.startswith("text/plain"), f"Content-Type {ctype!r}, wanted text/plain")


def check_hello(fetch: Fetch) -> None:
    """GET / answers the greeting."""
    expect_text(fetch("GET", "/"), HELLO)


def check_session(fetch: Fetch) -> None:
    """GET / counts 1, sets a cookie, and counts 2 when the cookie comes back."""
    first = fetch("GET", "/")
    expect_text(first, views_text(1))
    cookie = first.headers.get("Set-Cookie", "")
    expect(bool(cookie), "no Set-Cookie on the first response")
    second = fetch("GET", "/", headers={"Cookie": cookie.split(";", 1)[0]})
    expect_text(second, views_text(2))


def check_json(fetch: Fetch) -> None:
    """POST / with the 1 KB JSON body echoes it as JSON."""
    reply = fetch("POST", "/", JSON_BODY, {"Content-Type": "application/json"})
    expect(reply.status == 200, f"status {reply.status}, wanted 200")
    expect(json.loads(reply.body) == json_payload(), "echoed JSON differs from the request")
    ctype = reply.headers.get("Content-Type", "")
    expect(ctype.startswith("application/json"), f"Content-Type {ctype!r}")


def check_static(fetch: Fetch) -> None:
    """GET /1mb.bin sends the whole file."""
    reply = fetch("GET", f"/{STATIC_FILE}")
    expect(reply.status == 200, f"status {reply.status}, wanted 200")
    expect(len(reply.body) == STATIC_SIZE, f"{len(reply.body)} bytes, wanted {STATIC_SIZE}")


def check_routes(fetch: Fetch) -> None:
    """The last of the 200 routes answers its parameter."""
    expect_text(fetch("GET", last_route_path()), "42")


def last_route_path() -> str:
    """The path the ``routes`` workload requests."""
    return f"/r{ROUTE_COUNT - 1}/42"


def json_prelude() -> str:
    """wrk Lua that turns every request into the JSON POST."""
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(JSON_BODY)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass(frozen=True)
class Workload:
    """One kind of request load."""

    name: str
    path: str
    check: Check
    description: str
    lua: str = ""
    """wrk Lua run before the shared report script (request shape, cookie handling)."""
    flavoured: bool = True
    """Whether ``async def`` and plain ``def`` handlers make a difference (not for static)."""


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("hello", "/", check_hello, "plain-text hello world"),
        Workload(
            "session",
            "/",
            check_session,
            "session counter, in-memory store, cookie kept",
            lua=(LUA_DIR / "session.lua").read_text(),
        ),
        Workload(
            "json",
            "/",
            check_json,
            f"POST and echo a {JSON_BODY_SIZE} B JSON body",
            lua=json_prelude(),
        ),
        Workload("static", f"/{STATIC_FILE}", check_static, "a 1 MB static file", flavoured=False),
        Workload("middleware", "/", check_hello, "hello world behind 10 pass-through middleware"),
        Workload("routes", last_route_path(), check_routes, "the last of 200 parameterised routes"),
        *(
            Workload(
                name,
                "/",
                check_session,
                f"session counter, sessions in {store}, cookie kept",
                lua=(LUA_DIR / "session.lua").read_text(),
            )
            for name, store in STORE_WORKLOADS.items()
        ),
        Workload(
            SQLITE_ROUND_TRIP_WORKLOAD,
            "/",
            check_session,
            "session counter, in-memory store, plus SQLiteStore's round trip in the handler",
            lua=(LUA_DIR / "session.lua").read_text(),
        ),
    )
}


DEFAULT_WORKLOADS = [
    name for name in WORKLOADS if name not in STORE_WORKLOADS and name != SQLITE_ROUND_TRIP_WORKLOAD
]
"""What a run measures unless told: the store workloads need Redis and PostgreSQL running, and
the round trip's is measured beside ``session-sqlite``."""


def write_static_file(folder: Path) -> Path:
    """Create the static workload's 1 MB file in ``folder`` (if missing) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / STATIC_FILE
    if not target.exists() or target.stat().st_size != STATIC_SIZE:
        block = bytes(range(256)) * 4
        target.write_bytes(block * (STATIC_SIZE // len(block)))
    return folder

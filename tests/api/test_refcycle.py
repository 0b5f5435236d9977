"""A finished request is freed by reference counting (expresspy/refcycle.py), over a real server,
and `req.res` / `res.req` keep working for whoever still holds either of them."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from expresspy import express
from expresspy.request import Request
from expresspy.response import Response
from tests.server.rawhttp import connect, read_responses, running, send

GET = b"GET /%s HTTP/1.1\r\nHost: t\r\n\r\n"


def fetch(port: int, paths: list[str]) -> list[int]:
    """GET each path in turn on one keep-alive connection; the status codes."""
    with connect(port) as sock:
        statuses = []
        for path in paths:
            send(sock, GET % path.encode())
            statuses.append(read_responses(sock, 1)[0].status)
    return statuses


@pytest.fixture
def cycles_kept() -> Iterator[Callable[[], list[Any]]]:
    """Stops the cycle collector; the callable collects and returns the Requests and Responses
    that only the collector could free."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)

    def collect() -> list[Any]:
        gc.collect()
        return [obj for obj in gc.garbage if isinstance(obj, (Request, Response))]

    try:
        yield collect
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


@pytest.mark.parametrize("kind", ["async", "def"])
def test_finished_requests_need_no_cycle_collector(cycles_kept: Any, kind: str) -> None:
    app = express()
    if kind == "async":

        async def hello(req: Any, res: Any) -> None:
            res.send("Hello, World!")

        app.get("/hello", hello)
    else:
        app.get("/hello", lambda req, res: res.send("Hello, World!"))
    app.get("/json", lambda req, res: res.status(201).json({"a": [1, 2]}))
    app.use("/chain", lambda req, res, next: next())
    app.get("/chain", lambda req, res, next: next("route"))
    app.get("/chain", lambda req, res: res.redirect("/hello"))
    with running(app) as server:
        fetch(server.port, ["hello"])  # warm: first-request caches are not per-request garbage
        statuses = fetch(server.port, ["hello", "json", "missing", "chain"] * 10)
        left = cycles_kept()
    assert statuses == [200, 201, 404, 302] * 10
    assert left == []


def test_a_stashed_response_keeps_its_request() -> None:
    kept: list[Any] = []
    app = express()
    app.get("/", lambda req, res: (kept.append(res), res.send("ok")))  # type: ignore[func-returns-value]
    with running(app) as server:
        assert fetch(server.port, [""]) == [200]
    res = kept[0]
    assert res.req.res is res
    assert res.req.path == "/"


def test_a_stashed_request_keeps_its_response() -> None:
    kept: list[Any] = []
    app = express()
    app.get("/", lambda req, res: (kept.append(req), res.status(202).send("ok")))  # type: ignore[func-returns-value]
    with running(app) as server:
        assert fetch(server.port, [""]) == [202]
    req = kept[0]
    assert req.res.req is req
    assert req.res.status_code == 202


def test_a_timer_after_the_response_still_reaches_both() -> None:
    seen: list[Any] = []
    done = threading.Event()
    app = express()

    async def later(req: Any, res: Any) -> None:
        def look() -> None:  # holds only req, as a setTimeout closure in Express would
            seen.append((req.res.status_code, req.res.req is req))
            done.set()

        asyncio.get_running_loop().call_later(0.05, look)
        res.send("ok")

    app.get("/", later)
    with running(app) as server:
        assert fetch(server.port, [""]) == [200]
        assert done.wait(5)
    assert seen == [(200, True)]

"""res.write / res.end streaming, headers_sent, locals, and the lifecycle hooks
(on_headers, before_finish, on_finish) that middleware builds on."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from expresspy.testing import request

from .helpers import app_with, wire_headers

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI


def test_write_streams_chunked_over_the_real_server() -> None:
    async def handler(req: Any, res: Any) -> None:
        res.set("Content-Type", "text/plain")
        for part in ("a", "b", "c"):
            res.write(part)
            await asyncio.sleep(0)
        res.end("d")

    response = request(app_with(handler), server=True).get("/").expect(200, "abcd")
    assert ("transfer-encoding", "chunked") in wire_headers(response)


def test_write_from_a_thread_after_the_handler_returned() -> None:
    def handler(req: Any, res: Any) -> None:
        def later() -> None:
            res.write(b"late ")
            res.end("end")

        threading.Timer(0.01, later).start()

    request(app_with(handler)).get("/").expect(200, "late end")


def test_headers_sent_and_finished_flags() -> None:
    seen: list[Any] = []

    def handler(req: Any, res: Any) -> None:
        seen.append((res.headers_sent, res.finished))
        res.write("x")
        seen.append((res.headersSent, res.finished))
        res.end()
        seen.append((res.headers_sent, res.writable_ended))

    request(app_with(handler)).get("/").expect(200, "x")
    assert seen == [(False, False), (True, False), (True, True)]


def test_write_after_end_is_an_error() -> None:
    errors: list[str] = []

    def handler(req: Any, res: Any) -> None:
        res.end("x")
        try:
            res.write("y")
        except RuntimeError as exc:
            errors.append(str(exc))

    request(app_with(handler)).get("/").expect(200, "x")
    assert errors == ["write after end"]


def test_hooks_run_in_order() -> None:
    events: list[str] = []

    def handler(req: Any, res: Any) -> None:
        res.on_headers(lambda r: events.append("headers 1"))
        res.on_headers(lambda r: r.set("X-Hook", "late but allowed"))
        res.before_finish(lambda: events.append("before finish"))
        res.on_finish(lambda r: events.append(f"finish {r.status_code}"))
        res.locals["who"] = "tobi"
        res.status(201).send(res.locals["who"])
        events.append("sent")

    request(app_with(handler)).get("/").expect("X-Hook", "late but allowed").expect(201, "tobi")
    assert events == ["headers 1", "sent", "before finish", "finish 201"]


def test_a_failing_before_finish_replaces_the_response_with_the_error() -> None:
    def handler(req: Any, res: Any) -> None:
        async def fail() -> None:
            raise RuntimeError("store down")

        res.before_finish(fail)
        res.send("never seen")

    request(app_with(handler)).get("/").expect(500)


def test_on_finish_runs_when_the_client_is_gone() -> None:
    finished: list[bool] = []
    app = app_with(
        lambda req, res: (res.on_finish(lambda r: finished.append(r.req.aborted)), res.send("x"))
    )

    async def broken_pipe(scope: Any, receive: Any, send: Any) -> None:
        async def failing(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                raise ConnectionResetError("client left")
            await send(message)

        await app(scope, receive, failing)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    request(broken_pipe).get("/").expect(200)
    assert finished == [True]
